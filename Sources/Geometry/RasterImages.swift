import ImageIO

/// Lambertian previews of normal images.
///
/// colour = albedo · (ambient + (1 − ambient) · max(0, n · l̂)), with `light` the direction
/// *towards* the light in camera coordinates (default (0, 0, −1): a headlight at the camera).
/// Pixels whose normal is zero (nothing drawn) get `background`.
public enum Shading {
    public static func shade(normals: [SIMD3<Float>], width: Int, height: Int,
                             light: SIMD3<Float> = SIMD3(0, 0, -1), ambient: Float = 0.15,
                             albedo: SIMD3<Float> = SIMD3(repeating: 0.85),
                             background: SIMD3<Float> = .zero) -> RGBImage {
        let l = normalized(light)
        var img = RGBImage(width: width, height: height, fill: background)
        for i in 0..<min(normals.count, width * height) where normals[i] != .zero {
            let c = albedo * (ambient + (1 - ambient) * max(0, dot(normals[i], l)))
            img.pixels[3 * i] = min(1, c.x); img.pixels[3 * i + 1] = min(1, c.y); img.pixels[3 * i + 2] = min(1, c.z)
        }
        return img
    }
}

/// Colour encoding of camera-space unit normals (OpenCV camera: x right, y down, z forward):
///
///     RGB = ((nₓ + 1)/2, (1 − n_y)/2, (1 − n_z)/2)
///
/// so red grows to the right, green upwards, blue towards the camera; a normal facing the camera,
/// n = (0, 0, −1), is (0.5, 0.5, 1), the usual light blue. Zero normals (background) become
/// `background`. `decode` inverts it (and renormalises).
public enum NormalMap {
    @inline(__always)
    public static func colour(_ n: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3((n.x + 1) / 2, (1 - n.y) / 2, (1 - n.z) / 2)
    }

    public static func encode(_ normals: [SIMD3<Float>], width: Int, height: Int,
                              background: SIMD3<Float> = .zero) -> RGBImage {
        var img = RGBImage(width: width, height: height, fill: background)
        for i in 0..<min(normals.count, width * height) where normals[i] != .zero {
            let c = colour(normals[i])
            img.pixels[3 * i] = c.x; img.pixels[3 * i + 1] = c.y; img.pixels[3 * i + 2] = c.z
        }
        return img
    }

    /// Unit normals from an encoded image: n = normalise(2r − 1, 1 − 2g, 1 − 2b).
    public static func decode(_ image: RGBImage) -> [SIMD3<Float>] {
        (0..<(image.width * image.height)).map { i in
            let r = image.pixels[3 * i], g = image.pixels[3 * i + 1], b = image.pixels[3 * i + 2]
            return normalized(SIMD3(2 * r - 1, 1 - 2 * g, 1 - 2 * b))
        }
    }
}

/// Grey-level previews of depth maps: over the finite depths, z ∈ [z_min, z_max] maps to
/// grey = 1 − 0.9·(z − z_min)/(z_max − z_min) (nearest white, farthest 0.1); background black.
public enum DepthMap {
    public static func encode(_ depth: [Float], width: Int, height: Int) -> RGBImage {
        var lo = Float.infinity, hi = -Float.infinity
        for z in depth where z.isFinite { lo = min(lo, z); hi = max(hi, z) }
        var img = RGBImage(width: width, height: height)
        let span = hi > lo ? hi - lo : 1
        for i in 0..<min(depth.count, width * height) where depth[i].isFinite {
            let g = 1 - 0.9 * (depth[i] - lo) / span
            img.pixels[3 * i] = g; img.pixels[3 * i + 1] = g; img.pixels[3 * i + 2] = g
        }
        return img
    }
}

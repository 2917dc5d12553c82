import Geometry
import ImageIO

/// Per-pixel images of the current f_θ and g_ω over a ray set (the crop's frame): g_ω's colours,
/// camera-space unit normals n = ∇ₓf/‖∇ₓf‖ and z-depth, with misses left empty (black colour,
/// zero normal, +∞ depth).
public struct FaceImages {
    public let width: Int
    public let height: Int
    public var colors: [SIMD3<Float>]
    public var normals: [SIMD3<Float>]
    public var depth: [Float]
    /// The intrinsic shader's albedo a and irradiance S per pixel (nil for a network g_ω);
    /// `colors` = a ⊙ S.
    public var albedo: [SIMD3<Float>]?
    public var shading: [SIMD3<Float>]?
    /// The intrinsic shader's specular lobe s per pixel (nil without one); `colors` = a ⊙ S + s.
    public var specular: [Float]?

    /// Renders `rays` through `renderer` in chunks of `chunk` rays (bounded memory).
    public init(rays: RaySet, renderer: SurfaceRenderer, geometry: some DifferentiableSDF, shader: some DifferentiableShader,
                chunk: Int = 8192) {
        width = rays.width
        height = rays.height
        let n = width * height
        colors = [SIMD3<Float>](repeating: .zero, count: n)
        normals = [SIMD3<Float>](repeating: .zero, count: n)
        depth = [Float](repeating: .infinity, count: n)
        let intrinsic = shader.intrinsicShader
        if intrinsic != nil {
            albedo = [SIMD3<Float>](repeating: .zero, count: n)
            shading = albedo
            if intrinsic?.specular != nil { specular = [Float](repeating: 0, count: n) }
        }
        var start = 0
        while start < rays.count {
            let idx = Array(start..<min(rays.count, start + chunk))
            let sub = rays.subset(idx)
            let b = renderer.render(sub, geometry: geometry, shader: shader)
            for (i, r) in b.hits.enumerated() {
                let p = Int(sub.pixels[r])
                colors[p] = b.colors[i]
                normals[p] = b.normals[i]
                depth[p] = b.points[i].z
                if let intrinsic {
                    albedo?[p] = intrinsic.lastAlbedo[i]
                    shading?[p] = intrinsic.lastShading[i]
                    if intrinsic.specular != nil { specular?[p] = intrinsic.lastSpecular[i] }
                }
            }
            start += chunk
        }
    }

    public var renderImage: RGBImage { Self.image(colors, width: width, height: height) }

    /// The albedo a (nil for a network g_ω).
    public var albedoImage: RGBImage? { albedo.map { Self.image($0, width: width, height: height) } }

    /// The largest irradiance channel over the face: shading.png holds S / `shadingScale`.
    public var shadingScale: Float? {
        shading.map { s in max(1e-6, s.reduce(0) { max($0, $1.max()) }) }
    }

    /// The irradiance S / `shadingScale` (nil for a network g_ω).
    public var shadingImage: RGBImage? {
        guard let shading, let k = shadingScale else { return nil }
        return Self.image(shading.map { $0 / k }, width: width, height: height)
    }

    /// The specular lobe s, grey (nil without one).
    public var specularImage: RGBImage? {
        specular.map { Self.image($0.map { SIMD3(repeating: $0) }, width: width, height: height) }
    }

    static func image(_ colors: [SIMD3<Float>], width: Int, height: Int) -> RGBImage {
        var img = RGBImage(width: width, height: height)
        for i in 0..<(width * height) {
            let c = colors[i]
            img.pixels[3 * i] = min(1, max(0, c.x)); img.pixels[3 * i + 1] = min(1, max(0, c.y)); img.pixels[3 * i + 2] = min(1, max(0, c.z))
        }
        return img
    }

    /// Camera-space normals in `NormalMap`'s colour encoding.
    public var normalImage: RGBImage { NormalMap.encode(normals, width: width, height: height) }

    public var depthImage: RGBImage { DepthMap.encode(depth, width: width, height: height) }

    /// Direction towards the light of `shadedImage` and `overlay` (camera frame: from the
    /// upper left, in front): it rakes across the face so that folds and lines show.
    public static let light = SIMD3<Float>(-0.3, -0.3, -1)

    /// Grey Lambertian shading of `normals` under `light` (black where no ray hit).
    public static func shaded(_ normals: [SIMD3<Float>], width: Int, height: Int) -> RGBImage {
        Shading.shade(normals: normals, width: width, height: height, light: light)
    }

    /// The detailed geometry shaded (`shaded(_:)`): the easiest image to read detail from.
    public var shadedImage: RGBImage { Self.shaded(normals, width: width, height: height) }

    /// The geometry shaded (`shaded(_:)`) over `photo`, opaque where a ray hit.
    public func overlay(on photo: RGBImage) -> RGBImage {
        let shaded = shadedImage
        var out = photo
        for i in 0..<(width * height) where normals[i] != .zero {
            for c in 0..<3 { out.pixels[3 * i + c] = 0.85 * shaded.pixels[3 * i + c] + 0.15 * photo.pixels[3 * i + c] }
        }
        return out
    }
}

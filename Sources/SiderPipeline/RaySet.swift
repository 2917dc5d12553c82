import Geometry

/// The rays of the detail stage: one per pixel of the face region, from the camera centre o = 0.
///
/// Ray k is r(t) = o + t·vₖ (unit vₖ) through pixel `pixels[k]` (index y·width + x of the crop).
/// The search interval [tNearₖ, tFarₖ] brackets the coarse surface: it starts `margin` in front of
/// the rasterized coarse depth (converted from z-depth to distance along the ray, t = z / v_z)
/// and ends `margin` behind it.
public struct RaySet: Sendable {
    public var directions: [SIMD3<Float>]
    public var pixels: [Int32]
    public var tNear: [Float]
    public var tFar: [Float]
    public let width: Int
    public let height: Int

    public var count: Int { directions.count }

    public init(directions: [SIMD3<Float>], pixels: [Int32], tNear: [Float], tFar: [Float], width: Int, height: Int) {
        self.directions = directions
        self.pixels = pixels
        self.tNear = tNear
        self.tFar = tFar
        self.width = width
        self.height = height
    }

    /// Rays through every set pixel of `mask` that has a finite coarse `depth` (z, camera units,
    /// row-major like the mask). `margin` is in camera units along the ray.
    public init(camera: PinholeCamera, mask: PixelMask, depth: [Float], margin: Float) {
        var dirs: [SIMD3<Float>] = [], pix: [Int32] = [], near: [Float] = [], far: [Float] = []
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask[x, y] {
                let z = depth[y * mask.width + x]
                guard z.isFinite, z > 0 else { continue }
                let v = camera.ray(x: x, y: y).direction
                let t = z / v.z
                dirs.append(v)
                pix.append(Int32(y * mask.width + x))
                near.append(max(0, t - margin))
                far.append(t + margin)
            }
        }
        self.init(directions: dirs, pixels: pix, tNear: near, tFar: far, width: mask.width, height: mask.height)
    }

    /// The subset of rays at `indices`.
    public func subset(_ indices: [Int]) -> RaySet {
        RaySet(directions: indices.map { directions[$0] }, pixels: indices.map { pixels[$0] },
               tNear: indices.map { tNear[$0] }, tFar: indices.map { tFar[$0] }, width: width, height: height)
    }
}

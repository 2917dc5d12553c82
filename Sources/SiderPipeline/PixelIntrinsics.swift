/// Pinhole intrinsics of the image the rays are shot through (the face crop).
///
/// Camera coordinates are OpenCV's (x right, y down, z forward into the scene), the camera
/// centre o is the origin. A point (x, y, z) projects to u = fx·x/z + cx, v = fy·y/z + cy, with
/// pixel centres at integer + 0.5; the ray through pixel (i, j) has direction
/// v = normalize(((i + 0.5 − cx)/fx, (j + 0.5 − cy)/fy, 1)).
public struct PixelIntrinsics: Codable, Sendable, Equatable {
    public var fx: Float
    public var fy: Float
    public var cx: Float
    public var cy: Float
    public var width: Int
    public var height: Int

    public init(fx: Float, fy: Float, cx: Float, cy: Float, width: Int, height: Int) {
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.width = width; self.height = height
    }

    /// Unit direction of the ray through the centre of pixel (i, j).
    @inlinable public func direction(pixelX i: Int, pixelY j: Int) -> SIMD3<Float> {
        let d = SIMD3<Float>((Float(i) + 0.5 - cx) / fx, (Float(j) + 0.5 - cy) / fy, 1)
        return d / (d * d).sum().squareRoot()
    }

    /// Continuous pixel coordinates of a camera-space point (z > 0).
    @inlinable public func project(_ p: SIMD3<Float>) -> SIMD2<Float> {
        SIMD2(fx * p.x / p.z + cx, fy * p.y / p.z + cy)
    }
}

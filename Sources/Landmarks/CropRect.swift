import Foundation
import ImageIO
import SiderCore

/// A rotated rectangle of the image that is resampled into a model's input tensor, the way
/// MediaPipe's ImageToTensorCalculator (OpenCV back end) does it.
///
/// Coordinates here follow MediaPipe's pixel convention: a value x is the image position of
/// pixel index x (pixel centres at integers), which is what MediaPipe's normalised outputs
/// times the image size mean. Public results add 0.5 to reach the project's convention
/// (centres at integer + 0.5); see `FaceBox`.
///
/// The crop maps normalised tensor coordinates (u, v) ∈ [0, 1]² to the image by
///   p(u, v) = c + R(θ) · ((u − ½)·w, (v − ½)·h),   R(θ) = [cos θ  −sin θ; sin θ  cos θ],
/// and tensor pixel (i, j) samples p(i / W_t, j / H_t) bilinearly (OpenCV's warp maps the
/// rectangle's corners onto the tensor's corner coordinates 0 and W_t).
public struct CropRect: Sendable, Equatable, Codable {
    public var center: SIMD2<Float>
    public var size: SIMD2<Float>
    public var rotation: Float

    public init(center: SIMD2<Float>, size: SIMD2<Float>, rotation: Float) {
        self.center = center; self.size = size; self.rotation = rotation
    }

    /// Image point of normalised crop coordinates `uv`.
    func imagePoint(_ uv: SIMD2<Float>) -> SIMD2<Float> {
        let d = (uv - 0.5) * size
        let c = cosf(rotation), s = sinf(rotation)
        return center + SIMD2(c * d.x - s * d.y, s * d.x + c * d.y)
    }

    /// What lies outside the image: black (OpenCV BORDER_CONSTANT 0) or the nearest edge pixel.
    enum Border { case zero, replicate }

    /// Samples the rectangle into a `side`×`side` NHWC RGB tensor with values v·scale + offset
    /// (v ∈ [0, 1] the image value).
    func sample(_ image: RGBImage, side: Int, border: Border, scale: Float, offset: Float) -> [Float] {
        var out = [Float](repeating: 0, count: side * side * 3)
        let w = image.width, h = image.height
        let c = cosf(rotation), s = sinf(rotation)
        // p(i, j) = origin + i·du + j·dv
        let origin = imagePoint(SIMD2(0, 0))
        let du = SIMD2(c, s) * (size.x / Float(side))
        let dv = SIMD2(-s, c) * (size.y / Float(side))
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let sp = SendableConstPointer(src.baseAddress!)
                let dp = SendablePointer(dst.baseAddress!)
                parallelFor(side, minChunk: 32) { rows in
                    for j in rows {
                        for i in 0..<side {
                            let p = origin + Float(i) * du + Float(j) * dv
                            let x0f = p.x.rounded(.down), y0f = p.y.rounded(.down)
                            let fx = p.x - x0f, fy = p.y - y0f
                            let x0 = Int(x0f), y0 = Int(y0f)
                            // One bilinear tap; out-of-image taps are black or clamped.
                            func tap(_ xx: Int, _ yy: Int) -> SIMD3<Float> {
                                var x = xx, y = yy
                                if x < 0 || y < 0 || x >= w || y >= h {
                                    if border == .zero { return .zero }
                                    x = min(max(x, 0), w - 1); y = min(max(y, 0), h - 1)
                                }
                                let k = (y * w + x) * 3
                                return SIMD3(sp[k], sp[k + 1], sp[k + 2])
                            }
                            let top = (1 - fx) * tap(x0, y0) + fx * tap(x0 + 1, y0)
                            let bottom = (1 - fx) * tap(x0, y0 + 1) + fx * tap(x0 + 1, y0 + 1)
                            let v = ((1 - fy) * top + fy * bottom) * scale + offset
                            let o = (j * side + i) * 3
                            dp[o] = v.x; dp[o + 1] = v.y; dp[o + 2] = v.z
                        }
                    }
                }
            }
        }
        return out
    }
}

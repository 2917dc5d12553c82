/// The similarity between camera coordinates and the networks' normalised frame.
///
/// y = (x − centre)/scale puts the face inside the unit sphere, where f_θ's positional encoding φ
/// and geometric initialisation expect it. An SDF f in the frame is an SDF in camera units as
/// F(x) = scale·f((x − centre)/scale), with ∇ₓF(x) = ∇_y f(y) (normals are unchanged).
public struct NormalizedFrame: Codable, Sendable, Equatable {
    public var center: SIMD3<Float>
    public var scale: Float

    public init(center: SIMD3<Float>, scale: Float) {
        self.center = center
        self.scale = scale
    }

    public static let identity = NormalizedFrame(center: .zero, scale: 1)

    /// The frame whose unit sphere holds `points`' bounding box with `padding` (fraction) to spare.
    public init(enclosing points: [SIMD3<Float>], padding: Float = 0.2) {
        guard var lo = points.first else { self = .identity; return }
        var hi = lo
        for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let c = (lo + hi) / 2, half = (hi - lo) / 2
        let r = (half * half).sum().squareRoot()
        self.init(center: c, scale: max(r, 1e-6) * (1 + padding))
    }

    @inline(__always) public func toFrame(_ x: SIMD3<Float>) -> SIMD3<Float> { (x - center) / scale }
    @inline(__always) public func toCamera(_ y: SIMD3<Float>) -> SIMD3<Float> { y * scale + center }
}

extension Array where Element == SIMD3<Float> {
    /// Interleaved x, y, z floats.
    func flattened(_ map: (SIMD3<Float>) -> SIMD3<Float> = { $0 }) -> [Float] {
        var out = [Float](repeating: 0, count: count * 3)
        for (i, p) in enumerated() { let q = map(p); out[3 * i] = q.x; out[3 * i + 1] = q.y; out[3 * i + 2] = q.z }
        return out
    }
}

/// SIMD3 values from interleaved floats, each multiplied by `factor`.
func unflattened(_ p: UnsafePointer<Float>, count n: Int, factor: Float = 1) -> [SIMD3<Float>] {
    (0..<n).map { SIMD3(p[3 * $0], p[3 * $0 + 1], p[3 * $0 + 2]) * factor }
}

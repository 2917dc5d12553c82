/// An encoding e: ℝ³ → ℝᴰ of points (φ in the paper), with the derivatives that the spatial
/// gradient ∇ₓf and its backward pass need.
///
/// With J = ∂e/∂x (D×3) per point, and Ge = ∂f/∂e, the spatial gradient is ∇ₓf = Jᵀ·Ge.
/// A parametric encoding (a grid) allocates its parameters in the network's `ParameterStore`
/// and accumulates their gradients in `backward` and `secondOrder`.
public protocol InputEncoding: AnyObject, Sendable {
    var outputDimension: Int { get }
    /// Whether the encoding has trainable parameters (a grid).
    var hasParameters: Bool { get }
    /// E (N×D, row stride lde) = e(x); x is N×3.
    func encode(_ x: UnsafePointer<Float>, rows: Int, into e: UnsafeMutablePointer<Float>, lde: Int)
    /// out (N×3) (+)= Jᵀ·dE when `out` is given, and parameter gradients ∂L/∂T += (∂e/∂T)ᵀ·dE
    /// when `parameters`. This is both the backward of `encode` and the spatial gradient (dE = Ge).
    func pullback(_ x: UnsafePointer<Float>, rows: Int, dE: UnsafePointer<Float>, ldde: Int,
                  into out: UnsafeMutablePointer<Float>?, accumulate: Bool, parameters: Bool)
    /// dE (N×D) = J·t for tangents t (N×3): Ḡe from Ḡ = ∂L/∂(∇ₓf).
    func pushforward(_ x: UnsafePointer<Float>, rows: Int, tangent: UnsafePointer<Float>,
                     into dE: UnsafeMutablePointer<Float>, ldde: Int)
    /// The second-order terms of ∇ₓf = Jᵀ·Ge given Ḡ = ∂L/∂(∇ₓf):
    /// dX_j += Σ_{k,i} Ge_k·∂²e_k/∂x_i∂x_j·Ḡ_i (when dX is given) and, for parametric encodings
    /// when `parameters`, ∂L/∂T += Σ_{k,i} Ge_k·Ḡ_i·∂²e_k/∂x_i∂T.
    func secondOrder(_ x: UnsafePointer<Float>, rows: Int, ge: UnsafePointer<Float>, ldge: Int,
                     barG: UnsafePointer<Float>, dX: UnsafeMutablePointer<Float>?, parameters: Bool)
}

/// Calls `body(r, s, c)` for each row r in `range` with s[k] = sin(a_k) and c[k] = cos(a_k) of
/// the `width` arguments a that `arguments(r, a)` writes for that row; the sines and cosines
/// computed 8 at a time (`VectorMath.sinCos`) over blocks of 64 rows (a stack buffer of
/// 2·64·width floats). With width 0, `body` gets empty buffers.
@inline(__always)
func forEachSinCosRow(_ range: Range<Int>, width m: Int, arguments: (Int, UnsafeMutablePointer<Float>) -> Void,
                      _ body: (Int, UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
    let block = 64
    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, 2 * block * m)) { buffer in
        let sn = buffer.baseAddress!, cs = sn + block * m
        guard m > 0 else { for r in range { body(r, sn, sn) }; return }
        var r0 = range.lowerBound
        while r0 < range.upperBound {
            let n = min(block, range.upperBound - r0)
            for i in 0..<n { arguments(r0 + i, sn + i * m) }
            VectorMath.sinCos(sn, count: n * m, sin: sn, cos: cs)
            for i in 0..<n { body(r0 + i, sn + i * m, cs + i * m) }
            r0 += n
        }
    }
}

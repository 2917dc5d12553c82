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

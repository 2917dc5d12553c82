import SiderCore

/// The eikonal term: Eq. 6 (Loss_eik) in the coarse stage and the λ₂ term of Eq. 10,
/// L = (1/N) Σ (‖∇ₓf(xᵢ)‖ − 1)², ∂L/∂∇ₓfᵢ = 2(‖∇ₓfᵢ‖ − 1)·∇ₓfᵢ/‖∇ₓfᵢ‖/N. Rows: 𝒫ᵦ.
public struct Eikonal: GeometryLossTerm {
    public let name = "eikonal"
    public var weight: Float

    public init(weight: Float) { self.weight = weight }

    init(options: inout LossTermOptions) throws { weight = try options.value("weight") }

    public func accumulate(_ eval: GeometryEvaluation, extra: Range<Int>, context: GeometryTermContext,
                           dSDF: inout [Float], dGradients: inout [SIMD3<Float>]) -> Float {
        let rows = context.regularizer
        return Float(Self.accumulate(count: rows.count, weight: weight, gradient: { eval.gradients[rows.lowerBound + $0] },
                                     dGradient: { dGradients[rows.lowerBound + $0] = $1 }))
    }

    /// The term over `count` rows: returns L and hands weight·∂L/∂(∇ₓfᵢ) to `dGradient` (not
    /// called where ∇ₓf = 0).
    @inline(__always)
    public static func accumulate(count n: Int, weight: Float, gradient: (Int) -> SIMD3<Float>,
                                  dGradient: (Int, SIMD3<Float>) -> Void) -> Double {
        let w: Float = n > 0 ? 1 / Float(n) : 0
        var total: Double = 0
        for i in 0..<n {
            let g = gradient(i), len = (g * g).sum().squareRoot()
            total += Double((len - 1) * (len - 1))
            if len > 0 { dGradient(i, g * (weight * 2 * (len - 1) / len * w)) }
        }
        return total * Double(w)
    }
}

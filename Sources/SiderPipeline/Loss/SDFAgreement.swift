import SiderCore

/// |f − SDF_GT| over points with known SDF_GT: Eq. 4 (Loss_geo) in the coarse stage and the λ₁
/// term of Eq. 10, L = (1/N) Σ |f(xᵢ) − SDF_GT(xᵢ)| / u (u: the length unit, normalised frame).
/// ∂L/∂fᵢ = sign(fᵢ − SDF_GTᵢ)/(N·u). Rows: the regulariser points 𝒫ᵦ. With `delta` (normalised
/// units) the detail stage's λ₁ term is Charbonnier instead (`RobustPenalty`): sub-δ relief costs
/// quadratically instead of being shrunk to zero.
public struct SDFAgreement: GeometryLossTerm {
    public let name = "sdf"
    public var weight: Float
    public var penalty: RobustPenalty

    public init(weight: Float, penalty: RobustPenalty = .l1) {
        self.weight = weight
        self.penalty = penalty
    }

    init(options: inout LossTermOptions) throws {
        weight = try options.value("weight")
        penalty = try RobustPenalty(options: &options)
    }

    public func accumulate(_ eval: GeometryEvaluation, extra: Range<Int>, context: GeometryTermContext,
                           dSDF: inout [Float], dGradients: inout [SIMD3<Float>]) -> Float {
        let rows = context.regularizer
        return Float(Self.accumulate(count: rows.count, weight: weight, lengthUnit: context.lengthUnit, penalty: penalty,
                                     sdf: { eval.sdf[rows.lowerBound + $0] }, target: { context.regularizerTargets[$0] },
                                     dSDF: { dSDF[rows.lowerBound + $0] = $1 }))
    }

    /// The term over `count` rows (the coarse stage's and the detail stage's): returns L and
    /// hands weight·∂L/∂fᵢ to `dSDF`.
    @inline(__always)
    public static func accumulate(count n: Int, weight: Float, lengthUnit u: Float, penalty: RobustPenalty = .l1,
                                  sdf: (Int) -> Float, target: (Int) -> Float, dSDF: (Int, Float) -> Void) -> Double {
        let w: Float = n > 0 ? 1 / Float(n) : 0
        var total: Double = 0
        for i in 0..<n {
            let (value, slope) = penalty.evaluate((sdf(i) - target(i)) / u)
            total += Double(value)
            dSDF(i, weight * slope * w / u)
        }
        return total * Double(w)
    }
}

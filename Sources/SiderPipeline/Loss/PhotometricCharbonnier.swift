/// A smooth photometric term: per channel ρ(r) = δ·(√(1 + (r/δ)²) − 1), r = c(x̂) − c_gt,
/// L = (1/|ℬ|) Σ Σ_channels ρ(r) / 3, ∂L/∂c = (r/δ)/√(1 + (r/δ)²)/(3|ℬ|).
///
/// Like Eq. 9's L1 for |r| ≫ δ (outliers: highlights, hair), quadratic (r²/2δ) for |r| ≪ δ.
/// Under L1 only the sign of each residual counts, so a faint wrinkle's shading on top of a
/// larger smooth residual changes no sign and passes no gradient; here, below δ, it adds.
public struct PhotometricCharbonnier: ColorLossTerm {
    public let name = "photometricSmooth"
    public var weight: Float
    /// δ, in colour units (0…1).
    public var delta: Float

    public init(weight: Float, delta: Float) {
        self.weight = weight
        self.delta = delta
    }

    init(options: inout LossTermOptions) throws {
        weight = try options.value("weight")
        delta = try options.value("delta", in: 1e-4...1)
    }

    public func evaluate(colors: [SIMD3<Float>], targets: [SIMD3<Float>]) -> (value: Float, dColors: [SIMD3<Float>]) {
        let rho = RobustPenalty.charbonnier(delta: delta)
        return PerChannelPenalty.evaluate(colors: colors, targets: targets, weight: weight) { r in
            let (x, y, z) = (rho.evaluate(r.x), rho.evaluate(r.y), rho.evaluate(r.z))
            return (SIMD3(x.value, y.value, z.value), SIMD3(x.slope, y.slope, z.slope))
        }
    }
}

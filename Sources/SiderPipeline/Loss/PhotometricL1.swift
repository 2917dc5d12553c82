/// Eq. 9–10's photometric term: L_rgb = (1/|ℬ|) Σ ‖c(x̂) − c_gt‖₁ / 3 over the rays that hit.
/// ∂L/∂c = sign(c − c_gt)/(3|ℬ|).
public struct PhotometricL1: ColorLossTerm {
    public let name = "photometric"
    public var weight: Float

    public init(weight: Float) { self.weight = weight }

    init(options: inout LossTermOptions) throws { weight = try options.value("weight") }

    public func evaluate(colors: [SIMD3<Float>], targets: [SIMD3<Float>]) -> (value: Float, dColors: [SIMD3<Float>]) {
        PerChannelPenalty.evaluate(colors: colors, targets: targets, weight: weight) { r in
            (SIMD3(abs(r.x), abs(r.y), abs(r.z)), SIMD3(sign(r.x), sign(r.y), sign(r.z)))
        }
    }
}

/// L = (1/|ℬ|) Σ Σ_channels ρ(rₖ) / 3 for residuals r = c − c_gt, with ∂(weight·L)/∂c, given
/// ρ and ρ' per channel: the shape of every photometric term.
enum PerChannelPenalty {
    @inline(__always)
    static func evaluate(colors: [SIMD3<Float>], targets: [SIMD3<Float>], weight: Float,
                         _ rho: (SIMD3<Float>) -> (value: SIMD3<Float>, slope: SIMD3<Float>)) -> (value: Float, dColors: [SIMD3<Float>]) {
        let h = colors.count
        var value: Float = 0
        var d = [SIMD3<Float>](repeating: .zero, count: h)
        let wc: Float = h > 0 ? 1 / Float(3 * h) : 0
        let scale = weight * wc
        for i in 0..<h {
            let (v, s) = rho(colors[i] - targets[i])
            value += v.sum()
            d[i] = s * scale
        }
        return (value * wc, d)
    }
}

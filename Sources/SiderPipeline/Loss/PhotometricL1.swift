/// Eq. 9–10's photometric term: L_rgb = (1/|ℬ|) Σ ‖c(x̂) − c_gt‖₁ / 3 over the rays that hit.
/// ∂L/∂c = sign(c − c_gt)/(3|ℬ|).
public struct PhotometricL1: ColorLossTerm {
    public let name = "photometric"
    public var weight: Float

    public init(weight: Float) { self.weight = weight }

    init(options: inout LossTermOptions) throws { weight = try options.value("weight") }

    public func evaluate(colors: [SIMD3<Float>], targets: [SIMD3<Float>]) -> (value: Float, dColors: [SIMD3<Float>]) {
        let h = colors.count
        var value: Float = 0
        var d = [SIMD3<Float>](repeating: .zero, count: h)
        let wc: Float = h > 0 ? 1 / Float(3 * h) : 0
        let scale = weight * wc
        for i in 0..<h {
            let diff = colors[i] - targets[i]
            value += abs(diff.x) + abs(diff.y) + abs(diff.z)
            d[i] = SIMD3(sign(diff.x), sign(diff.y), sign(diff.z)) * scale
        }
        return (value * wc, d)
    }
}

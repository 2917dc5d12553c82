/// ρ(r) for a prior's residual: |r| (L1, the paper's), or Charbonnier δ·(√(1 + (r/δ)²) − 1) —
/// L1 beyond δ, r²/2δ below it. L1 on a prior is a dead zone: any deviation smaller than the
/// data term's pull per unit is shrunk to exactly zero (soft thresholding), so a faint wrinkle
/// whose photometric gradient is small never starts; below δ the Charbonnier prior costs a
/// deviation quadratically, as the smooth photometric term does, and the two balance.
public enum RobustPenalty: Sendable, Equatable {
    case l1
    case charbonnier(delta: Float)

    /// L1 when the term's options have no `delta`, else Charbonnier with it.
    init(options: inout LossTermOptions) throws {
        if let delta = try options.optionalValue("delta", in: 1e-6...10) {
            self = .charbonnier(delta: delta)
        } else {
            self = .l1
        }
    }

    /// ρ(r) and ρ'(r).
    @inline(__always)
    public func evaluate(_ r: Float) -> (value: Float, slope: Float) {
        switch self {
        case .l1:
            return (abs(r), sign(r))
        case .charbonnier(let delta):
            let q = r / delta, root = (1 + q * q).squareRoot()
            return (delta * (root - 1), q / root)
        }
    }

    /// ρ(‖v‖) and ρ'(‖v‖)/‖v‖ (the factor on v in ∂ρ/∂v; 0 for L1 at v = 0).
    @inline(__always)
    public func evaluateNorm(_ v: SIMD3<Float>) -> (value: Float, factor: Float) {
        let len = (v * v).sum().squareRoot()
        switch self {
        case .l1:
            return (len, len > 0 ? 1 / len : 0)
        case .charbonnier(let delta):
            let q = len / delta, root = (1 + q * q).squareRoot()
            return (delta * (root - 1), 1 / (delta * root))
        }
    }
}

import NeuralFields

/// Loss_coarse of Eq. 7 on one batch and its gradient in θ:
/// L = (1/N)Σ|f(φ(xᵢ)) − SDF_GT(xᵢ)| + λ·(1/N)Σ(‖∇ₓf(xᵢ)‖ − 1)².
/// ∂L/∂fᵢ = sign(fᵢ − tᵢ)/N and ∂L/∂∇fᵢ = 2λ(‖∇fᵢ‖ − 1)·∇fᵢ/‖∇fᵢ‖/N, pushed into θ by
/// `SDFNetwork.backward` (the second through the exact double backward).
public enum CoarseLoss {
    /// Runs forward and backward, accumulating ∂L/∂θ into `network.store.grads`; returns the two
    /// terms (Loss_geo, Loss_eik). `dS` (N) and `dG` (3N) are caller-owned scratch.
    @discardableResult
    public static func accumulateGradients(_ network: SDFNetwork, points: [Float], targets: [Float], lambda: Float,
                                           dS: inout [Float], dG: inout [Float]) -> (geometric: Double, eikonal: Double) {
        let n = targets.count
        points.withUnsafeBufferPointer { network.forward(points: $0.baseAddress!, count: n, gradient: true) }
        var geo: Double = 0, eik: Double = 0
        let inv = 1 / Float(n)
        for i in 0..<n {
            let r = network.sdf(i) - targets[i]
            geo += Double(abs(r))
            dS[i] = r > 0 ? inv : (r < 0 ? -inv : 0)
            let g = SIMD3<Float>(network.gradient[3 * i], network.gradient[3 * i + 1], network.gradient[3 * i + 2])
            let len = max((g * g).sum().squareRoot(), 1e-12)
            eik += Double((len - 1) * (len - 1))
            let k = lambda * 2 * (len - 1) / len * inv
            dG[3 * i] = k * g.x; dG[3 * i + 1] = k * g.y; dG[3 * i + 2] = k * g.z
        }
        if geo.isFinite && eik.isFinite {
            dS.withUnsafeBufferPointer { sp in dG.withUnsafeBufferPointer { gp in
                network.backward(dSDF: sp.baseAddress, dFeatures: nil, dGradient: gp.baseAddress)
            } }
        }
        return (geo / Double(n), eik / Double(n))
    }

    /// The loss value only (for checks).
    public static func value(_ network: SDFNetwork, points: [Float], targets: [Float], lambda: Float) -> Double {
        let n = targets.count
        points.withUnsafeBufferPointer { network.forward(points: $0.baseAddress!, count: n, gradient: true) }
        var geo: Double = 0, eik: Double = 0
        for i in 0..<n {
            geo += Double(abs(network.sdf(i) - targets[i]))
            var g2: Double = 0
            for d in 0..<3 { g2 += Double(network.gradient[3 * i + d]) * Double(network.gradient[3 * i + d]) }
            eik += (g2.squareRoot() - 1) * (g2.squareRoot() - 1)
        }
        return (geo + Double(lambda) * eik) / Double(n)
    }
}

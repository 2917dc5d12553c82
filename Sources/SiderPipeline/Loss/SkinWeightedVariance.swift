/// The m-weighted variance over a batch of a per-point feature f (the albedo priors' measure),
///
///   V = Σᵢ mᵢ·‖fᵢ − f̄‖² / Σᵢ mᵢ,  f̄ = Σᵢ mᵢ·fᵢ / Σᵢ mᵢ,  ∂V/∂fᵢ = 2mᵢ·(fᵢ − f̄)/Σm
///
/// (the terms through f̄ sum to zero). Zero, with zero gradient, when Σm is 0.
enum SkinWeightedVariance {
    static func evaluate(_ f: [SIMD3<Float>], skin m: [Float]) -> (value: Float, dF: [SIMD3<Float>]) {
        var dF = [SIMD3<Float>](repeating: .zero, count: f.count)
        var total: Float = 0, mean = SIMD3<Float>.zero
        for (x, w) in zip(f, m) { total += w; mean += w * x }
        guard total > 1e-6 else { return (0, dF) }
        mean /= total
        var value: Float = 0
        for i in f.indices where m[i] > 0 {
            let e = f[i] - mean
            value += m[i] * (e * e).sum()
            dF[i] = 2 * m[i] * e / total
        }
        return (value / total, dF)
    }
}

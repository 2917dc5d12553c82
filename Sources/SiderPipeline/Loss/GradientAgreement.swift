/// The coarse stage's normal term: ∇ₓf agrees with the prior's normal field,
/// L = (1/N) Σ ‖∇ₓf(xᵢ) − nᵢ‖², ∂L/∂∇ₓfᵢ = 2(∇ₓfᵢ − nᵢ)/N, where nᵢ is ± the mesh's
/// interpolated vertex normal at xᵢ's nearest point (`CoarseSamples.gradients`). Eq. 4 matches
/// f's values only; with this term f_c also takes the prior's smooth normals, which the detail
/// stage is compared with. Rows without a target (zero: inside the ε-shell) are skipped.
public enum GradientAgreement {
    /// The term over `count` rows: returns L and hands weight·∂L/∂(∇ₓfᵢ) to `dGradient`.
    @inline(__always)
    public static func accumulate(count n: Int, weight: Float, gradient: (Int) -> SIMD3<Float>,
                                  target: (Int) -> SIMD3<Float>, dGradient: (Int, SIMD3<Float>) -> Void) -> Double {
        let w: Float = n > 0 ? 1 / Float(n) : 0
        var total: Double = 0
        for i in 0..<n {
            let t = target(i)
            guard t != .zero else { continue }
            let d = gradient(i) - t
            total += Double((d * d).sum())
            dGradient(i, d * (weight * 2 * w))
        }
        return total * Double(w)
    }
}

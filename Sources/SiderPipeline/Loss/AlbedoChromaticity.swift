/// A prior on the intrinsic shader's skin albedo a_s: its chromaticity χ = a/(a_r + a_g + a_b)
/// stays close to its mean over the skin of the batch (the m-weighted variance),
///
///   L = Σᵢ mᵢ·‖χᵢ − χ̄‖² / Σᵢ mᵢ,  χ̄ = Σᵢ mᵢ·χᵢ / Σᵢ mᵢ,
///   ∂L/∂χᵢ = 2mᵢ·(χᵢ − χ̄)/Σm,  ∂L/∂aᵢ = (∂L/∂χᵢ − (∂L/∂χᵢ·χᵢ)·1)/sᵢ,  sᵢ = a_r + a_g + a_b,
///
/// m the skin confidence (brows, lips, stubble carry none). Skin's albedo changes its lightness
/// more than its hue over a face, while a highlight adds white: an albedo that took the
/// highlight in would turn paler there (NextFace's chromaticity consistency). It holds only
/// with white light (`InitialLightConfig.grey`): with a colour per channel the light takes the
/// skin's colour and the albedo, grey, has no hue to lose.
public struct AlbedoChromaticity: AlbedoLossTerm {
    public let name = "albedoChroma"
    public var weight: Float

    public init(weight: Float) { self.weight = weight }

    init(options: inout LossTermOptions) throws {
        weight = try options.value("weight")
    }

    public func evaluate(albedo: [SIMD3<Float>], skin: [Float]) -> (value: Float, dAlbedo: [SIMD3<Float>]) {
        var d = [SIMD3<Float>](repeating: .zero, count: albedo.count)
        let sums = albedo.map { $0.sum() }
        let chroma = zip(albedo, sums).map { a, s in s > 1e-6 ? a / s : SIMD3(repeating: 1 / 3) }
        var total: Float = 0, mean = SIMD3<Float>.zero
        for (c, m) in zip(chroma, skin) { total += m; mean += m * c }
        guard total > 1e-6 else { return (0, d) }
        mean /= total
        var value: Float = 0
        for i in albedo.indices where skin[i] > 0 {
            let e = chroma[i] - mean
            value += skin[i] * (e * e).sum()
            guard sums[i] > 1e-6 else { continue }
            let g = 2 * skin[i] * e / total
            d[i] = weight * (g - SIMD3(repeating: (g * chroma[i]).sum())) / sums[i]
        }
        return (value / total, d)
    }
}

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
        let sums = albedo.map { $0.sum() }
        let chroma = zip(albedo, sums).map { a, s in s > 1e-6 ? a / s : SIMD3(repeating: 1 / 3) }
        let (value, dChroma) = SkinWeightedVariance.evaluate(chroma, skin: skin)
        let d = albedo.indices.map { i -> SIMD3<Float> in
            guard sums[i] > 1e-6 else { return .zero }
            let g = dChroma[i]
            return weight * (g - SIMD3(repeating: (g * chroma[i]).sum())) / sums[i]
        }
        return (value, d)
    }
}

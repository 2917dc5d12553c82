import Foundation

/// A prior on the intrinsic shader's skin albedo a_s: its lightness s = a_r + a_g + a_b stays
/// close to its mean over the skin of the batch, in the log (the m-weighted variance of ln s),
///
///   L = Σᵢ mᵢ·(ln sᵢ − μ)² / Σᵢ mᵢ,  μ = Σᵢ mᵢ·ln sᵢ / Σᵢ mᵢ,
///   ∂L/∂aᵢ = 2mᵢ·(ln sᵢ − μ)/(Σm·sᵢ)·(1, 1, 1)   (the terms through μ sum to zero),
///
/// m the skin confidence. Held to one lightness (weakly: skin's lightness does vary), the skin
/// albedo cannot take broad shading or a highlight in; they stay for the light, the lobe and
/// the surface to explain. It adds to `AlbedoChromaticity`, which holds the hue.
public struct AlbedoLightness: AlbedoLossTerm {
    public let name = "albedoLightness"
    public var weight: Float

    public init(weight: Float) { self.weight = weight }

    init(options: inout LossTermOptions) throws {
        weight = try options.value("weight")
    }

    public func evaluate(albedo: [SIMD3<Float>], skin: [Float]) -> (value: Float, dAlbedo: [SIMD3<Float>]) {
        let sums = albedo.map { max($0.sum(), 1e-6) }
        let (value, dLog) = SkinWeightedVariance.evaluate(sums.map { SIMD3(logf($0), 0, 0) }, skin: skin)
        return (value, albedo.indices.map { SIMD3(repeating: weight * dLog[$0].x / sums[$0]) })
    }
}

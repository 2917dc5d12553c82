import ImageIO

/// Takes a photographed scan texture's own wrinkle shading out of the face: a texture photographed
/// under light carries the subject's real furrows as dark bands (`james`' forehead has three),
/// which no single-image method can tell from relief, so in a benchmark whose true geometry lacks
/// them they read as errors wherever a method recovers them. On the frontal texels
/// (`FrontalTexels`) the luminance band between σ₁ and σ₂ (surface length, scan units) is divided
/// out,
///   c′ = c · (G_σ₂ ∗ L) / (G_σ₁ ∗ L),   L = 0.2126 r + 0.7152 g + 0.0722 b,
/// masked Gaussian blurs over those texels (σ in texels = σ / the median texel size): the pores
/// (below σ₁) and the broad tone (above σ₂) stay, hue stays, the wrinkle-scale shading goes.
public enum WrinkleBandFlattening {
    public static let defaultSigmas: (Float, Float) = (1.0, 6.0)

    public static func apply(_ scan: TexturedScan, frame: ScanFaceFrame,
                             sigmas: (Float, Float) = defaultSigmas) -> RGBImage {
        var texture = scan.texture
        let w = texture.width, h = texture.height
        let frontal = FrontalTexels(scan, frame: frame)
        guard frontal.texelSize > 0, !frontal.texels.isEmpty else { return texture }
        var support = [Bool](repeating: false, count: w * h)
        var luminance = [SIMD3<Float>](repeating: .zero, count: w * h)
        for t in frontal.texels {
            let k = 3 * t.index
            let l = 0.2126 * texture.pixels[k] + 0.7152 * texture.pixels[k + 1] + 0.0722 * texture.pixels[k + 2]
            support[t.index] = true
            luminance[t.index] = SIMD3(repeating: l)
        }
        let fine = PixelMasks.blur(luminance, support: support, width: w, height: h, sigma: sigmas.0 / frontal.texelSize)
        let broad = PixelMasks.blur(luminance, support: support, width: w, height: h, sigma: sigmas.1 / frontal.texelSize)
        for t in frontal.texels where fine[t.index].x > 1e-4 {
            let factor = broad[t.index].x / fine[t.index].x
            let k = 3 * t.index
            for ch in 0..<3 { texture.pixels[k + ch] = min(1, texture.pixels[k + ch] * factor) }
        }
        return texture
    }
}

import NeuralFields

/// The intrinsic shader c = a(x̂) ⊙ S(n; ℓ) (`IntrinsicShader`): an albedo of limited bandwidth
/// times second-order spherical-harmonics irradiance.
public struct IntrinsicShaderConfig: Codable, Sendable, Equatable {
    /// a_s(x), the skin's albedo: low bandwidth, so that fine shading must come from n.
    public var albedo: ColorFieldConfig
    /// a_d(x), a finer albedo used where the photo is not skin (brows, lashes, lips, beard),
    /// blended by the skin confidence m: a = m·a_s + (1 − m)·a_d. nil: a = a_s everywhere.
    public var albedoDetail: ColorFieldConfig?
    /// The skin confidence m(p) per pixel from the photo's colour (nil: m = 1).
    public var skin: SkinConfidenceConfig?
    /// Initial lighting, grey: S(n) = ambient + frontal·(−n_z) (n_z = −1 faces the camera).
    public var light: InitialLightConfig
    /// A white Blinn–Phong lobe added to a ⊙ S (`SpecularLobe`), with its starting strength k_s
    /// and shininess α (nil: none).
    public var specular: SpecularLobeConfig?

    public init(albedo: ColorFieldConfig, albedoDetail: ColorFieldConfig?, skin: SkinConfidenceConfig?,
                light: InitialLightConfig, specular: SpecularLobeConfig? = nil) {
        self.albedo = albedo; self.albedoDetail = albedoDetail; self.skin = skin; self.light = light; self.specular = specular
    }
}

public struct SpecularLobeConfig: Codable, Sendable, Equatable {
    public var strength: Float
    public var shininess: Float

    public init(strength: Float, shininess: Float) {
        self.strength = strength
        self.shininess = shininess
    }
}

public struct InitialLightConfig: Codable, Sendable, Equatable {
    public var ambient: Float
    public var frontal: Float
    /// White light: one coefficient per band shared by the three channels (9 instead of 27), so
    /// S is grey and the albedo carries the face's colour (nil: false, a colour per channel).
    public var grey: Bool?

    public init(ambient: Float, frontal: Float, grey: Bool? = nil) {
        self.ambient = ambient; self.frontal = frontal; self.grey = grey
    }
}

/// m(p) = (1 − ramp(‖χ(p) − χ̄‖; d₀, d₁)) · ramp(q(p); q₀, q₁), where χ = rgb/(r+g+b) is the
/// pixel's chromaticity, χ̄ its median over the face, q = L/L̄ the luminance over its local
/// mean (a Gaussian of `blur` × the crop side) and ramp(t; a, b) rises linearly from 0 at a to
/// 1 at b. Shading is achromatic and the relief of skin darkens it gently; brows, lashes, lips,
/// stubble and painted marks change the chromaticity or darken it strongly. The ramps keep m
/// exactly 1 on most skin, so that the finer albedo has no share there.
public struct SkinConfidenceConfig: Codable, Sendable, Equatable {
    /// [d₀, d₁].
    public var chroma: [Float]
    /// [q₀, q₁].
    public var darkness: [Float]
    /// σ of L̄ as a fraction of the crop side.
    public var blur: Float
}

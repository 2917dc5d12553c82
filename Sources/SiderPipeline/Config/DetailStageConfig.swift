import NeuralFields

/// The detail stage (Sect. 3.3, Eq. 8–10), in the normalised frame where the face spans about
/// [−1, 1] (`CoarseFrame`): per iteration a batch of rays ℬ and of points 𝒫ᵦ, the configured
/// loss terms (`losses`, summed with their weights), one Adam step per trainable parameter group.
public struct DetailStageConfig: Codable, Sendable, Equatable {
    /// Maximum iterations (a run may stop earlier, see `stopping`).
    public var iterations: Int
    public var raysPerBatch: Int
    /// Points of 𝒫ᵦ per batch (the coarse stage's pool; the λ₁ and λ₂ terms' points).
    public var pointsPerBatch: Int
    public var geometry: DetailGeometryConfig
    public var shader: ShaderConfig
    /// Term name → its options (each has a `weight`); see `LossTerms`.
    public var losses: [String: [String: Float]]
    public var optimizer: OptimizerConfig
    public var stopping: StoppingConfig
    public var tracer: SphereTraceSettings
    /// From an iteration on, the photometric targets without the render's smooth residual
    /// (`ResidualHighPass`); nil: the photo's colours throughout.
    public var residualHighPass: ResidualHighPassConfig?
}

/// At iteration `from` the detail stage renders the whole crop once, blurs the residual
/// photo − render over the face (masked Gaussian, σ = `sigma` × the crop's side) and subtracts
/// that blur from every target from then on: c_gt′ = c_gt − G_σ ∗ (c_gt − c). What is left for
/// the photometric terms is the residual's detail band (wrinkles) — not the smooth errors of the
/// coarse shape and albedo, which the detail field would otherwise explain with broad relief.
public struct ResidualHighPassConfig: Codable, Sendable, Equatable {
    public var from: Int
    public var sigma: Float
}

/// f_θ in the detail stage: the coarse network f_c, refined, optionally plus a detail field δ
/// that starts at zero (`RefinedGeometry`): a network (`delta`) or a height field over the crop
/// (`height`), at most one of the two.
public struct DetailGeometryConfig: Codable, Sendable, Equatable {
    /// δ's network (nil: the detail stage refines f_c itself, as the paper does).
    public var delta: SDFNetworkConfig?
    /// δ as a bicubic height field over the crop (`HeightFieldDetail`).
    public var height: HeightFieldConfig?

    /// Whether f_θ has a detail field δ of either kind.
    public var hasDetailField: Bool { delta != nil || height != nil }
}

/// The lattices of δ's height field: a node every `spacing` crop pixels, `margin` nodes beyond
/// the crop's edges, `levels` lattices of spacing s, 2s, 4s, … whose heights add (group
/// "delta"); with `coarseSpacing` one more lattice of that spacing, its own parameter group
/// "deltaCoarse" (its own start and rate in the optimiser config: broad shape on its own schedule).
public struct HeightFieldConfig: Codable, Sendable, Equatable {
    public var spacing: Float
    public var margin: Int
    public var levels: Int
    public var coarseSpacing: Float?

    public init(spacing: Float, margin: Int = 2, levels: Int = 1, coarseSpacing: Float? = nil) {
        self.spacing = spacing; self.margin = margin; self.levels = levels; self.coarseSpacing = coarseSpacing
    }

    enum CodingKeys: String, CodingKey { case spacing, margin, levels, coarseSpacing }

    /// `margin` (2 nodes: the cubic B-spline's support beyond the crop's edge), `levels` (1) and
    /// `coarseSpacing` (none) may be left out.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        spacing = try c.decode(Float.self, forKey: .spacing)
        margin = try c.decodeIfPresent(Int.self, forKey: .margin) ?? 2
        levels = try c.decodeIfPresent(Int.self, forKey: .levels) ?? 1
        coarseSpacing = try c.decodeIfPresent(Float.self, forKey: .coarseSpacing)
    }
}

/// g_ω: the paper's network (`network`) or the intrinsic shader a ⊙ S(n; ℓ) (`intrinsic`),
/// exactly one of the two; and which of its inputs it sees (paper Fig. 4's ablations cut γ, n
/// or both; the intrinsic shader reads no γ).
public struct ShaderConfig: Codable, Sendable, Equatable {
    public var network: RenderingNetworkConfig?
    public var intrinsic: IntrinsicShaderConfig?
    /// γ enters g_ω (false: fed as zeros, no gradient back to f_θ through γ).
    public var feature: Bool
    /// n enters g_ω (false: fed as zeros, no gradient back to f_θ through n).
    public var normal: Bool
}

/// Adam with one learning-rate schedule over the stage's iterations, per parameter group
/// ("f_c", "delta", "g") frozen or trainable from an iteration on.
public struct OptimizerConfig: Codable, Sendable, Equatable {
    public var learningRate: LearningRateSchedule
    public var groups: [String: ParameterGroupConfig]
}

public struct ParameterGroupConfig: Codable, Sendable, Equatable {
    /// Never updated; a frozen network's backward skips its parameter gradients.
    public var frozen: Bool
    /// First iteration at which the group steps (earlier: only the other groups learn).
    public var startIteration: Int
    /// The group's factor on the stage's learning rate, piecewise constant: each entry holds from
    /// its iteration on (0: the group stops); 1 before the first entry, and when nil.
    public var rateFactors: [GroupRateFactor]?

    public init(frozen: Bool, startIteration: Int, rateFactors: [GroupRateFactor]? = nil) {
        self.frozen = frozen
        self.startIteration = startIteration
        self.rateFactors = rateFactors
    }

    /// The group's factor on the stage's learning rate at `iteration` (0: no step).
    public func rateFactor(at iteration: Int) -> Float {
        guard !frozen, iteration >= startIteration else { return 0 }
        return rateFactors?.last { iteration >= $0.from }?.factor ?? 1
    }
}

/// From iteration `from` on, a group's learning rate times `factor`. DECA's schedule — light
/// and albedo first, then the residual left to the geometry — is light and albedo stopped
/// (factor 0) or slowed from the iteration δ starts.
public struct GroupRateFactor: Codable, Sendable, Equatable {
    public var from: Int
    public var factor: Float
}

/// "Until the loss stops improving, with a maximum" (`LossCurve`).
public struct StoppingConfig: Codable, Sendable, Equatable {
    public var patience: Int
    public var minRelativeGain: Float
}

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
}

/// f_θ in the detail stage: the coarse network f_c, refined, optionally plus a detail field δ
/// that starts at zero (`RefinedGeometry`).
public struct DetailGeometryConfig: Codable, Sendable, Equatable {
    /// δ's network (nil: the detail stage refines f_c itself, as the paper does).
    public var delta: SDFNetworkConfig?
}

/// g_ω and which of its inputs it sees (paper Fig. 4's ablations cut γ, n or both).
public struct ShaderConfig: Codable, Sendable, Equatable {
    public var network: RenderingNetworkConfig
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

    public init(frozen: Bool, startIteration: Int) {
        self.frozen = frozen
        self.startIteration = startIteration
    }
}

/// "Until the loss stops improving, with a maximum" (`LossCurve`).
public struct StoppingConfig: Codable, Sendable, Equatable {
    public var patience: Int
    public var minRelativeGain: Float
}

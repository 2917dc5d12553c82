/// Every random stream of a run, derived from the config's seed in this one place.
public struct SeedPlan: Sendable, Equatable {
    public let seed: UInt64
    public init(_ seed: UInt64) { self.seed = seed }

    /// The coarse stage: f_c's initial weights, then the pool 𝒫 and its batches (`CoarseTrainer`
    /// draws them in that order from one generator).
    public var coarse: UInt64 { seed }
    /// g_ω's initial weights.
    public var shader: UInt64 { seed &+ 1 }
    /// The intrinsic shader's finer albedo a_d (its skin albedo a_s uses `shader`).
    public var albedoDetail: UInt64 { seed &+ 3 }
    /// δ's initial weights.
    public var detailField: UInt64 { seed &+ 2 }
    /// The detail stage's batches: rays, 𝒫ᵦ, the priors' random offsets.
    public var detailBatches: UInt64 { seed }
}

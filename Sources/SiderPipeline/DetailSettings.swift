/// Settings of the detail stage (Sect. 3.3, Eq. 10), in the normalised frame where the face
/// spans about [−1, 1] (see `NormalizedGeometry`).
///
/// Loss (Eq. 10) per iteration, over a batch of rays ℬ (those that hit) and a batch of points 𝒫ᵦ:
///   L = mean_ℬ ‖c − c_gt‖₁/3 + λ₁·mean_𝒫ᵦ |f(x) − SDF_GT(x)| + λ₂·mean_𝒫ᵦ (‖∇ₓf(x)‖ − 1)²
///       + λ_miss·(1/|rays|)·Σ_missed |f(closest approach)|
///       + λ_s·mean_x̂ ‖∇ₓf(x̂ + ξ) − 2∇ₓf(x̂) + ∇ₓf(x̂ − ξ)‖   (over `smoothnessPointsPerBatch` hits).
/// After `shaderWarmup` iterations of ω alone, Adam on ω with learning rate lr·decay^⌊iteration/decayEvery⌋
/// and on θ with that rate times `geometryLearningRateScale`; stops when the smoothed
/// loss has not improved by `minRelativeGain` for `patience` iterations, or at `maxIterations`.
public struct DetailSettings: Codable, Sendable, Equatable {
    public var maxIterations: Int = 1000
    public var raysPerBatch: Int = 2048
    public var regularizerPointsPerBatch: Int = 1024
    /// λ₁: weight of |f − SDF_GT| (keeps f_θ near the coarse shape).
    public var lambda1: Float = 0.05
    /// λ₂: weight of the eikonal term (IDR uses 0.1).
    public var lambda2: Float = 0.1
    /// Weight of the miss term (IDR's mask loss in hinge form): a ray of the face region that
    /// misses the surface adds |f| at its closest approach — min_t f(o + t·v) over its interval
    /// when f > 0 all along, f at tNear when the surface moved in front of the interval — pulling
    /// the surface back into the interval. Without it the photometric loss, which only sees rays that hit, is lowered
    /// for free by letting the surface escape the pixels g_ω renders worst (dark beard, shadows).
    public var missWeight: Float = 0
    /// Samples along a missed ray's interval for its closest approach to the surface.
    public var missSamples: Int = 16
    /// λ_s: weight of the normal smoothness prior, mean over hit points x̂ of the second
    /// difference ‖∇ₓf(x̂ + ξ) − 2∇ₓf(x̂) + ∇ₓf(x̂ − ξ)‖ (ξ random, of length `smoothnessStep`).
    /// The coarse shape's smooth curvature costs almost nothing (its ∇f changes linearly over
    /// ξ); relief of period P costs about (2π‖ξ‖/P)² of its normal variation until it saturates
    /// near P ≈ 3‖ξ‖: fine crumpling from skin texture (freckles, pores, stubble) is penalised
    /// far more than folds and wrinkles. An L1 (total-variation-like) norm lets a few sharp
    /// creases through. 0: off (the paper).
    public var smoothness: Float = 0
    /// ‖ξ‖ of the smoothness prior, in normalised units (the face spans about [−1, 1]).
    public var smoothnessStep: Float = 0.01
    /// Hit points per batch that the smoothness prior looks at (the first of the batch's hits).
    public var smoothnessPointsPerBatch: Int = 512
    /// Adam learning rate for θ and ω (the paper's 10⁻⁴).
    public var learningRate: Float = 1e-4
    /// θ's learning rate as a multiple of `learningRate` (ω always takes `learningRate`). Below 1
    /// when f_θ's parameters are local (a grid encoding): each Adam step moves every touched entry
    /// by about the learning rate, so a rate that suits g_ω writes pixel noise into the surface.
    public var geometryLearningRateScale: Float = 1
    /// With a detail field δ (`DetailPreset.detailField`): the coarse network f_c's rate as a
    /// multiple of δ's (0 freezes f_c). Without δ unused.
    public var coarseGeometryLearningRateScale: Float = 1
    /// First iterations in which only g_ω learns (θ frozen), so that the shading the geometry
    /// receives gradients through is no longer random when θ starts to move.
    public var shaderWarmup: Int = 0
    public var learningRateDecay: Float = 0.5
    public var decayEvery: Int = 100_000
    public var patience: Int = 150
    public var minRelativeGain: Float = 0.002
    /// Iterations between resumable checkpoints (0: only on interrupt and at the end).
    public var checkpointEvery: Int = 50
    /// Iterations between progress snapshots (0: none).
    public var snapshotEvery: Int = 0
    /// Iterations between copies of the last good state for the NaN guard.
    public var goodStateEvery: Int = 10
    public var seed: UInt64 = 1
    public var ablation = Ablation()
    public var trace = SphereTraceSettings()

    public init() {}

    /// Learning rate at `iteration` before any NaN-guard halving.
    public func scheduledLearningRate(iteration: Int) -> Float {
        learningRate * Float(pow(Double(learningRateDecay), Double(iteration / max(1, decayEvery))))
    }
}

extension DetailSettings {
    /// Decodes settings written by any version: a field that an older checkpoint or run.json
    /// lacks (settings added since) takes its default, so old checkpoints still resume.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var s = DetailSettings()
        func value<T: Decodable>(_ key: CodingKeys, _ field: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { field = v }
        }
        try value(.maxIterations, &s.maxIterations)
        try value(.raysPerBatch, &s.raysPerBatch)
        try value(.regularizerPointsPerBatch, &s.regularizerPointsPerBatch)
        try value(.lambda1, &s.lambda1)
        try value(.lambda2, &s.lambda2)
        try value(.missWeight, &s.missWeight)
        try value(.missSamples, &s.missSamples)
        try value(.smoothness, &s.smoothness)
        try value(.smoothnessStep, &s.smoothnessStep)
        try value(.smoothnessPointsPerBatch, &s.smoothnessPointsPerBatch)
        try value(.learningRate, &s.learningRate)
        try value(.geometryLearningRateScale, &s.geometryLearningRateScale)
        try value(.coarseGeometryLearningRateScale, &s.coarseGeometryLearningRateScale)
        try value(.shaderWarmup, &s.shaderWarmup)
        try value(.learningRateDecay, &s.learningRateDecay)
        try value(.decayEvery, &s.decayEvery)
        try value(.patience, &s.patience)
        try value(.minRelativeGain, &s.minRelativeGain)
        try value(.checkpointEvery, &s.checkpointEvery)
        try value(.snapshotEvery, &s.snapshotEvery)
        try value(.goodStateEvery, &s.goodStateEvery)
        try value(.seed, &s.seed)
        try value(.ablation, &s.ablation)
        try value(.trace, &s.trace)
        self = s
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

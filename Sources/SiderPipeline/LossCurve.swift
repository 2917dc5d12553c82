/// One iteration's losses (Eq. 10 split into its terms).
public struct LossRecord: Codable, Sendable, Equatable {
    public var iteration: Int
    /// Total: photometric + λ₁·sdf + λ₂·eikonal (+ the miss term and λ_s·smoothness when on).
    public var total: Float
    /// Mean ‖c − c_gt‖₁ over the batch's rays that hit the surface.
    public var photometric: Float
    /// Mean |f(x) − SDF_GT(x)| over the regulariser points, in normalised-frame units (unweighted).
    public var sdf: Float
    /// Mean (‖∇ₓf(x)‖ − 1)² (unweighted).
    public var eikonal: Float
    /// Fraction of the batch's rays that hit the surface.
    public var hitFraction: Float
    public var learningRate: Float
    /// Mean ‖∇ₓf(x̂ + ξ) − 2∇ₓf(x̂) + ∇ₓf(x̂ − ξ)‖ of the smoothness prior (unweighted; nil when
    /// it is off).
    public var smoothness: Float? = nil

    public init(iteration: Int, total: Float, photometric: Float, sdf: Float, eikonal: Float,
                hitFraction: Float, learningRate: Float) {
        self.iteration = iteration; self.total = total; self.photometric = photometric
        self.sdf = sdf; self.eikonal = eikonal; self.hitFraction = hitFraction; self.learningRate = learningRate
    }

    public var isFinite: Bool { total.isFinite && photometric.isFinite && sdf.isFinite && eikonal.isFinite }
}

/// The loss history and the stopping rule "until the loss stops improving, with a maximum".
///
/// The noisy per-batch loss is smoothed by an exponential moving average m ← β·m + (1 − β)·L.
/// The run has converged when m has not gone below (1 − minRelativeGain)·best for `patience`
/// iterations, where best is the lowest m so far.
public struct LossCurve: Codable, Sendable, Equatable {
    public var records: [LossRecord] = []
    public var smoothing: Float
    public var patience: Int
    public var minRelativeGain: Float
    public private(set) var average: Float?
    public private(set) var best: Float = .infinity
    public private(set) var bestIteration: Int = 0

    public init(smoothing: Float = 0.95, patience: Int = 200, minRelativeGain: Float = 0.002) {
        self.smoothing = smoothing
        self.patience = patience
        self.minRelativeGain = minRelativeGain
    }

    /// Adds a finite record (non-finite ones are the NaN guard's business, not the curve's).
    public mutating func append(_ r: LossRecord) {
        records.append(r)
        let m = average.map { smoothing * $0 + (1 - smoothing) * r.total } ?? r.total
        average = m
        if m < best * (1 - minRelativeGain) || best == .infinity {
            best = m
            bestIteration = r.iteration
        }
    }

    /// True when the smoothed loss has stalled for `patience` iterations.
    public var hasConverged: Bool {
        guard let last = records.last else { return false }
        return last.iteration - bestIteration >= patience
    }
}

/// The non-finite-loss guard: keeps the last good state, and on a NaN/Inf loss or gradient
/// restores it and halves the learning rate; gives up after `maxConsecutive` failures in a row.
public struct NonFiniteGuard: Sendable, Codable, Equatable {
    public var maxConsecutive: Int
    public private(set) var consecutive = 0
    public private(set) var events: [Int] = []

    public init(maxConsecutive: Int = 6) { self.maxConsecutive = maxConsecutive }

    public enum Verdict: Equatable { case ok, restore(newLearningRate: Float), giveUp }

    /// Judges one iteration; on `.restore` the caller reloads its last good state and continues
    /// with the new learning rate.
    public mutating func check(iteration: Int, finite: Bool, learningRate: Float) -> Verdict {
        if finite { consecutive = 0; return .ok }
        consecutive += 1
        events.append(iteration)
        return consecutive > maxConsecutive ? .giveUp : .restore(newLearningRate: learningRate / 2)
    }
}

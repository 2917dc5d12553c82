/// One iteration's losses: each configured term's value (unweighted, keyed by the term's
/// name) and their weighted sum.
public struct LossRecord: Codable, Sendable, Equatable {
    public var iteration: Int
    /// Σ weight·value over the terms.
    public var total: Float
    /// Term name → its unweighted value ("photometric": mean ‖c − c_gt‖₁/3 over the hits, "sdf":
    /// mean |f − SDF_GT| in normalised units, "eikonal", "smoothness", …).
    public var terms: [String: Float]
    /// Fraction of the batch's rays that hit the surface.
    public var hitFraction: Float
    public var learningRate: Float

    public init(iteration: Int, total: Float, terms: [String: Float], hitFraction: Float, learningRate: Float) {
        self.iteration = iteration; self.total = total; self.terms = terms
        self.hitFraction = hitFraction; self.learningRate = learningRate
    }

    public var isFinite: Bool { total.isFinite && terms.values.allSatisfy(\.isFinite) }
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

    public init(maxConsecutive: Int = 6) { self.maxConsecutive = maxConsecutive }

    public enum Verdict: Equatable { case ok, restore(newLearningRate: Float), giveUp }

    /// Judges one iteration; on `.restore` the caller reloads its last good state and continues
    /// with the new learning rate.
    public mutating func check(finite: Bool, learningRate: Float) -> Verdict {
        if finite { consecutive = 0; return .ok }
        consecutive += 1
        return consecutive > maxConsecutive ? .giveUp : .restore(newLearningRate: learningRate / 2)
    }
}

import Foundation
import SiderCore

/// Why a detail run ended.
public enum DetailStopReason: String, Codable, Sendable {
    case converged, maxIterations, interrupted
}

/// The resumable part of a detail run (checkpoint metadata; the weights and Adam's moments
/// travel as tensors).
public struct DetailRunState: Codable, Sendable, Equatable {
    public var iteration: Int
    /// Current learning-rate multiplier from the NaN guard (1, ½, ¼, …).
    public var learningRateScale: Float
    public var rng: SeededGenerator
    public var curve: LossCurve
    public var nonFiniteEvents: [Int]
    public var settings: DetailSettings
    /// The NaN guard's count of consecutive failures (nil in checkpoints written before it was saved).
    public var nonFiniteGuard: NonFiniteGuard? = nil
}

/// The detail stage's optimisation (Sect. 3.3): jointly fits f_θ and g_ω to the photo by Eq. 10.
///
/// Each iteration draws a batch of rays and of regulariser points (seeded), renders the rays
/// through `SurfaceRenderer`, back-propagates the L1 colour loss into ω and θ (through n, γ and x̂),
/// adds the λ₁ and λ₂ terms, the miss term (`DetailSettings.missWeight`) and the normal smoothness
/// prior (`DetailSettings.smoothness`), and takes an Adam step on both models. Owns the run's bookkeeping:
/// loss curve and stopping rule, NaN guard, checkpoints and the interrupt flag.
///
/// A checkpoint holds everything a run's future depends on: iteration, RNG, NaN-guard state and
/// learning-rate scale, loss curve (meta), both models' weights and Adam states, and the NaN
/// guard's last good weights when they differ from the current ones; so an interrupted run,
/// resumed in a fresh optimiser, ends bit-identical to an uninterrupted one with the same seed.
public final class DetailOptimizer<F: DifferentiableSDF, G: DifferentiableShader> {
    public let problem: DetailProblem
    public let geometry: F
    public let shader: G
    public private(set) var state: DetailRunState
    public var renderer: SurfaceRenderer
    private var guardian = NonFiniteGuard()
    private var goodState: [(name: String, values: [Float])] = []
    /// The iteration `goodState` was taken at (nil: unknown, e.g. restored from a checkpoint).
    private var goodStateIteration: Int?

    public init(problem: DetailProblem, geometry: F, shader: G, settings: DetailSettings) {
        self.problem = problem
        self.geometry = geometry
        self.shader = shader
        self.renderer = SurfaceRenderer(tracer: SphereTracer(settings: settings.trace), ablation: settings.ablation)
        var curve = LossCurve(patience: settings.patience, minRelativeGain: settings.minRelativeGain)
        curve.records.reserveCapacity(settings.maxIterations)
        self.state = DetailRunState(iteration: 0, learningRateScale: 1, rng: SeededGenerator(seed: settings.seed),
                                    curve: curve, nonFiniteEvents: [], settings: settings)
        goodState = modelTensors(weightsOnly: true)
        goodStateIteration = 0
    }

    public var settings: DetailSettings { state.settings }
    public var learningRate: Float { settings.scheduledLearningRate(iteration: state.iteration) * state.learningRateScale }

    // MARK: one iteration

    /// Computes the losses of one batch and accumulates their gradients (no optimiser step).
    public func accumulateGradients(rays batchRays: [Int], points batchPoints: [Int]) -> LossRecord {
        let s = settings
        let rays = problem.rays.subset(batchRays)
        let batch = renderer.render(rays, geometry: geometry, shader: shader)
        let h = batch.hits.count
        // Photometric L1 (Eq. 9): mean over hits and channels.
        var photometric: Float = 0
        var dColors = [SIMD3<Float>](repeating: .zero, count: h)
        let wc: Float = h > 0 ? 1 / Float(3 * h) : 0
        for i in 0..<h {
            let diff = batch.colors[i] - problem.targets[batchRays[batch.hits[i]]]
            photometric += abs(diff.x) + abs(diff.y) + abs(diff.z)
            dColors[i] = SIMD3(sign(diff.x), sign(diff.y), sign(diff.z)) * wc
        }
        photometric *= wc
        let seeds = h > 0 ? renderer.backward(batch, dColors: dColors, geometry: geometry, shader: shader) : []

        // Rays of the face region that miss: their point of least f along the interval.
        let missPoints = s.missWeight > 0 ? closestApproach(rays, hit: batch.trace.hit) : []
        let m = missPoints.count

        // The smoothness prior's partners x̂ + ξ, then x̂ − ξ, of the first hit points.
        let shifted = s.smoothness > 0 ? smoothnessPartners(Array(batch.points.prefix(s.smoothnessPointsPerBatch))) : []
        let q = shifted.count / 2

        // One f_θ pass for the x̂(θ) seeds, the regularisers (λ₁ |f − SDF_GT|, λ₂ eikonal), the
        // miss term and the smoothness prior.
        let r = batchPoints.count
        let regPoints = batchPoints.map { problem.regularizerPoints[$0] }
        let eval = geometry.forward(batch.points + regPoints + missPoints + shifted)
        var dSDF = seeds + [Float](repeating: 0, count: r + m + 2 * q)
        var dGrad = [SIMD3<Float>](repeating: .zero, count: h + r + m + 2 * q)
        var sdfLoss: Float = 0, eikLoss: Float = 0
        let wr: Float = r > 0 ? 1 / Float(r) : 0
        for j in 0..<r {
            let d = (eval.sdf[h + j] - problem.regularizerSDF[batchPoints[j]]) / problem.lengthUnit
            sdfLoss += abs(d)
            dSDF[h + j] = s.lambda1 * sign(d) * wr / problem.lengthUnit
            let g = eval.gradients[h + j], len = (g * g).sum().squareRoot()
            eikLoss += (len - 1) * (len - 1)
            if len > 0 { dGrad[h + j] = g * (s.lambda2 * 2 * (len - 1) / len * wr) }
        }
        sdfLoss *= wr
        eikLoss *= wr
        // Miss term: mean over the batch's rays of |f| at each missed ray's closest approach (normalised units).
        var missLoss: Float = 0
        let wm: Float = rays.count > 0 ? 1 / Float(rays.count) : 0
        for j in 0..<m {
            // Outside everywhere: lower f at the closest approach; starting inside: raise f there.
            let d = eval.sdf[h + r + j] / problem.lengthUnit
            missLoss += abs(d) * wm
            dSDF[h + r + j] = s.missWeight * sign(d) * wm / problem.lengthUnit
        }
        // Smoothness prior: λ_s · mean ‖∇f(x̂ + ξ) − 2∇f(x̂) + ∇f(x̂ − ξ)‖ (x̂ and ξ held fixed).
        var smoothLoss: Float = 0
        let wq: Float = q > 0 ? 1 / Float(q) : 0
        let plus = h + r + m, minus = h + r + m + q
        for j in 0..<q {
            let diff = eval.gradients[plus + j] + eval.gradients[minus + j] - 2 * eval.gradients[j]
            let len = (diff * diff).sum().squareRoot()
            smoothLoss += len * wq
            guard len > 0 else { continue }
            let g = diff * (s.smoothness * wq / len)
            dGrad[plus + j] += g
            dGrad[minus + j] += g
            dGrad[j] -= 2 * g
        }
        _ = geometry.backward(dSDF: dSDF, dFeatures: nil, dGradients: dGrad)
        let total = photometric + s.lambda1 * sdfLoss + s.lambda2 * eikLoss + s.missWeight * missLoss
            + s.smoothness * smoothLoss
        var record = LossRecord(iteration: state.iteration + 1, total: total, photometric: photometric, sdf: sdfLoss,
                                eikonal: eikLoss, hitFraction: rays.count > 0 ? Float(h) / Float(rays.count) : 0,
                                learningRate: learningRate)
        if q > 0 { record.smoothness = smoothLoss }
        return record
    }

    /// One iteration: batch draw, gradients, NaN guard, Adam step. Throws when the guard gives up.
    @discardableResult
    public func step() throws -> LossRecord {
        let s = settings
        let rays = drawIndices(count: problem.rays.count, k: s.raysPerBatch)
        let pts = drawIndices(count: problem.regularizerPoints.count, k: s.regularizerPointsPerBatch)
        geometry.zeroGradients()
        shader.zeroGradients()
        var record = accumulateGradients(rays: rays, points: pts)
        let finite = record.isFinite && geometry.gradientsAreFinite && shader.gradientsAreFinite
        switch guardian.check(iteration: record.iteration, finite: finite, learningRate: state.learningRateScale) {
        case .ok:
            if state.iteration >= s.shaderWarmup { geometry.step(learningRate: learningRate * s.geometryLearningRateScale) }
            shader.step(learningRate: learningRate)
            state.iteration += 1
            state.curve.append(record)
            if state.iteration % max(1, s.goodStateEvery) == 0 {
                goodState = modelTensors(weightsOnly: true)
                goodStateIteration = state.iteration
            }
        case .restore(let scale):
            try restoreModels(goodState)
            state.learningRateScale = scale
            state.nonFiniteEvents.append(record.iteration)
            state.iteration += 1
            record.learningRate = learningRate
            SiderLog.make("detail").warning("non-finite loss at iteration \(record.iteration): restored the last good state, learning rate now \(learningRate)")
        case .giveUp:
            throw SiderError(.numerical, "detail stage diverged: non-finite loss \(guardian.maxConsecutive + 1) times in a row at iteration \(record.iteration)")
        }
        return record
    }

    /// Runs until convergence, `maxIterations` or an interrupt (`shouldStop`, by default Ctrl-C's
    /// `InterruptFlag`, checked before each iteration): checkpoints every `checkpointEvery`
    /// iterations and on interrupt, calls `snapshot` every `snapshotEvery`.
    public func run(checkpointURL: URL? = nil, progress: ProgressBar? = nil,
                    shouldStop: () -> Bool = { InterruptFlag.isSet },
                    snapshot: ((Int) throws -> Void)? = nil) throws -> DetailStopReason {
        let s = settings
        while state.iteration < s.maxIterations {
            if shouldStop() {
                if let checkpointURL { try saveCheckpoint(to: checkpointURL) }
                return .interrupted
            }
            let record = try step()
            progress?.update(iteration: state.iteration, loss: state.curve.average ?? record.total)
            if let checkpointURL, s.checkpointEvery > 0, state.iteration % s.checkpointEvery == 0 {
                try saveCheckpoint(to: checkpointURL)
            }
            if let snapshot, s.snapshotEvery > 0, state.iteration % s.snapshotEvery == 0 { try snapshot(state.iteration) }
            if state.curve.hasConverged { break }
        }
        if let checkpointURL { try saveCheckpoint(to: checkpointURL) }
        return state.iteration >= s.maxIterations ? .maxIterations : .converged
    }

    // MARK: checkpoints

    /// Meta: the run state with the NaN guard's; tensors: "f.*"/"g.*" (weights, Adam state) and,
    /// unless they are the current weights, the last good weights as "good.f.*"/"good.g.*".
    public func checkpoint() -> Checkpoint<DetailRunState> {
        var meta = state
        meta.nonFiniteGuard = guardian
        var tensors = modelTensors(weightsOnly: false)
        if goodStateIteration != state.iteration { tensors += goodState.map { ("good." + $0.name, $0.values) } }
        return Checkpoint(meta: meta, tensors: tensors)
    }

    public func saveCheckpoint(to url: URL) throws { try checkpoint().save(to: url) }

    /// Continues from a checkpoint of a run with the same problem and models. The checkpoint's
    /// settings are kept except the iteration limit and the checkpoint/snapshot cadence, which
    /// come from this optimiser's settings (so a finished run can be extended).
    public func resume(from ck: Checkpoint<DetailRunState>) throws {
        let model = ck.tensors.filter { !$0.name.hasPrefix("good.") }
        let missing = Set(modelTensors(weightsOnly: false).map(\.name)).subtracting(model.map(\.name))
        try restoreModels(model)
        if !missing.isEmpty {
            SiderLog.make("detail").warning("checkpoint lacks \(missing.sorted().joined(separator: ", ")) (an older file?): the optimiser restarts that state")
        }
        let good = ck.tensors.filter { $0.name.hasPrefix("good.") }.map { (String($0.name.dropFirst(5)), $0.values) }
        let current = settings
        state = ck.meta
        guardian = ck.meta.nonFiniteGuard ?? NonFiniteGuard()
        state.nonFiniteGuard = nil
        state.settings.maxIterations = current.maxIterations
        state.settings.checkpointEvery = current.checkpointEvery
        state.settings.snapshotEvery = current.snapshotEvery
        renderer = SurfaceRenderer(tracer: SphereTracer(settings: state.settings.trace), ablation: state.settings.ablation)
        if good.isEmpty {
            goodState = modelTensors(weightsOnly: true)
            goodStateIteration = state.iteration
        } else {
            goodState = good
            goodStateIteration = nil
        }
    }

    /// Both models' tensors, prefixed "f." and "g.": their full state, or what the NaN guard keeps.
    private func modelTensors(weightsOnly: Bool) -> [(name: String, values: [Float])] {
        let f = weightsOnly ? geometry.weightTensors() : geometry.stateTensors()
        let g = weightsOnly ? shader.weightTensors() : shader.stateTensors()
        return f.map { ("f." + $0.name, $0.values) } + g.map { ("g." + $0.name, $0.values) }
    }

    private func restoreModels(_ tensors: [(name: String, values: [Float])]) throws {
        func part(_ prefix: String) -> [(name: String, values: [Float])] {
            tensors.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.values) }
        }
        try geometry.restoreState(part("f."))
        try shader.restoreState(part("g."))
    }

    /// For each ray that missed, the point of least f among `missSamples` evenly spaced along
    /// its interval [tNear, tFar], or its start when f ≤ 0 there (f evaluated without gradient).
    private func closestApproach(_ rays: RaySet, hit: [Bool]) -> [SIMD3<Float>] {
        let misses = (0..<rays.count).filter { !hit[$0] }
        guard !misses.isEmpty else { return [] }
        let k = max(2, settings.missSamples)
        var candidates = [SIMD3<Float>]()
        candidates.reserveCapacity(misses.count * k)
        for i in misses {
            for j in 0..<k {
                let t = rays.tNear[i] + (rays.tFar[i] - rays.tNear[i]) * Float(j) / Float(k - 1)
                candidates.append(rays.directions[i] * t)
            }
        }
        let f = geometry.sdf(candidates)
        return misses.indices.map { q in
            // A ray that starts inside (the surface moved in front of tNear): its start point.
            if f[q * k] <= 0 { return candidates[q * k] }
            var best = q * k
            for c in (q * k)..<(q * k + k) where f[c] < f[best] { best = c }
            return candidates[best]
        }
    }

    /// x + ξ for each point, then x − ξ for each, ξ uniform on the sphere of radius
    /// `smoothnessStep` (normalised units, so ×`lengthUnit` in camera space), from the run's RNG.
    private func smoothnessPartners(_ points: [SIMD3<Float>]) -> [SIMD3<Float>] {
        let radius = settings.smoothnessStep * problem.lengthUnit
        let offsets = points.map { _ in
            let u = Float(state.rng.next() >> 40) / Float(1 << 24) * 2 - 1
            let a = Float(state.rng.next() >> 40) / Float(1 << 24) * 2 * .pi
            let s = (1 - u * u).squareRoot()
            return radius * SIMD3(s * cos(a), s * sin(a), u)
        }
        return zip(points, offsets).map { $0 + $1 } + zip(points, offsets).map { $0 - $1 }
    }

    /// k distinct indices of 0..<count (all of them, shuffled, when k ≥ count), from the run's RNG.
    private func drawIndices(count: Int, k: Int) -> [Int] {
        guard count > 0, k > 0 else { return [] }
        if k >= count { return Array(0..<count) }
        var chosen = Set<Int>(), out: [Int] = []
        out.reserveCapacity(k)
        if k * 2 > count {
            var all = Array(0..<count)
            for i in 0..<k { let j = i + Int(state.rng.next() % UInt64(count - i)); all.swapAt(i, j) }
            return Array(all[0..<k])
        }
        while out.count < k {
            let i = Int(state.rng.next() % UInt64(count))
            if chosen.insert(i).inserted { out.append(i) }
        }
        return out
    }
}

@inline(__always) func sign(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }

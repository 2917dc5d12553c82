import Foundation
import SiderCore

/// Why a detail run ended.
public enum DetailStopReason: String, Codable, Sendable {
    case converged, maxIterations, interrupted
}

/// The resumable part of a detail run besides the tensors (checkpoint metadata).
public struct DetailRunState: Codable, Sendable, Equatable {
    public var iteration: Int
    /// Current learning-rate multiplier from the NaN guard (1, ½, ¼, …).
    public var learningRateScale: Float
    public var rng: SeededGenerator
    public var curve: LossCurve
    /// Iterations whose loss or gradients were not finite (restored and halved).
    public var nonFiniteEvents: [Int]
    public var nonFiniteGuard: NonFiniteGuard
}

/// The detail stage's optimisation (Sect. 3.3): fits f_θ and g_ω to the photo by the configured
/// loss terms (`LossTerms`: Eq. 10's photometric, λ₁ and λ₂ terms and the priors).
///
/// Each iteration draws a batch of rays and of points 𝒫ᵦ (seeded), renders the rays through
/// `SurfaceRenderer`, evaluates the colour terms and back-propagates them into ω and θ (through
/// n, γ and x̂), then runs one f_θ pass over x̂, 𝒫ᵦ and the geometry terms' own points, adds
/// their derivatives, and takes an Adam step per trainable parameter group. Owns the run's
/// bookkeeping: loss curve and stopping rule, NaN guard, checkpoints and the interrupt flag.
///
/// A checkpoint holds everything a run's future depends on: the run state (iteration, RNG, NaN
/// guard, learning-rate scale, loss curve), every group's weights and Adam state, and the NaN
/// guard's last good weights when they differ from the current ones; so an interrupted run,
/// resumed in a fresh optimiser with the same config, ends bit-identical to an uninterrupted one.
public final class DetailOptimizer<F: DifferentiableSDF, G: DifferentiableShader> {
    public let problem: DetailProblem
    public let geometry: F
    public let shader: G
    public let config: DetailStageConfig
    public let checkpoints: CheckpointConfig
    public internal(set) var state: DetailRunState
    public let renderer: SurfaceRenderer
    let colorTerms: [any ColorLossTerm]
    let geometryTerms: [any GeometryLossTerm]
    let albedoTerms: [any AlbedoLossTerm]
    /// The intrinsic shader inside `shader`, when it is one (the albedo terms' target).
    private let intrinsic: IntrinsicShader?
    private let groups: [(group: any ParameterGroup, config: ParameterGroupConfig)]
    private var goodState: [(name: String, values: [Float])] = []
    /// The iteration `goodState` was taken at (nil: unknown, e.g. restored from a checkpoint).
    private var goodStateIteration: Int?
    /// `ResidualHighPass`'s offsets per ray once taken (nil before `residualHighPass.from`).
    public private(set) var targetOffsets: [SIMD3<Float>]?
    /// c_gt per ray, less `targetOffsets` once taken.
    private var targets: [SIMD3<Float>]
    /// Per ray, the distance of its last hit (NaN before one): the tracer's warm starts.
    public private(set) var traceHints: [Float]
    /// Time per phase over the iterations this optimiser ran (not checkpointed: timing only).
    public private(set) var profile = DetailProfile()

    public init(problem: DetailProblem, geometry: F, shader: G, config: DetailStageConfig,
                checkpoints: CheckpointConfig, seed: UInt64) throws {
        self.problem = problem
        self.geometry = geometry
        self.shader = shader
        self.config = config
        self.checkpoints = checkpoints
        targets = problem.targets
        traceHints = [Float](repeating: .nan, count: problem.rays.count)
        (colorTerms, geometryTerms, albedoTerms) = try LossTerms.make(config.losses)
        intrinsic = shader.intrinsicShader
        if !albedoTerms.isEmpty, intrinsic == nil {
            throw SiderError(.badInput, "config: detail.losses.\(albedoTerms[0].name) needs detail.shader.intrinsic (it is a prior on its albedo)")
        }
        renderer = SurfaceRenderer(tracer: SphereTracer(settings: config.tracer), feature: config.shader.feature,
                                   normal: config.shader.normal)
        let all = geometry.parameterGroups + shader.parameterGroups
        let names = all.map(\.name)
        guard Set(names).count == names.count else { throw SiderError(.badInput, "parameter group names repeat: \(names)") }
        if let unknown = Set(config.optimizer.groups.keys).subtracting(names).sorted().first {
            throw SiderError(.badInput, "config: detail.optimizer.groups.\(unknown) is not a parameter group of these models (\(names.joined(separator: ", ")))")
        }
        groups = try all.map { g in
            guard let c = config.optimizer.groups[g.name] else {
                throw SiderError(.badInput, "config: detail.optimizer.groups needs an entry for the parameter group \(g.name)")
            }
            g.isFrozen = c.frozen
            return (g, c)
        }
        var curve = LossCurve(patience: config.stopping.patience, minRelativeGain: config.stopping.minRelativeGain)
        curve.records.reserveCapacity(config.iterations)
        state = DetailRunState(iteration: 0, learningRateScale: 1, rng: SeededGenerator(seed: seed), curve: curve,
                               nonFiniteEvents: [], nonFiniteGuard: NonFiniteGuard())
        goodState = modelTensors(weightsOnly: true)
        goodStateIteration = 0
    }

    public var learningRate: Float {
        config.optimizer.learningRate.rate(at: state.iteration, steps: config.iterations) * state.learningRateScale
    }

    // MARK: one iteration

    /// Computes the losses of one batch and accumulates their gradients (no optimiser step).
    public func accumulateGradients(rays batchRays: [Int], points batchPoints: [Int]) -> LossRecord {
        let rays = problem.rays.subset(batchRays)
        var clock = Stopwatch()
        let warm = config.tracer.warmStart > 0
        let batch = renderer.render(rays, geometry: geometry, shader: shader,
                                    traceHints: warm ? batchRays.map { traceHints[$0] } : nil)
        if warm {
            for (k, r) in batchRays.enumerated() { traceHints[r] = batch.trace.hit[k] ? batch.trace.t[k] : .nan }
        }
        profile.trace += batch.traceSeconds
        profile.shade += clock.seconds - batch.traceSeconds
        profile.tracedRays += rays.count
        profile.traceEvaluations += batch.trace.evaluations
        profile.sampledRays += batch.trace.sampledRays
        clock.reset()
        let h = batch.hits.count
        var values: [(weight: Float, name: String, value: Float)] = []

        // Colour terms, back-propagated through g_ω and the renderer into seeds on f(x̂₀).
        let targets = batch.hits.map { self.targets[batchRays[$0]] }
        var dColors: [SIMD3<Float>] = []
        for term in colorTerms {
            let (v, d) = term.evaluate(colors: batch.colors, targets: targets)
            dColors = dColors.isEmpty ? d : zip(dColors, d).map(+)
            values.append((term.weight, term.name, v))
        }
        if let intrinsic, !albedoTerms.isEmpty {
            var dAlbedo = [SIMD3<Float>](repeating: .zero, count: h)
            for term in albedoTerms {
                let (v, d) = term.evaluate(albedo: intrinsic.lastSkinAlbedo, skin: intrinsic.lastSkinWeights)
                for i in 0..<h { dAlbedo[i] += d[i] }
                values.append((term.weight, term.name, v))
            }
            intrinsic.pendingSkinAlbedoGradients = dAlbedo
        }
        let seeds = h > 0 ? renderer.backward(batch, dColors: dColors, geometry: geometry, shader: shader) : []
        profile.colourBackward += clock.seconds
        clock.reset()

        // One f_θ pass: x̂ (for the seeds), 𝒫ᵦ, then each geometry term's own points.
        var points = PointBatch()
        let hits = points.append(batch.points)
        let regularizer = points.append(batchPoints.map { problem.regularizerPoints[$0] })
        let context = GeometryTermContext(hitPoints: batch.points, hits: hits, regularizer: regularizer,
                                          regularizerTargets: batchPoints.map { problem.regularizerSDF[$0] },
                                          lengthUnit: problem.lengthUnit)
        let extras = geometryTerms.map { points.append($0.extraPoints(context, rng: &state.rng)) }
        let eval = geometry.forward(points.points)
        let n = points.points.count
        var dSDF = seeds + [Float](repeating: 0, count: n - h)
        var dGradients = [SIMD3<Float>](repeating: .zero, count: n)
        for (term, extra) in zip(geometryTerms, extras) {
            let v = term.accumulate(eval, extra: extra, context: context, dSDF: &dSDF, dGradients: &dGradients)
            values.append((term.weight, term.name, v))
        }
        geometry.accumulateParameterGradients(dSDF: dSDF, dFeatures: nil, dGradients: dGradients)
        profile.geometry += clock.seconds
        let total = values.dropFirst().reduce(values[0].weight * values[0].value) { $0 + $1.weight * $1.value }
        return LossRecord(iteration: state.iteration + 1, total: total,
                          terms: Dictionary(uniqueKeysWithValues: values.map { ($0.name, $0.value) }),
                          hitFraction: rays.count > 0 ? Float(h) / Float(rays.count) : 0, learningRate: learningRate)
    }

    /// One iteration: batch draw, gradients, NaN guard, Adam step. Throws when the guard gives up.
    @discardableResult
    public func step() throws -> LossRecord {
        if let highPass = config.residualHighPass, targetOffsets == nil, state.iteration >= highPass.from {
            let clock = Stopwatch()
            defer { profile.highPass += clock.seconds }
            let images = FaceImages(rays: problem.rays, renderer: renderer, geometry: geometry, shader: shader)
            setTargetOffsets(ResidualHighPass.offsets(rays: problem.rays, targets: problem.targets, colors: images.colors,
                                                      hit: images.depth.map(\.isFinite), sigma: highPass.sigma))
        }
        let rays = drawIndices(count: problem.rays.count, k: config.raysPerBatch)
        let pts = drawIndices(count: problem.regularizerPoints.count, k: config.pointsPerBatch)
        geometry.zeroGradients()
        shader.zeroGradients()
        var record = accumulateGradients(rays: rays, points: pts)
        let stepClock = Stopwatch()
        defer { profile.step += stepClock.seconds; profile.iterations += 1 }
        let finite = record.isFinite && geometry.gradientsAreFinite && shader.gradientsAreFinite
        switch state.nonFiniteGuard.check(finite: finite, learningRate: state.learningRateScale) {
        case .ok:
            let rate = learningRate
            for (group, c) in groups where !group.isFrozen {
                let factor = c.rateFactor(at: state.iteration)
                if factor > 0 { group.step(learningRate: rate * factor) }
            }
            state.iteration += 1
            state.curve.append(record)
            if state.iteration % max(1, checkpoints.goodStateEvery) == 0 {
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
            throw SiderError(.numerical, "detail stage diverged: non-finite loss \(state.nonFiniteGuard.maxConsecutive + 1) times in a row at iteration \(record.iteration)")
        }
        return record
    }

    /// Runs until convergence, `iterations` or an interrupt (`shouldStop`, by default Ctrl-C's
    /// `InterruptFlag`, checked before each iteration): `checkpoint` is called every
    /// `checkpoints.every` iterations, on interrupt and at the end, `snapshot` every
    /// `checkpoints.snapshotEvery`.
    public func run(progress: ProgressBar? = nil, shouldStop: () -> Bool = { InterruptFlag.isSet },
                    checkpoint: ((DetailOptimizer) throws -> Void)? = nil,
                    snapshot: ((Int) throws -> Void)? = nil) throws -> DetailStopReason {
        while state.iteration < config.iterations {
            if shouldStop() {
                try checkpoint?(self)
                return .interrupted
            }
            let record = try step()
            progress?.update(iteration: state.iteration, loss: state.curve.average ?? record.total, terms: record.terms)
            if checkpoints.every > 0, state.iteration % checkpoints.every == 0 { try checkpoint?(self) }
            if let snapshot, checkpoints.snapshotEvery > 0, state.iteration % checkpoints.snapshotEvery == 0 {
                try snapshot(state.iteration)
            }
            if state.curve.hasConverged { break }
        }
        try checkpoint?(self)
        return state.iteration >= config.iterations ? .maxIterations : .converged
    }

    // MARK: checkpoints

    /// Every group's tensors ("f_c.weights", "g.adam.m", …), unless they are the current
    /// weights the NaN guard's last good weights as "good.NAME", and the target offsets once taken.
    public func tensors() -> [(name: String, values: [Float])] {
        var tensors = modelTensors(weightsOnly: false)
        if goodStateIteration != state.iteration { tensors += goodState.map { ("good." + $0.name, $0.values) } }
        if let targetOffsets { tensors.append(("targetOffsets", targetOffsets.flatMap { [$0.x, $0.y, $0.z] })) }
        if config.tracer.warmStart > 0 { tensors.append(("traceHints", traceHints)) }
        return tensors
    }

    /// Continues from a run state and `tensors()` of a run with the same problem, models and
    /// config (the iteration limit and checkpoint cadence may differ).
    public func resume(state saved: DetailRunState, tensors: [(name: String, values: [Float])]) throws {
        try restoreModels(tensors.filter { !$0.name.hasPrefix("good.") && !Self.runTensors.contains($0.name) })
        if let hints = tensors.first(where: { $0.name == "traceHints" })?.values {
            guard hints.count == problem.rays.count else {
                throw SiderError(.badInput, "checkpoint: traceHints has \(hints.count) values for \(problem.rays.count) rays")
            }
            traceHints = hints
        }
        if let offsets = tensors.first(where: { $0.name == "targetOffsets" })?.values {
            guard offsets.count == 3 * problem.rays.count else {
                throw SiderError(.badInput, "checkpoint: targetOffsets has \(offsets.count) values for \(problem.rays.count) rays")
            }
            setTargetOffsets((0..<problem.rays.count).map { SIMD3(offsets[3 * $0], offsets[3 * $0 + 1], offsets[3 * $0 + 2]) })
        }
        let good = tensors.filter { $0.name.hasPrefix("good.") }.map { (String($0.name.dropFirst(5)), $0.values) }
        state = saved
        if good.isEmpty {
            goodState = modelTensors(weightsOnly: true)
            goodStateIteration = state.iteration
        } else {
            goodState = good
            goodStateIteration = nil
        }
    }

    /// Checkpoint tensors of the run rather than of a model.
    private static var runTensors: Set<String> { ["targetOffsets", "traceHints"] }

    private func modelTensors(weightsOnly: Bool) -> [(name: String, values: [Float])] {
        geometry.namedTensors(weightsOnly: weightsOnly) + shader.namedTensors(weightsOnly: weightsOnly)
    }

    private func restoreModels(_ tensors: [(name: String, values: [Float])]) throws {
        try geometry.restoreNamedTensors(tensors)
        try shader.restoreNamedTensors(tensors)
    }

    private func setTargetOffsets(_ offsets: [SIMD3<Float>]) {
        targetOffsets = offsets
        targets = zip(problem.targets, offsets).map { $0 - $1 }
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

import Foundation
import Testing
import Geometry
import NeuralFields
import SiderCore
import SiderPipeline

/// "Deterministic given a seed" and "a resumed run ends in the same state as an uninterrupted
/// one", with the real networks (NetworkDetailTests' bumpy sphere, f_θ = f_c 4×96 + δ 2×64, g_ω 2×64): bit
/// equality of weights, Adam states, loss curves and RNG, not closeness.
@Suite(.serialized) struct DeterminismTests {
    /// A short detail run: shader warm-up so f_θ's and g_ω's Adam step counts differ, the NaN
    /// guard's good state taken every 5 iterations, periodic checkpoints every 8, the
    /// smoothness prior on.
    static func settings() -> DetailSettings {
        var s = DetailSettings()
        s.maxIterations = 24
        s.raysPerBatch = 256
        s.regularizerPointsPerBatch = 256
        s.learningRate = 5e-4
        s.lambda1 = 1
        // The smoothness prior draws its offsets ξ from the run's RNG: covered by the resume.
        s.smoothness = 0.1
        s.smoothnessPointsPerBatch = 64
        s.patience = 10_000
        s.shaderWarmup = 4
        s.goodStateEvery = 5
        s.checkpointEvery = 8
        s.seed = 7
        return s
    }

    struct Run {
        var geometry: RefinedGeometry
        var shader: NetworkShader
        var optimizer: DetailOptimizer<RefinedGeometry, NetworkShader>
    }

    static func newRun(_ scene: NetworkDetailTests.Scene) -> Run {
        let (coarse, _) = NetworkDetailTests.models(scene.frame)
        let (f, g) = NetworkDetailTests.refinedModels(scene.frame, coarse: coarse)
        // f_c learns too (at half δ's rate), so that every tensor of the checkpoint moves.
        f.coarseLearningRateScale = 0.5
        return Run(geometry: f, shader: g,
                   optimizer: DetailOptimizer(problem: scene.problem, geometry: f, shader: g, settings: settings()))
    }

    /// Weights and Adam (t, m, v) of both networks, as the checkpoint stores them.
    static func fullState(_ r: Run) -> [String: [Float]] {
        var d: [String: [Float]] = [:]
        for t in r.geometry.stateTensors() { d["f." + t.name] = t.values }
        for t in r.shader.stateTensors() { d["g." + t.name] = t.values }
        return d
    }

    static func expectSameState(_ a: Run, _ b: Run) {
        let sa = fullState(a), sb = fullState(b)
        #expect(sa.keys.sorted() == ["f.adam.m", "f.adam.steps", "f.adam.v", "f.delta.adam.m", "f.delta.adam.steps",
                                     "f.delta.adam.v", "f.delta.weights", "f.weights", "g.adam.m", "g.adam.steps", "g.adam.v", "g.weights"])
        for key in sa.keys.sorted() {
            let x = sa[key] ?? [], y = sb[key] ?? []
            let differing = zip(x, y).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(x.count == y.count && differing == 0, "\(key): \(differing) of \(x.count) values differ")
        }
        #expect(a.optimizer.state.curve == b.optimizer.state.curve)
        #expect(a.optimizer.state.rng == b.optimizer.state.rng)
        #expect(a.optimizer.state.iteration == b.optimizer.state.iteration)
    }

    @Test func interruptedAndResumedDetailRunEqualsUninterrupted() throws {
        let scene = try NetworkDetailTests.scene()
        let straight = Self.newRun(scene)
        #expect(try straight.optimizer.run(shouldStop: { false }) == .maxIterations)
        #expect(straight.optimizer.state.iteration == 24)
        // θ moved after the warm-up (so its Adam state matters), and g_ω took 4 more steps than f_θ.
        #expect(Self.fullState(straight)["f.adam.steps"] == [20])
        #expect(Self.fullState(straight)["f.delta.adam.steps"] == [20])
        #expect(Self.fullState(straight)["g.adam.steps"] == [24])

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("determinism-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        // Stop requested before the 12th iteration (11 done: not at a good-state or checkpoint
        // boundary, so the checkpoint also carries the NaN guard's older good state).
        let first = Self.newRun(scene)
        var calls = 0
        let reason = try first.optimizer.run(checkpointURL: url, shouldStop: { calls += 1; return calls > 11 })
        #expect(reason == .interrupted)
        #expect(first.optimizer.state.iteration == 11)

        let resumed = Self.newRun(scene)
        let checkpoint = try Checkpoint<DetailRunState>.load(from: url)
        #expect(checkpoint.tensor("good.f.weights") != nil)
        try resumed.optimizer.resume(from: checkpoint)
        #expect(try resumed.optimizer.run(checkpointURL: url, shouldStop: { false }) == .maxIterations)
        Self.expectSameState(resumed, straight)
    }

    /// A NaN after resuming rolls back to the good state taken before the interrupt (iteration
    /// 5, not the checkpoint's 7), as the uninterrupted run does.
    @Test func resumedRunRestoresTheSameGoodStateOnNaN() throws {
        let scene = try NetworkDetailTests.scene()
        func poison(_ r: Run) {
            r.shader.network.store.values[0] = .nan    // NaN colours: the next loss is non-finite
            r.shader.network.store.markChanged()
        }
        let straight = Self.newRun(scene)
        for _ in 0..<7 { try straight.optimizer.step() }
        poison(straight)
        for _ in 0..<5 { try straight.optimizer.step() }
        #expect(straight.optimizer.state.nonFiniteEvents == [8])

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("determinism-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        let first = Self.newRun(scene)
        for _ in 0..<7 { try first.optimizer.step() }
        try first.optimizer.saveCheckpoint(to: url)
        let resumed = Self.newRun(scene)
        try resumed.optimizer.resume(from: try Checkpoint<DetailRunState>.load(from: url))
        poison(resumed)
        for _ in 0..<5 { try resumed.optimizer.step() }
        #expect(resumed.optimizer.state.nonFiniteEvents == [8])
        #expect(resumed.optimizer.state.learningRateScale == 0.5)
        Self.expectSameState(resumed, straight)
    }

    @Test func detailRunsWithTheSameSeedAreIdentical() throws {
        let scene = try NetworkDetailTests.scene()
        let a = Self.newRun(scene), b = Self.newRun(scene)
        _ = try a.optimizer.run(shouldStop: { false })
        _ = try b.optimizer.run(shouldStop: { false })
        Self.expectSameState(a, b)
        #expect(a.optimizer.state.curve.records.count == 24)
    }

    @Test func coarseRunsWithTheSameSeedAreIdentical() throws {
        let sphere = TriangleMesh.icosphere(subdivisions: 3, radius: 0.3, center: [0.05, 0, 1])
        let preset = CoarseTests.tiny(iterations: 40)
        func fit() throws -> (weights: [Float], log: [CoarseLossRecord]) {
            let trainer = try CoarseTrainer(mesh: sphere, preset: preset)
            _ = try trainer.train(every: 1)
            // `seconds` is wall-clock time, the one field that may differ.
            return (trainer.network.store.valueArray, trainer.log.map { var r = $0; r.seconds = 0; return r })
        }
        let a = try fit(), b = try fit()
        #expect(a.log.count == 40)
        #expect(a.log == b.log)
        #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern))
    }
}

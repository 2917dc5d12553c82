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
    /// f_c learns too, so that every tensor of the checkpoint moves. The smoothness prior draws
    /// its offsets ξ from the run's RNG: covered by the resume.
    static func settings() -> DetailStageConfig {
        TestConfigs.detail(iterations: 24, rays: 256, points: 256, learningRate: 5e-4, lambda1: 1, lambda2: 0.1,
                           smoothness: (0.1, 0.01, 64), patience: 10_000,
                           groups: ["f_c": TestConfigs.group(from: 4), "delta": TestConfigs.group(from: 4), "g": TestConfigs.group()])
    }

    struct Run {
        var geometry: RefinedGeometry
        var shader: NetworkShader
        var optimizer: DetailOptimizer<RefinedGeometry, NetworkShader>
    }

    static func newRun(_ scene: NetworkDetailTests.Scene) -> Run {
        let (coarse, _) = NetworkDetailTests.models(scene.frame)
        let (f, g) = NetworkDetailTests.refinedModels(scene.frame, coarse: coarse)
        return Run(geometry: f, shader: g,
                   optimizer: try! DetailOptimizer(problem: scene.problem, geometry: f, shader: g, config: settings(),
                                                   checkpoints: TestConfigs.checkpoints(every: 8, goodStateEvery: 5), seed: 7))
    }

    /// Weights and Adam (t, m, v) of both networks, as the checkpoint stores them.
    static func fullState(_ r: Run) -> [String: [Float]] {
        var d: [String: [Float]] = [:]
        for t in r.geometry.namedTensors(weightsOnly: false) + r.shader.namedTensors(weightsOnly: false) { d[t.name] = t.values }
        return d
    }

    static func expectSameState(_ a: Run, _ b: Run) {
        let sa = fullState(a), sb = fullState(b)
        #expect(sa.keys.sorted() == ["delta.adam.m", "delta.adam.steps", "delta.adam.v", "delta.weights", "f_c.adam.m",
                                     "f_c.adam.steps", "f_c.adam.v", "f_c.weights", "g.adam.m", "g.adam.steps", "g.adam.v", "g.weights"])
        for key in sa.keys.sorted() {
            let x = sa[key] ?? [], y = sb[key] ?? []
            let differing = zip(x, y).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(x.count == y.count && differing == 0, "\(key): \(differing) of \(x.count) values differ")
        }
        #expect(a.optimizer.state.curve == b.optimizer.state.curve)
        #expect(a.optimizer.state.rng == b.optimizer.state.rng)
        #expect(a.optimizer.state.iteration == b.optimizer.state.iteration)
    }

    static func saver(_ url: URL) -> (DetailOptimizer<RefinedGeometry, NetworkShader>) throws -> Void {
        { try Checkpoint(meta: $0.state, tensors: $0.tensors()).save(to: url) }
    }

    @Test func interruptedAndResumedDetailRunEqualsUninterrupted() throws {
        let scene = try NetworkDetailTests.scene()
        let straight = Self.newRun(scene)
        #expect(try straight.optimizer.run(shouldStop: { false }) == .maxIterations)
        #expect(straight.optimizer.state.iteration == 24)
        // θ moved after the warm-up (so its Adam state matters), and g_ω took 4 more steps than f_θ.
        #expect(Self.fullState(straight)["f_c.adam.steps"] == [20])
        #expect(Self.fullState(straight)["delta.adam.steps"] == [20])
        #expect(Self.fullState(straight)["g.adam.steps"] == [24])

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("determinism-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        // Stop requested before the 12th iteration (11 done: not at a good-state or checkpoint
        // boundary, so the checkpoint also carries the NaN guard's older good state).
        let first = Self.newRun(scene)
        var calls = 0
        let reason = try first.optimizer.run(shouldStop: { calls += 1; return calls > 11 }, checkpoint: Self.saver(url))
        #expect(reason == .interrupted)
        #expect(first.optimizer.state.iteration == 11)

        let resumed = Self.newRun(scene)
        let checkpoint = try Checkpoint<DetailRunState>.load(from: url)
        #expect(checkpoint.tensor("good.f_c.weights") != nil)
        try resumed.optimizer.resume(state: checkpoint.meta, tensors: checkpoint.tensors)
        #expect(try resumed.optimizer.run(shouldStop: { false }, checkpoint: Self.saver(url)) == .maxIterations)
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
        try Self.saver(url)(first.optimizer)
        let resumed = Self.newRun(scene)
        let checkpoint = try Checkpoint<DetailRunState>.load(from: url)
        try resumed.optimizer.resume(state: checkpoint.meta, tensors: checkpoint.tensors)
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
        var preset = CoarseTests.tiny(iterations: 40)
        preset.logEvery = 1
        func fit() throws -> (weights: [Float], log: [CoarseLossRecord]) {
            let trainer = try CoarseTrainer(mesh: sphere, config: preset, seed: 1)
            try trainer.train()
            // `seconds` is wall-clock time, the one field that may differ.
            return (trainer.network.store.valueArray, trainer.log.map { var r = $0; r.seconds = 0; return r })
        }
        let a = try fit(), b = try fit()
        #expect(a.log.count == 40)
        #expect(a.log == b.log)
        #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern))
    }
}

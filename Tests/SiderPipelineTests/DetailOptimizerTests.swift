import Foundation
import Testing
import SiderPipeline
import Geometry

/// The detail loop on an analytic scene whose truth is known: a bumpy sphere rendered with
/// Lambertian shading; the fit starts from the smooth sphere.
@Suite(.serialized) struct DetailOptimizerTests {
    static let freqs: [SIMD3<Float>] = [[14, 3, 1], [-4, 13, 2], [8, 9, -3], [2, -11, 7], [12, -6, 4]]
    static let phases: [Float] = [0.3, 1.1, -0.7, 2.0, 0.9]
    static let trueAmplitudes: [Float] = [0.006, -0.005, 0.004, 0.005, -0.004]

    struct Scene {
        var problem: DetailProblem
        var truth: BumpySDF
    }

    static func scene() -> Scene {
        let truth = BumpySDF(center: [0, 0, 1], radius: 0.35, amplitudes: trueAmplitudes,
                             frequencies: freqs, phases: phases, featureCount: 0)
        let lambert = LambertShader(albedo: [0.9, 0.7, 0.6], light: [0.3, -0.3, -0.8], ambient: 0.15,
                                    featureWeight: 0, pointWeight: 0, featureCount: 0)
        let intr = PinholeCamera(fx: 48, fy: 48, cx: 16, cy: 16, width: 32, height: 32)
        // Face region: the smooth sphere's silhouette, eroded.
        var mask = PixelMask(width: 32, height: 32)
        var depth = [Float](repeating: .infinity, count: 32 * 32)
        for y in 0..<32 { for x in 0..<32 {
            if let t = raySphere(intr.ray(x: x, y: y).direction, [0, 0, 1], 0.35) {
                mask[x, y] = true
                depth[y * 32 + x] = t * intr.ray(x: x, y: y).direction.z
            }
        } }
        let rays = RaySet(camera: intr, mask: mask.eroded(radius: 2), depth: depth, margin: 0.05)
        let traced = SurfaceRenderer().render(rays, geometry: truth, shader: lambert)
        var targets = [SIMD3<Float>](repeating: .zero, count: rays.count)
        for (i, r) in traced.hits.enumerated() { targets[r] = traced.colors[i] }
        // Regulariser pool: points near the smooth sphere, SDF_GT of the smooth sphere.
        var rng = SeededGeneratorBox(seed: 9)
        var pts: [SIMD3<Float>] = [], gt: [Float] = []
        for _ in 0..<2000 {
            var d = SIMD3<Float>(rng.next() - 0.5, rng.next() - 0.5, rng.next() - 0.5)
            d /= (d * d).sum().squareRoot()
            let rad: Float = 0.35 + 0.04 * (rng.next() - 0.5)
            pts.append(SIMD3(0, 0, 1) + d * rad)
            gt.append(rad - 0.35)
        }
        return Scene(problem: DetailProblem(rays: rays, targets: targets, regularizerPoints: pts, regularizerSDF: gt),
                     truth: truth)
    }

    static func models() -> (BumpySDF, LambertShader) {
        let f = BumpySDF(center: [0, 0, 1], radius: 0.35, amplitudes: [0, 0, 0, 0, 0],
                         frequencies: freqs, phases: phases, featureCount: 0)
        // The light is known (as the camera is); albedo and ambient are learnt with the geometry.
        let g = LambertShader(albedo: [0.7, 0.7, 0.7], light: [0.3, -0.3, -0.8], ambient: 0.1,
                              featureWeight: 0, pointWeight: 0, featureCount: 0)
        g.frozen = [3, 4, 5, 7, 8]
        return (f, g)
    }

    static func settings(iterations: Int = 150, lambda1: Float = 0.1,
                         smoothness: (weight: Float, step: Float, points: Int)? = nil) -> DetailStageConfig {
        TestConfigs.detail(iterations: iterations, lambda1: lambda1, smoothness: smoothness)
    }

    static func optimizer(_ problem: DetailProblem, _ f: BumpySDF, _ g: LambertShader, _ s: DetailStageConfig,
                          goodStateEvery: Int = 10) throws -> DetailOptimizer<BumpySDF, LambertShader> {
        try DetailOptimizer(problem: problem, geometry: f, shader: g, config: s,
                            checkpoints: TestConfigs.checkpoints(goodStateEvery: goodStateEvery), seed: 5)
    }

    /// Mean angle (degrees) between the model's normals and the true normals over the rays both hit.
    static func meanNormalError(_ scene: Scene, _ f: BumpySDF) -> Double {
        let rays = scene.problem.rays
        let tr = SphereTracer()
        let mine = tr.trace(rays, sdf: f), truth = tr.trace(rays, sdf: scene.truth)
        let idx = (0..<rays.count).filter { mine.hit[$0] && truth.hit[$0] }
        let a = f.forward(idx.map { mine.points[$0] }).gradients
        let b = scene.truth.forward(idx.map { truth.points[$0] }).gradients
        var sum = 0.0
        for i in idx.indices {
            let c = (a[i] * b[i]).sum() / ((a[i] * a[i]).sum() * (b[i] * b[i]).sum()).squareRoot()
            sum += acos(Double(max(-1, min(1, c)))) * 180 / .pi
        }
        return sum / Double(max(1, idx.count))
    }

    @Test func detailStageRecoversBumps() throws {
        let scene = Self.scene()
        let (f, g) = Self.models()
        let before = Self.meanNormalError(scene, f)
        let opt = try Self.optimizer(scene.problem, f, g, Self.settings())
        let reason = try opt.run(shouldStop: { false })
        #expect(reason == .maxIterations)
        let after = Self.meanNormalError(scene, f)
        let curve = opt.state.curve.records
        let first = curve.prefix(10).compactMap { $0.terms["photometric"] }.reduce(0, +) / 10
        let last = curve.suffix(10).compactMap { $0.terms["photometric"] }.reduce(0, +) / 10
        #expect(after < 0.7 * before, "normal error \(before)° → \(after)°")
        #expect(last < 0.5 * first, "photometric \(first) → \(last)")
    }

    /// The smoothness prior on its own: the shader has no light, so the photo says nothing about
    /// the bumps (the colour gradient reaching f_θ is zero). With λ_s the bumps flatten and the
    /// prior's loss falls; without it they stay exactly as they were.
    @Test func smoothnessPriorFlattensBumpsThePhotoDoesNotShow() throws {
        let start = Self.trueAmplitudes.map { 3 * $0 }
        func run(smoothness: Float) throws -> (amplitudes: [Float], curve: [LossRecord]) {
            let scene = Self.scene()
            let f = BumpySDF(center: [0, 0, 1], radius: 0.35, amplitudes: start,
                             frequencies: Self.freqs, phases: Self.phases, featureCount: 0)
            f.frozen = [0, 1, 2, 3]
            let g = LambertShader(albedo: [0.5, 0.5, 0.5], light: .zero, ambient: 1,
                                  featureWeight: 0, pointWeight: 0, featureCount: 0)
            g.frozen = Set(0..<g.theta.count)
            let s = Self.settings(lambda1: 0, smoothness: (smoothness, 0.02, 128))
            let opt = try Self.optimizer(scene.problem, f, g, s)
            _ = try opt.run(shouldStop: { false })
            return (Array(f.theta[4..<9]), opt.state.curve.records)
        }
        func rms(_ a: [Float]) -> Float { ((a.map { $0 * $0 }.reduce(0, +)) / Float(a.count)).squareRoot() }
        let with = try run(smoothness: 1), without = try run(smoothness: 0)
        #expect(without.amplitudes == start)
        #expect(without.curve.allSatisfy { $0.terms["smoothness"] == nil })
        #expect(rms(with.amplitudes) < 0.3 * rms(start), "bump amplitudes \(start) → \(with.amplitudes)")
        // What is left is the sphere's own second difference, about ‖ξ‖²/r² ≈ 0.003.
        let first = with.curve.prefix(10).compactMap { $0.terms["smoothness"] }.reduce(0, +) / 10
        let last = with.curve.suffix(10).compactMap { $0.terms["smoothness"] }.reduce(0, +) / 10
        #expect(last < 0.6 * first, "smoothness loss \(first) → \(last)")
    }

    /// Also with the residual high-pass targets, taken at iteration 8 before the interrupt and
    /// carried by the checkpoint.
    @Test(arguments: [false, true]) func resumedRunEndsInTheSameState(highPass: Bool) throws {
        let scene = Self.scene()
        var s = Self.settings(iterations: 30)
        if highPass { s.residualHighPass = try JSONDecoder().decode(ResidualHighPassConfig.self, from: Data(#"{"from": 8, "sigma": 0.1}"#.utf8)) }
        let (f1, g1) = Self.models()
        let straight = try Self.optimizer(scene.problem, f1, g1, s)
        _ = try straight.run(shouldStop: { false })

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("detail-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        let save: (DetailOptimizer<BumpySDF, LambertShader>) throws -> Void = {
            try Checkpoint(meta: $0.state, tensors: $0.tensors()).save(to: url)
        }
        let (f2, g2) = Self.models()
        let interrupted = try Self.optimizer(scene.problem, f2, g2, s)
        // A stop request (as Ctrl-C makes) after iteration 13.
        let reason = try interrupted.run(shouldStop: { interrupted.state.iteration >= 13 }, checkpoint: save)
        #expect(reason == .interrupted)
        #expect(interrupted.state.iteration == 13)

        let (f3, g3) = Self.models()
        let resumed = try Self.optimizer(scene.problem, f3, g3, s)
        let ck = try Checkpoint<DetailRunState>.load(from: url)
        try resumed.resume(state: ck.meta, tensors: ck.tensors)
        _ = try resumed.run(shouldStop: { false }, checkpoint: save)
        #expect(resumed.state.iteration == 30)
        #expect(f3.theta == f1.theta)
        #expect(g3.theta == g1.theta)
        #expect(resumed.state.curve.records.map(\.total) == straight.state.curve.records.map(\.total))
        #expect(resumed.state.rng == straight.state.rng)
        #expect(resumed.targetOffsets == straight.targetOffsets)
        #expect((straight.targetOffsets != nil) == highPass)
        if highPass { #expect(straight.targetOffsets!.contains { $0 != .zero }) }
    }

    @Test func nonFiniteLossRestoresAndHalvesTheLearningRate() throws {
        let scene = Self.scene()
        let (f, g) = Self.models()
        let s = Self.settings(iterations: 12)
        let opt = try Self.optimizer(scene.problem, f, g, s, goodStateEvery: 1)
        for _ in 0..<5 { try opt.step() }
        let good = f.theta
        g.theta[0] = .nan     // poisons the colours: the next loss is NaN
        try opt.step()
        #expect(opt.state.nonFiniteEvents == [6])
        #expect(f.theta == good)
        #expect(g.theta.allSatisfy { $0.isFinite })
        #expect(opt.learningRate == 1e-3 / 2)
        try opt.step()
        #expect(f.theta.allSatisfy { $0.isFinite })
    }
}

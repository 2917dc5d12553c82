import Testing
import Foundation
import Geometry
import Landmarks
import NeuralFields
import GradientChecks
import SiderCore
@testable import SiderPipeline

/// The coarse stage at small scale: SDF_GT against an analytic distance, the full coarse loss
/// against finite differences, and fits of a sphere (closed) and a 468-vertex MediaPipe face
/// mesh (open: the ε-shell case) checked by mean |f| on the surface and Chamfer distance.
/// Small scale: a 6-level grid + 1×32 MLP, 250 steps of 1024 points, a 160-point lattice, so the
/// bounds (mean |f| ≤ 0.4–0.6% of D, Chamfer ≤ 1% of D) are about twice the full fast preset's
/// targets (0.3%, 0.5%), which `sider sdf` reaches at full scale.
@Suite struct CoarseTests {
    /// A scaled-down grid config (seconds in release), with `sider sdf`'s thin shell.
    static func tiny(iterations: Int = 250) -> CoarseStageConfig {
        var p = TestConfigs.shipped("grid").coarse
        p.network = SDFNetworkConfig(encoding: .grid(GridEncodingConfig(levels: 6, featuresPerLevel: 2, baseResolution: 16,
                                                                         growth: 1.5, log2TableSize: 15)),
                                     hidden: [32], skips: [], featureSize: 8, beta: 100, weightNorm: true, initialRadius: 0.6)
        p.steps = iterations
        p.batchSize = 1024
        p.poolSize = 30_000
        p.meshResolution = 160
        p.isoCells = 0.5
        p.shellThickness = 0.002
        p.learningRate = .warmupCosine(1e-2, end: 3e-4, warmup: 20)
        p.logEvery = 50
        return p
    }

    /// MediaPipe's 468 face-mesh points of the obama2 sample (reference output stored by the
    /// landmarks tests) on MediaPipe's tessellation.
    static func faceMesh() throws -> TriangleMesh {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../LandmarksTests/Fixtures/mediapipe_obama2.json").standardizedFileURL
        struct Fixture: Decodable { struct Mesh: Decodable { var points: [[Float]] }; var mesh: Mesh }
        let fx = try JSONDecoder().decode(Fixture.self, from: try Data(contentsOf: url))
        let vertices = fx.mesh.points.map { SIMD3<Float>($0[0], $0[1], $0[2]) }
        return TriangleMesh(vertices: vertices, faces: try FaceMeshTopology.triangles())
    }

    @Test func samplerTargetsAreShellDistances() throws {
        let sphere = TriangleMesh.icosphere(subdivisions: 4, radius: 1)
        var p = Self.tiny()
        p.shellThickness = 0.01
        let frame = CoarseFrame(box: sphere.boundingBox)
        var rng = SeededGenerator(seed: 3)
        let s = CoarseSamples(mesh: sphere, bvh: try MeshBVH(sphere), frame: frame, config: p, count: 2000, rng: &rng)
        let d = sphere.boundingBox.diagonal
        var worst: Float = 0
        for i in 0..<s.count {
            let q = frame.world(SIMD3(s.points[3 * i], s.points[3 * i + 1], s.points[3 * i + 2]))
            let analytic = abs((q * q).sum().squareRoot() - 1) - 0.005 * d    // |‖x‖ − 1| − ε/2
            worst = max(worst, abs(s.targets[i] * frame.scale - analytic))
        }
        #expect(worst < 0.005)   // the icosphere's faceting error is ≤ 0.3%
    }

    @Test func coarseLossGradientMatchesFiniteDifferences() {
        let cfg = SDFNetworkConfig(encoding: .grid(GridEncodingConfig(levels: 2, featuresPerLevel: 2, baseResolution: 4,
                                                                      growth: 2, log2TableSize: 8)),
                                   hidden: [16, 16], skips: [1], featureSize: 3, beta: 20, weightNorm: true, initialRadius: 0.5)
        let net = SDFNetwork(config: cfg, seed: 1)
        var rng = SeededGenerator(seed: 2)
        net.store.valueArray = net.store.valueArray.map { $0 + 0.05 * rng.normal() }
        let n = 32
        let pts = (0..<(3 * n)).map { _ in rng.uniform(-0.8, 0.8) }
        // targets away from f so no |·| kink lies within the finite-difference step
        let f0 = net.evaluate((0..<n).map { SIMD3(pts[3 * $0], pts[3 * $0 + 1], pts[3 * $0 + 2]) })
        let targets = f0.map { $0 + (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.05, 0.2) }
        // ∇SDF_GT targets: unit vectors, one row without (a point on the mesh).
        var normals = (0..<n).flatMap { _ -> [Float] in
            let v = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()); let u = v / (v * v).sum().squareRoot()
            return [u.x, u.y, u.z]
        }
        normals[0] = 0; normals[1] = 0; normals[2] = 0
        var dS = [Float](repeating: 0, count: n), dG = [Float](repeating: 0, count: 3 * n)
        net.store.zeroGrads()
        CoarseTrainer.accumulateGradients(net, points: pts, targets: targets, lambda: 0.5, gradientTargets: normals, lambdaN: 0.3,
                                          dS: &dS, dG: &dG)
        // Per block (each layer's weight, gain, bias and the grid table), along ĝ_b and a random
        // direction; a step of h moves f by ≲ h·‖∂f/∂θ_b‖ ≪ 0.05, so no |·| kink is crossed.
        let checks = BlockGradientCheck.check(net.store) {
            Self.coarseLoss(net, points: pts, targets: targets, lambda: 0.5, normals: normals, lambdaN: 0.3)
        }
        BlockGradientCheck.expect(checks, "coarse loss")
    }

    /// Loss_coarse computed independently of the loss terms (Double sums), for the check above.
    static func coarseLoss(_ net: SDFNetwork, points: [Float], targets: [Float], lambda: Float,
                           normals: [Float], lambdaN: Float) -> Double {
        let n = targets.count
        points.withUnsafeBufferPointer { net.forward(points: $0.baseAddress!, count: n, gradient: true) }
        var geo: Double = 0, eik: Double = 0, nrm: Double = 0
        for i in 0..<n {
            geo += Double(abs(net.sdf(i) - targets[i]))
            var g2: Double = 0, d2: Double = 0
            for d in 0..<3 { g2 += Double(net.gradient[3 * i + d]) * Double(net.gradient[3 * i + d]) }
            eik += (g2.squareRoot() - 1) * (g2.squareRoot() - 1)
            let onMesh = normals[3 * i] == 0 && normals[3 * i + 1] == 0 && normals[3 * i + 2] == 0
            for d in 0..<3 where !onMesh { d2 += pow(Double(net.gradient[3 * i + d]) - Double(normals[3 * i + d]), 2) }
            nrm += d2
        }
        return (geo + Double(lambda) * eik + Double(lambdaN) * nrm) / Double(n)
    }

    func fitAndMeasure(_ mesh: TriangleMesh, _ preset: CoarseStageConfig) throws -> (CoarseMetrics, CoarseTrainer) {
        let trainer = try CoarseTrainer(mesh: mesh, config: preset, seed: 1)
        try trainer.train()
        let sdf = trainer.sdf
        let surface = try CoarseExtraction.mesh(sdf, around: mesh, resolution: preset.meshResolution, isoCells: preset.isoCells)
        let m = try CoarseMetrics.measure(sdf, mesh: mesh, extracted: surface, samples: 5000)
        print(String(format: "coarse fit: mean |f| %.3f%% of D, fit error %.3f%%, Chamfer %.3f%%, %d MC vertices",
                     100 * m.meanAbsSDFAtSurfaceFraction, 100 * m.meanAbsErrorAtSurface / m.diagonal,
                     100 * (m.chamferFraction ?? 1), surface.vertices.count))
        return (m, trainer)
    }

    /// An interrupted coarse run, resumed in a fresh trainer from its checkpoint state, ends
    /// bit-identical to an uninterrupted one (weights, Adam, RNG, log).
    @Test func interruptedCoarseRunResumesBitIdentical() throws {
        let sphere = TriangleMesh.icosphere(subdivisions: 2, radius: 0.5, center: .zero)
        let p = Self.tiny(iterations: 30)
        let whole = try CoarseTrainer(mesh: sphere, config: p, seed: 4)
        #expect(try whole.train() == .finished)
        let first = try CoarseTrainer(mesh: sphere, config: p, seed: 4)
        var saved: (CoarseRunState, [(name: String, values: [Float])])?
        var steps = 0
        let reason = try first.train(shouldStop: { steps += 1; return steps > 12 }) { t in saved = (t.state, t.namedTensors(weightsOnly: false)) }
        #expect(reason == .interrupted)
        let (state, tensors) = try #require(saved)
        #expect(state.step == 12)
        let second = try CoarseTrainer(mesh: sphere, config: p, seed: 4)
        second.resume(state: state)
        try second.restoreNamedTensors(tensors)
        #expect(try second.train() == .finished)
        #expect(second.network.store.valueArray == whole.network.store.valueArray)
        #expect(second.state.rng == whole.state.rng && second.state.step == whole.state.step)
        #expect(second.log.map(\.total) == whole.log.map(\.total))
    }

    @Test func sphereFitsAndExtracts() throws {
        let sphere = TriangleMesh.icosphere(subdivisions: 3, radius: 2, center: SIMD3(1, -1, 0.5))
        let (m, trainer) = try fitAndMeasure(sphere, Self.tiny())
        #expect(m.meanAbsSDFAtSurfaceFraction < 0.004, "mean |f| \(m.meanAbsSDFAtSurfaceFraction)")
        #expect((m.chamferFraction ?? 1) < 0.01, "Chamfer \(String(describing: m.chamferFraction))")
        #expect(trainer.log.last!.total < trainer.log.first!.total / 10)
    }

    @Test func faceMeshFitsAndExtracts() throws {
        let face = try Self.faceMesh()
        #expect(face.vertices.count == 468)
        let (m, trainer) = try fitAndMeasure(face, Self.tiny())
        #expect(m.meanAbsSDFAtSurfaceFraction < 0.006, "mean |f| \(m.meanAbsSDFAtSurfaceFraction)")
        #expect((m.chamferFraction ?? 1) < 0.01, "Chamfer \(String(describing: m.chamferFraction))")
        #expect(trainer.log.last!.total < trainer.log.first!.total / 5)
        #expect(trainer.logCSV.split(separator: "\n").count == trainer.log.count + 1)
    }
}

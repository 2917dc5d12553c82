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
    /// A scaled-down fast preset (seconds in release).
    static func tiny(iterations: Int = 250) -> CoarsePreset {
        var p = CoarsePreset.fast
        p.name = "tiny"
        p.network = SDFNetworkConfig(encoding: .grid(GridEncodingConfig(levels: 6, featuresPerLevel: 2, baseResolution: 16,
                                                                         growth: 1.5, log2TableSize: 15)),
                                     hidden: [32], skips: [], featureSize: 8, beta: 100, weightNorm: true, initialRadius: 0.6)
        p.iterations = iterations
        p.batchSize = 1024
        p.poolSize = 30_000
        p.meshResolution = 160
        p.isoCells = 0.5
        p.learningRate = .warmupCosine(1e-2, end: 3e-4, warmup: 20, steps: iterations)
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
        p.thicknessFraction = 0.01
        let frame = CoarseFrame(box: sphere.boundingBox)
        var rng = SeededGenerator(seed: 3)
        let s = CoarseSamples(mesh: sphere, bvh: try MeshBVH(sphere), frame: frame, preset: p, count: 2000, rng: &rng)
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
        var dS = [Float](repeating: 0, count: n), dG = [Float](repeating: 0, count: 3 * n)
        net.store.zeroGrads()
        CoarseLoss.accumulateGradients(net, points: pts, targets: targets, lambda: 0.5, dS: &dS, dG: &dG)
        // Per block (each layer's weight, gain, bias and the grid table), along ĝ_b and a random
        // direction; a step of h moves f by ≲ h·‖∂f/∂θ_b‖ ≪ 0.05, so no |·| kink is crossed.
        let checks = BlockGradientCheck.check(net.store) {
            CoarseLoss.value(net, points: pts, targets: targets, lambda: 0.5)
        }
        BlockGradientCheck.expect(checks, "coarse loss")
    }

    func fitAndMeasure(_ mesh: TriangleMesh, _ preset: CoarsePreset) throws -> (CoarseMetrics, CoarseTrainer) {
        let trainer = try CoarseTrainer(mesh: mesh, preset: preset)
        let sdf = try trainer.train()
        let surface = try CoarseExtraction.mesh(sdf, around: mesh, resolution: preset.meshResolution, isoCells: preset.isoCells)
        let m = try CoarseMetrics.measure(sdf, mesh: mesh, extracted: surface, samples: 5000)
        print(String(format: "coarse fit: mean |f| %.3f%% of D, fit error %.3f%%, Chamfer %.3f%%, %d MC vertices",
                     100 * m.meanAbsSDFAtSurfaceFraction, 100 * m.meanAbsErrorAtSurface / m.diagonal,
                     100 * (m.chamferFraction ?? 1), surface.vertices.count))
        return (m, trainer)
    }

    /// `coarseBands`: the closed positional-encoding bands' weights (zero under IDR's init) stay
    /// exactly zero through the coarse stage, so opening them later leaves f_θ unchanged.
    @Test func closedBandsStayZeroThroughTheCoarseStage() throws {
        var p = Self.tiny(iterations: 40)
        p.network = SDFNetworkConfig(encoding: .positional(frequencies: 4), hidden: [32, 32], skips: [1], featureSize: 4,
                                     beta: 100, weightNorm: true, initialRadius: 0.6)
        p.coarseBands = 2
        let sphere = TriangleMesh.icosphere(subdivisions: 2, radius: 0.5, center: .zero)
        let trainer = try CoarseTrainer(mesh: sphere, preset: p)
        _ = try trainer.train()
        let net = trainer.network
        let d0 = net.encoding.outputDimension
        let closed = (3 + 6 * 2)..<d0
        for (l, layer) in net.mlp.layers.enumerated() where l == 0 || p.network.skips.contains(l) {
            let w = layer.rawWeight, offset = layer.inputs - d0   // the skip layer sees φ(x) last
            for r in 0..<layer.outputs { for c in closed { #expect(w[r * layer.inputs + offset + c] == 0, "layer \(l)") } }
        }
        var rng = SeededGenerator(seed: 3)
        let probe = (0..<64).map { _ in SIMD3<Float>(rng.uniform(-0.7, 0.7), rng.uniform(-0.7, 0.7), rng.uniform(-0.7, 0.7)) }
        let before = net.evaluate(probe)
        net.setActiveBands(Int.max)
        #expect(net.evaluate(probe) == before)
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

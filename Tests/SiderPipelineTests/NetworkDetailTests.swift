import Foundation
import Testing
import Geometry
import ImageIO
import NeuralFields
import SiderPipeline
import SiderCore

/// The detail stage with the real networks: a sphere with small bumps,
/// rendered by the rasterizer with Lambertian shading; f_θ starts as the smooth sphere (IDR's
/// geometric init), and the photometric fit must bring its normals closer to the bumpy truth.
@Suite(.serialized) struct NetworkDetailTests {
    static let center = SIMD3<Float>(0, 0, 1), radius: Float = 0.3, size = 48
    static let camera = PinholeCamera(fx: 75, fy: 75, cx: 24, cy: 24, width: 48, height: 48)
    static let light = SIMD3<Float>(0.35, -0.35, -0.85)

    static func bump(_ d: SIMD3<Float>) -> Float {
        0.02 * (sinf(9 * d.x + 1) * sinf(8 * d.y) + 0.7 * sinf(11 * d.y - 6 * d.x + 0.5))
    }

    struct Scene {
        var problem: DetailProblem
        var trueNormals: [SIMD3<Float>]      // per pixel, zero off the sphere
        var frame: CoarseFrame
    }

    static func scene() throws -> Scene {
        let smooth = TriangleMesh.icosphere(subdivisions: 5, radius: radius, center: center)
        var bumpy = smooth
        bumpy.vertices = smooth.vertices.map { v in
            let d = unit(v - center)
            return center + d * radius * (1 + bump(d))
        }
        bumpy.normals = nil
        let truth = try Rasterizer(camera: camera).render(bumpy.withVertexNormals())
        let coarse = try Rasterizer(camera: camera).render(smooth.withVertexNormals())
        let shaded = Shading.shade(normals: truth.normals, width: size, height: size, light: light, ambient: 0.2,
                                   albedo: SIMD3(0.8, 0.65, 0.55))
        let mask = PixelMask(width: size, height: size, values: zip(coarse.mask, truth.mask).map { $0 && $1 }).eroded(radius: 2)
        let rays = RaySet(camera: camera, mask: mask, depth: coarse.depth, margin: 0.03)
        let targets = rays.pixels.map { shaded[Int($0) % size, Int($0) / size] }
        var rng = SeededGenerator(seed: 4)
        var pts: [SIMD3<Float>] = [], gt: [Float] = []
        for _ in 0..<4000 {
            let d = unit(SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()))
            let r = radius * (1 + 0.15 * (rng.uniform() - 0.5))
            pts.append(center + d * r)
            gt.append(r - radius)
        }
        return Scene(problem: DetailProblem(rays: rays, targets: targets, regularizerPoints: pts, regularizerSDF: gt,
                                                   lengthUnit: radius / 0.6),
                     trueNormals: truth.normals, frame: CoarseFrame(center: center, scale: radius / 0.6))
    }

    static func models(_ frame: CoarseFrame) -> (NetworkGeometry, NetworkShader) {
        let fc = SDFNetworkConfig(encoding: .positional(frequencies: 6), hidden: [96, 96, 96, 96], skips: [2],
                                  featureSize: 16, initialRadius: 0.6)
        let gc = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 4, hidden: [64, 64], featureSize: 16)
        return (NetworkGeometry(network: SDFNetwork(config: fc, seed: 1), frame: frame, group: "f_c"),
                NetworkShader(network: RenderingNetwork(config: gc, seed: 2), frame: frame))
    }

    /// The coarse stage for the test: Eq. 10 without rays is Eq. 7, f_θ fitted to the smooth sphere.
    static func fitCoarse(_ scene: Scene, _ f: NetworkGeometry, _ g: NetworkShader) throws {
        var problem = scene.problem
        problem.rays = problem.rays.subset([])
        let s = TestConfigs.detail(iterations: 200, rays: 2048, points: 1024, learningRate: 1e-3, lambda1: 1, lambda2: 0.1,
                                   patience: 10_000, groups: ["f_c": TestConfigs.group(), "g": TestConfigs.group()])
        _ = try DetailOptimizer(problem: problem, geometry: f, shader: g, config: s, checkpoints: TestConfigs.checkpoints(),
                                seed: 1).run(shouldStop: { false })
    }

    /// Mean angle (degrees) between f_θ's normals and the true normals over the rays that hit.
    static func normalError(_ scene: Scene, _ f: some DifferentiableSDF) -> (degrees: Double, hitFraction: Double) {
        let rays = scene.problem.rays
        let tr = SphereTracer().trace(rays, sdf: f)
        let idx = (0..<rays.count).filter { tr.hit[$0] }
        let g = f.forward(idx.map { tr.points[$0] }).gradients
        var sum = 0.0
        for (k, r) in idx.enumerated() {
            let a = unit(g[k]), b = scene.trueNormals[Int(rays.pixels[r])]
            sum += acos(Double(max(-1, min(1, (a * b).sum())))) * 180 / .pi
        }
        return (sum / Double(max(1, idx.count)), Double(idx.count) / Double(max(1, rays.count)))
    }

    /// The fast preset's design: f_c (fitted to the smooth sphere) frozen, a detail field δ that
    /// starts at zero (softplus β = 10), g_ω without φ(v)'s frequencies, the smoothness prior.
    static func refinedModels(_ frame: CoarseFrame, coarse: NetworkGeometry) -> (RefinedGeometry, NetworkShader) {
        let dc = SDFNetworkConfig(encoding: .positional(frequencies: 6), hidden: [64, 64], skips: [], featureSize: 0,
                                  beta: 10, initialRadius: 0, startsAtZero: true)
        let delta = NetworkGeometry(network: SDFNetwork(config: dc, seed: 3), frame: frame, group: "delta")
        let gc = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 0, hidden: [64, 64], featureSize: 16)
        return (RefinedGeometry(coarse: coarse, detail: delta),
                NetworkShader(network: RenderingNetwork(config: gc, seed: 2), frame: frame))
    }

    static func detailSettings(iterations: Int) -> DetailStageConfig {
        TestConfigs.detail(iterations: iterations, rays: 512, points: 512, learningRate: 2e-3, lambda1: 1, lambda2: 0.1,
                           smoothness: (0.3, 0.01, 256), patience: 10_000,
                           groups: ["f_c": TestConfigs.group(frozen: true), "delta": TestConfigs.group(from: 30), "g": TestConfigs.group()])
    }

    @Test func detailStageReducesNormalErrorOnBumpySphere() throws {
        let scene = try Self.scene()
        let (f, g0) = Self.models(scene.frame)
        try Self.fitCoarse(scene, f, g0)
        let before = Self.normalError(scene, f)
        let (geometry, g) = Self.refinedModels(scene.frame, coarse: f)
        let opt = try DetailOptimizer(problem: scene.problem, geometry: geometry, shader: g,
                                      config: Self.detailSettings(iterations: 200), checkpoints: TestConfigs.checkpoints(), seed: 1)
        _ = try opt.run(shouldStop: { false })
        let after = Self.normalError(scene, geometry)
        let curve = opt.state.curve.records
        let first = curve.prefix(10).compactMap { $0.terms["photometric"] }.reduce(0, +) / 10
        let last = curve.suffix(10).compactMap { $0.terms["photometric"] }.reduce(0, +) / 10
        #expect(after.hitFraction >= 0.95, "only \(after.hitFraction) of the rays still hit")
        // Measured: 8.75° → 3.57° (×0.41); without the smoothness prior ×0.49, and with δ's β = 100
        // as well ×0.55 (falling steadily: ×0.82 / 0.69 / 0.60 / 0.57 at 80 / 100 / 140 / 180
        // iterations). The design matters, all else equal (ratio at 200 iterations, β = 100, no prior):
        // f_θ refined directly instead of through δ (φ(v) without frequencies): ×1.76 at 2·10⁻⁴,
        // after a dip to ×0.90 at 80 iterations (γ, which g_ω reads, changes with θ, so g_ω can
        // paint the shading); φ(v) with IDR's 4 frequencies: ×0.78 at 2·10⁻³, ×0.95 at 2·10⁻⁴
        // (160 iterations) — one ray per pixel makes v a pixel coordinate, and φ(v) a positional
        // encoding of the image that g_ω paints with (in multi-view IDR it is not).
        #expect(after.degrees <= 0.7 * before.degrees, "normal error \(before.degrees)° → \(after.degrees)°")
        // Measured 0.0907 → 0.00249 (×0.027); a broken colour gradient stalls far above ×0.1.
        #expect(last <= 0.1 * first, "photometric \(first) → \(last)")
    }
}

private func unit(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }

import Foundation
import Testing
import Geometry
import NeuralFields
import SiderCore
@testable import SiderPipeline

/// The whole detail objective as `DetailOptimizer.accumulateGradients` assembles it — colour
/// term through g_ω and IDR's implicit differentiation of x̂, λ₁ and λ₂ on 𝒫ᵦ, the smoothness
/// prior's partner points, the terms' weights — against finite differences of its total, per
/// parameter block, for each shipped config's design (networks shrunk, structure kept): fast
/// (f_c frozen, weight-normalised δ with β = 10, g_ω with φ(x)) and paper (f_c refined, g_ω
/// with φ(v)). J(θ ± h·d) re-traces the rays, so x̂ moves with θ as the derivative assumes.
@Suite(.serialized) struct DetailObjectiveGradientTests {
    static let frame = CoarseFrame(center: [0, 0, 1], scale: 0.2)

    /// Rays from the origin into the middle of f_c's initial sphere (radius 0.6 normalised): no
    /// grazing ray, so every ray hits at every θ ± h·d.
    static func problem(_ f: some DifferentiableSDF) -> DetailProblem {
        let camera = PinholeCamera(fx: 40, fy: 40, cx: 12, cy: 12, width: 24, height: 24)
        let r = 0.6 * frame.scale
        var mask = PixelMask(width: 24, height: 24)
        var depth = [Float](repeating: .infinity, count: 24 * 24)
        for y in 0..<24 { for x in 0..<24 {
            let v = camera.ray(x: x, y: y).direction
            if let t = raySphere(v, frame.center, r), raySphere(v, frame.center, 0.6 * r) != nil {
                mask[x, y] = true
                depth[y * 24 + x] = t * v.z
            }
        } }
        let rays = RaySet(camera: camera, mask: mask, depth: depth, margin: 0.3 * r)
        var rng = SeededGenerator(seed: 21)
        let targets = (0..<rays.count).map { _ in SIMD3<Float>(rng.uniform(), rng.uniform(), rng.uniform()) }
        let points = (0..<200).map { _ -> SIMD3<Float> in
            var d = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal())
            d /= (d * d).sum().squareRoot()
            return frame.world(d * rng.uniform(0.5, 0.7))
        }
        let f0 = f.sdf(points)
        let gt = f0.map { $0 + (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.002, 0.01) }
        return DetailProblem(rays: rays, targets: targets, regularizerPoints: points, regularizerSDF: gt, lengthUnit: frame.scale)
    }

    static func perturb(_ store: ParameterStore, _ scale: Float, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        store.valueArray = store.valueArray.map { $0 + scale * rng.normal() }
    }

    static func shrunk(_ c: SDFNetworkConfig, hidden: [Int], skips: [Int], features: Int) -> SDFNetworkConfig {
        var c = c
        c.hidden = hidden; c.skips = skips; c.featureSize = features
        return c
    }

    /// Checks every trainable group's blocks; returns (group, failures) and checks frozen
    /// groups receive no gradient.
    static func check(_ config: ReconstructionConfig, geometry: RefinedGeometry, shader: NetworkShader) throws -> [String] {
        var detail = config.detail
        detail.raysPerBatch = 10_000
        detail.pointsPerBatch = 64
        detail.tracer.threshold = 1e-7; detail.tracer.secantSteps = 30; detail.tracer.maxSteps = 80
        detail.losses["smoothness"] = ["weight": 0.2, "step": 0.05, "points": 40]
        let problem = Self.problem(geometry)
        let opt = try DetailOptimizer(problem: problem, geometry: geometry, shader: shader, config: detail,
                                      checkpoints: config.checkpoints, seed: 3)
        let rays = Array(0..<problem.rays.count), points = Array(0..<64)
        let rng = opt.state.rng
        func total() -> Double {
            opt.state.rng = rng
            geometry.zeroGradients(); shader.zeroGradients()
            let r = opt.accumulateGradients(rays: rays, points: points)
            return Double(r.total)
        }
        let record = { opt.state.rng = rng; geometry.zeroGradients(); shader.zeroGradients()
                       return opt.accumulateGradients(rays: rays, points: points) }()
        #expect(record.hitFraction == 1, "every ray must hit (\(record.hitFraction))")
        #expect(Set(record.terms.keys) == ["photometric", "sdf", "eikonal", "smoothness"])
        var failures: [String] = []
        let stores: [(String, ParameterStore, Bool)] =
            [("f_c", geometry.coarse.network.store, config.detail.optimizer.groups["f_c"]?.frozen ?? false)]
            + (geometry.detail.map { [("delta", $0.network.store, false)] } ?? []) + [("g", shader.network.store, false)]
        let grads = stores.map { $0.1.gradArray }
        for ((name, store, frozen), grad) in zip(stores, grads) {
            if frozen {
                #expect(grad.allSatisfy { $0 == 0 }, "frozen \(name) received gradients")
                continue
            }
            let f = BlockGradientCheck.check(store, gradient: grad, h: 2e-3, relative: 0.05, floor: 1e-4, seed: 5, loss: total)
            failures += f.map { "\(name).\($0)" }
        }
        return failures
    }

    @Test func fastDesignObjectiveMatchesFiniteDifferences() throws {
        let config = TestConfigs.shipped("fast")
        let fc = Self.shrunk(config.coarse.network, hidden: [24, 24, 24], skips: [2], features: 4)
        let dc = Self.shrunk(try #require(config.detail.geometry.delta), hidden: [16, 16], skips: [], features: 0)
        var gc = config.detail.shader.network
        gc.hidden = [16]; gc.featureSize = 4
        let coarse = NetworkGeometry(network: SDFNetwork(config: fc, seed: 1), frame: Self.frame, group: "f_c")
        let delta = NetworkGeometry(network: SDFNetwork(config: dc, seed: 2), frame: Self.frame, group: "delta")
        Self.perturb(coarse.network.store, 0.02, seed: 4)
        Self.perturb(delta.network.store, 0.05, seed: 5)   // δ as after some training, not ≈ 0
        let shader = NetworkShader(network: RenderingNetwork(config: gc, seed: 3), frame: Self.frame)
        let failures = try Self.check(config, geometry: RefinedGeometry(coarse: coarse, detail: delta), shader: shader)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func paperDesignObjectiveMatchesFiniteDifferences() throws {
        let config = TestConfigs.shipped("paper")
        let fc = Self.shrunk(config.coarse.network, hidden: [24, 24, 24, 24, 24], skips: [4], features: 4)
        var gc = config.detail.shader.network
        gc.hidden = [16, 16]; gc.featureSize = 4
        let coarse = NetworkGeometry(network: SDFNetwork(config: fc, seed: 1), frame: Self.frame, group: "f_c")
        Self.perturb(coarse.network.store, 0.02, seed: 4)
        let shader = NetworkShader(network: RenderingNetwork(config: gc, seed: 3), frame: Self.frame)
        let failures = try Self.check(config, geometry: RefinedGeometry(coarse: coarse), shader: shader)
        #expect(failures.isEmpty, "\(failures)")
    }
}

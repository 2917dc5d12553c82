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
/// with φ(v)). J(θ ± h·d) re-traces the rays, so x̂ moves with θ as the derivative assumes,
/// except in the smoothness prior, whose points x̂ and x̂ ± ξ the method holds fixed (a prior
/// on f around sampled points): its part of J is evaluated at θ₀'s points.
@Suite(.serialized) struct DetailObjectiveGradientTests {
    static let frame = CoarseFrame(center: [0, 0, 1], scale: 0.2)

    /// Rays from the origin towards f_c's initial sphere (radius 0.6 normalised), kept where they
    /// hit f at θ₀ at an angle (|n·v| > 0.5): no grazing ray, so every ray hits at θ ± h·d.
    static let otherDelta = "fast, the other kind of δ"

    /// The crop camera of `problem`'s rays (32² pixels).
    static let camera = PinholeCamera(fx: 100, fy: 100, cx: 16, cy: 16, width: 32, height: 32)

    static func problem(_ f: some DifferentiableSDF, tracer: SphereTracer) -> DetailProblem {
        let n = camera.width
        let r = 0.6 * frame.scale
        var mask = PixelMask(width: n, height: n)
        var depth = [Float](repeating: .infinity, count: n * n)
        for y in 0..<n { for x in 0..<n {
            let v = camera.ray(x: x, y: y).direction
            if let t = raySphere(v, frame.center, r) {
                mask[x, y] = true
                depth[y * n + x] = t * v.z
            }
        } }
        let all = RaySet(camera: camera, mask: mask, depth: depth, margin: 0.3 * r)
        let trace = tracer.trace(all, sdf: f)
        let hits = (0..<all.count).filter { trace.hit[$0] }
        let normals = f.forward(hits.map { trace.points[$0] }).gradients
        let kept = zip(hits, normals).filter { i, g in
            abs((g * all.directions[i]).sum()) > 0.5 * (g * g).sum().squareRoot()
        }.map(\.0)
        // Intervals centred on θ₀'s hits, so a small change of θ cannot move one out.
        let m = 0.1 * r
        let rays = RaySet(directions: kept.map { all.directions[$0] }, pixels: kept.map { all.pixels[$0] },
                          tNear: kept.map { trace.t[$0] - m }, tFar: kept.map { trace.t[$0] + m }, width: n, height: n)
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
    /// `colourOnly`: the other terms' weights at 0, so that the colour term's path (through n, γ
    /// and the seeds of x̂(θ)) is not outweighed by the regularisers in the check.
    static func check(_ config: ReconstructionConfig, geometry: RefinedGeometry, shader: some DifferentiableShader,
                      shaderStores: [(String, ParameterStore)], colourOnly: Bool = false,
                      step: Float = 2e-3, colourStep: Float = 5e-4) throws -> [String] {
        var detail = config.detail
        detail.raysPerBatch = 10_000
        detail.pointsPerBatch = 64
        detail.tracer.threshold = 1e-7; detail.tracer.secantSteps = 30; detail.tracer.maxSteps = 80
        let prior = NormalSmoothness(weight: colourOnly ? 0 : 0.2, step: 0.05, points: 40)
        detail.losses["smoothness"] = ["weight": prior.weight, "step": prior.step, "points": Float(prior.points)]
        if colourOnly {
            detail.losses["sdf"] = ["weight": 0]; detail.losses["eikonal"] = ["weight": 0]
            for term in try LossTerms.make(detail.losses).albedo { detail.losses[term.name] = nil }
        }
        // The albedo's priors (fast: albedoChroma, albedoLightness) are part of the whole objective J.
        let albedoTerms = Set(try LossTerms.make(detail.losses).albedo.map(\.name))
        var problem = Self.problem(geometry, tracer: SphereTracer(settings: detail.tracer))
        try #require(problem.rays.count > 100)
        // Targets away from θ₀'s colours, so that no L1 kink lies within the step (a crossing
        // changes the difference quotient by about one ray's share, ~6 % of these gradients).
        let start = SurfaceRenderer(tracer: SphereTracer(settings: detail.tracer), feature: detail.shader.feature,
                                    normal: detail.shader.normal).render(problem.rays, geometry: geometry, shader: shader)
        try #require(start.hits.count == problem.rays.count)
        var trng = SeededGenerator(seed: 22)
        func offset() -> Float { (trng.uniform() < 0.5 ? -1 : 1) * trng.uniform(0.05, 0.3) }
        problem.targets = start.colors.map { $0 + SIMD3(offset(), offset(), offset()) }
        let opt = try DetailOptimizer(problem: problem, geometry: geometry, shader: shader, config: detail,
                                      checkpoints: config.checkpoints, seed: 3)
        var withoutPrior = detail
        withoutPrior.losses["smoothness"] = nil
        let rest = try DetailOptimizer(problem: problem, geometry: geometry, shader: shader, config: withoutPrior,
                                       checkpoints: config.checkpoints, seed: 3)
        let rays = Array(0..<problem.rays.count), points = Array(0..<64)
        let rng = opt.state.rng
        // The prior's points at θ₀: the first hits x̂₀ and x̂₀ ± ξ with the run's ξ.
        let x0 = opt.renderer.render(problem.rays, geometry: geometry, shader: shader).points
        let base = Array(x0.prefix(prior.points))
        var r0 = rng
        let partners = prior.extraPoints(GeometryTermContext(hitPoints: x0, hits: 0..<x0.count, regularizer: 0..<0,
                                                             regularizerTargets: [], lengthUnit: problem.lengthUnit), rng: &r0)
        let priorContext = GeometryTermContext(hitPoints: base, hits: 0..<base.count, regularizer: 0..<0,
                                               regularizerTargets: [], lengthUnit: problem.lengthUnit)
        var lostHits = false
        let colourName = detail.losses["photometricSmooth"] != nil ? "photometricSmooth" : "photometric"
        let smoothDelta = detail.losses["photometricSmooth"]?["delta"].map(Double.init)
        let colourWeight = Double(detail.losses[colourName]?["weight"] ?? 1)
        /// The colour term alone, in double precision, from the renderer (an independent reference
        /// for the optimiser's assembled gradient, precise enough to see a 5 % error in it).
        func colourTerm() -> Double {
            let batch = opt.renderer.render(problem.rays, geometry: geometry, shader: shader)
            if batch.hits.count < problem.rays.count { lostHits = true }
            var sum = 0.0
            for (i, r) in batch.hits.enumerated() {
                let d = batch.colors[i] - problem.targets[r]
                for k in 0..<3 {
                    if let delta = smoothDelta {   // photometricSmooth: δ(√(1 + (r/δ)²) − 1)
                        let q = Double(d[k]) / delta
                        sum += colourWeight * delta * ((1 + q * q).squareRoot() - 1)
                    } else {
                        sum += colourWeight * Double(abs(d[k]))
                    }
                }
            }
            return sum / Double(3 * batch.hits.count)
        }
        func total() -> Double {
            if colourOnly { return colourTerm() }
            rest.state.rng = rng
            geometry.zeroGradients(); shader.zeroGradients()
            let r = rest.accumulateGradients(rays: rays, points: points)
            if r.hitFraction < 1 { lostHits = true }
            let eval = geometry.forward(base + partners)
            var dS = [Float](repeating: 0, count: base.count + partners.count)
            var dG = [SIMD3<Float>](repeating: .zero, count: dS.count)
            let smooth = prior.accumulate(eval, extra: base.count..<dS.count, context: priorContext, dSDF: &dS, dGradients: &dG)
            return Double(r.total) + Double(prior.weight) * Double(smooth)
        }
        let record = { opt.state.rng = rng; geometry.zeroGradients(); shader.zeroGradients()
                       return opt.accumulateGradients(rays: rays, points: points) }()
        #expect(record.hitFraction == 1, "every ray must hit (\(record.hitFraction))")
        #expect(Set(record.terms.keys) == Set(colourOnly ? [colourName] : [colourName, "sdf", "eikonal", "smoothness"]).union(albedoTerms))
        var failures: [String] = []
        let stores: [(String, ParameterStore, Bool)] =
            (geometry.coarseNetwork.map { [("f_c", $0.network.store, config.detail.optimizer.groups["f_c"]?.frozen ?? false)] } ?? [])
            + (geometry.detailNetwork.map { [("delta", $0.network.store, false)] } ?? [])
            + ((geometry.detail as? HeightFieldDetail).map { h in zip(h.parameterGroups, h.stores).map { ($0.name, $1, false) } } ?? []) + shaderStores.map { ($0.0, $0.1, false) }
        let grads = stores.map { $0.1.gradArray }
        for ((name, store, frozen), grad) in zip(stores, grads) {
            if frozen {
                #expect(grad.allSatisfy { $0 == 0 }, "frozen \(name) received gradients")
                continue
            }
            // Whole objective (Float totals): rounding of about 1e-7 over 2h = 4e-3 allows 1e-4.
            // Colour term alone (double): at h = 5e-4 the re-traced x̂ (float) leaves a noise of
            // about 1.5e-5 in the quotient (measured over h = 2.5e-4…1e-3; larger steps cross
            // the tracer's branch changes), so 3e-5 plus 5 %: a 10 % error in the seeds of x̂(θ) fails.
            // The noise goes as 1/h: a smaller colour step raises the floor in proportion.
            let f = ObjectiveGradientCheck.check(store, gradient: grad, h: colourOnly ? colourStep : step, relative: 0.05,
                                             floor: colourOnly ? 3e-5 * Double(5e-4 / colourStep) : 1e-4, seed: 5, loss: total)
            failures += f.map { "\(name).\($0)" }
        }
        #expect(!lostHits, "a ray stopped hitting within the finite-difference step")
        return failures
    }

    /// The fast design, and its Fig. 4 (c) ablation: without γ and n in g_ω, the colour term
    /// reaches f_θ only through x̂(θ) (the seeds), which the full model's normal path outweighs.
    @Test(arguments: ["fast-network", "ablation/no-feature-no-normal"])
    func fastDesignObjectiveMatchesFiniteDifferences(_ name: String) throws {
        let config = TestConfigs.shipped(name)
        let fc = Self.shrunk(config.coarse.network, hidden: [40, 40, 40], skips: [2], features: 4)
        let dc = Self.shrunk(try #require(config.detail.geometry.delta), hidden: [16, 16], skips: [], features: 0)
        var gc = try #require(config.detail.shader.network)
        gc.hidden = [16]; gc.featureSize = 4
        let coarse = NetworkGeometry(network: SDFNetwork(config: fc, seed: 1), frame: Self.frame, group: "f_c")
        let delta = NetworkGeometry(network: SDFNetwork(config: dc, seed: 2), frame: Self.frame, group: "delta")
        Self.perturb(coarse.network.store, 0.02, seed: 4)
        Self.perturb(delta.network.store, 0.05, seed: 5)   // δ as after some training, not ≈ 0
        let shader = NetworkShader(network: RenderingNetwork(config: gc, seed: 3), frame: Self.frame)
        for colourOnly in [false, true] {
            let failures = try Self.check(config, geometry: RefinedGeometry(coarse: coarse, detail: delta), shader: shader,
                                          shaderStores: [("g", shader.network.store)], colourOnly: colourOnly)
            #expect(failures.isEmpty, "colour only: \(colourOnly): \(failures)")
        }
    }

    @Test func paperDesignObjectiveMatchesFiniteDifferences() throws {
        let config = TestConfigs.shipped("paper")
        let fc = Self.shrunk(config.coarse.network, hidden: [48, 48, 48, 48, 48], skips: [4], features: 4)
        var gc = try #require(config.detail.shader.network)
        gc.hidden = [16, 16]; gc.featureSize = 4
        let coarse = NetworkGeometry(network: SDFNetwork(config: fc, seed: 1), frame: Self.frame, group: "f_c")
        Self.perturb(coarse.network.store, 0.02, seed: 4)
        let shader = NetworkShader(network: RenderingNetwork(config: gc, seed: 3), frame: Self.frame)
        for colourOnly in [false, true] {
            let failures = try Self.check(config, geometry: RefinedGeometry(coarse: coarse), shader: shader,
                                          shaderStores: [("g", shader.network.store)], colourOnly: colourOnly)
            #expect(failures.isEmpty, "colour only: \(colourOnly): \(failures)")
        }
    }

    /// The intrinsic designs (fast: f_c the prior's distance field, δ, albedo × SH light with the
    /// skin blend; paper-intrinsic: f_c refined): the colour term now reaches f_θ through n by ∂S/∂n and
    /// through x̂ by the albedo's encoding; every albedo and light block is checked too.
    @Test(arguments: ["fast", "paper-intrinsic", otherDelta])
    func intrinsicDesignObjectiveMatchesFiniteDifferences(_ name: String) throws {
        var config = TestConfigs.shipped(name == Self.otherDelta ? "fast" : name)
        if name == Self.otherDelta {
            // fast with the other kind of δ: a network where it has a height field, or the reverse.
            if config.detail.geometry.height != nil {
                config.detail.geometry.height = nil
                config.detail.optimizer.groups["deltaCoarse"] = nil   // the height field's coarse lattice
                config.detail.geometry.delta = SDFNetworkConfig(encoding: .positional(frequencies: 7), hidden: [64, 64], skips: [],
                                                                featureSize: 0, beta: 10, initialRadius: 0, startsAtZero: true)
            } else {
                config.detail.geometry.delta = nil
                config.detail.geometry.height = HeightFieldConfig(spacing: 2)
            }
        }
        // Weights scale their terms linearly, so the check runs the colour term at weight 1 and a
        // broad lobe (α = 2, its direction perturbed): at fast's weight 3 the objective curves so
        // much within the step that the central difference is off by ≈ 6 % (1.5 % at half the
        // step, where the Float totals' rounding then hides the small blocks); a sharp lobe
        // (α = 20) multiplies the re-traced x̂'s noise by its slope (measured: 35 % off on a small
        // block with the light off; α = 2 passes there, and SpecularLobe's own derivatives are
        // checked at α = 4 in IntrinsicShaderTests).
        if config.detail.losses["photometricSmooth"] != nil { config.detail.losses["photometricSmooth"]?["weight"] = 1 }
        if config.detail.shader.intrinsic?.specular != nil {
            config.detail.shader.intrinsic?.specular = SpecularLobeConfig(strength: 0.1, shininess: 2)
        }
        let intrinsicConfig = try #require(config.detail.shader.intrinsic)
        let coarse: any DifferentiableSDF
        if let grid = config.coarse.priorGrid {
            // The prior's distance field of a sphere of f_c's initial radius: the colour term's
            // path through x̂(θ) then runs through the spline's Hessian (∂n/∂x̂ of f_c).
            let sphere = TriangleMesh.icosphere(subdivisions: 3, radius: 0.6 * Self.frame.scale, center: Self.frame.center)
            coarse = try PriorDistanceField(mesh: sphere, config: grid, thickness: 0.02 * sphere.boundingBox.diagonal)
        } else {
            let fc = Self.shrunk(config.coarse.network, hidden: [40, 40, 40], skips: [2], features: 4)
            let network = NetworkGeometry(network: SDFNetwork(config: fc, seed: 1), frame: Self.frame, group: "f_c")
            Self.perturb(network.network.store, 0.02, seed: 4)
            coarse = network
        }
        var delta: (any DifferentiableSDF)? = try config.detail.geometry.delta.map { c -> NetworkGeometry in
            let dc = Self.shrunk(c, hidden: [16, 16], skips: [], features: 0)
            let d = NetworkGeometry(network: SDFNetwork(config: dc, seed: 2), frame: Self.frame, group: "delta")
            Self.perturb(d.network.store, 0.05, seed: 5)
            try #require(d.network.store.count > 0)
            return d
        }
        if let height = config.detail.geometry.height {
            // Heights of a few tenths of a millimetre at this frame's scale: relief that tilts n.
            let d = try HeightFieldDetail(camera: Self.camera, config: height, lengthUnit: Self.frame.scale)
            for (k, store) in d.stores.enumerated() { Self.perturb(store, 0.002, seed: 5 + UInt64(k)) }
            delta = d
        }
        var small = intrinsicConfig
        small.albedo.hidden = [8]
        small.albedoDetail?.hidden = [8]
        // A skin confidence with every value in [0, 1] over the crop (32²), so both albedos count.
        var rng = SeededGenerator(seed: 8)
        let skin = (0..<(32 * 32)).map { _ in rng.uniform() < 0.3 ? 1 : rng.uniform() }
        let shader = IntrinsicShader(config: small, frame: Self.frame, skinConfidence: skin, seed: 3, detailSeed: 6)
        Self.perturb(shader.lightStore, 0.3, seed: 7)   // light with a direction, so that ∂S/∂n ≠ 0
        // The lobe stays frontal (d = (0, 0, −1)): tilted, it lights the sphere towards its rim, where x̂ moves fastest.
        let stores = [("albedo", shader.albedo.store)] + (shader.albedoDetail.map { [("albedoDetail", $0.store)] } ?? [])
            + [("light", shader.lightStore)] + (shader.specular.map { [("specular", $0.store)] } ?? [])
        for colourOnly in [false, true] {
            let failures = try Self.check(config, geometry: RefinedGeometry(coarse: coarse, detail: delta), shader: shader,
                                          shaderStores: stores, colourOnly: colourOnly,
                                          step: 1e-3,   // the finer albedo's frequencies curve c(x̂) more than g_ω's
                                          colourStep: shader.specular == nil ? 5e-4 : 2.5e-4)
            #expect(failures.isEmpty, "\(name), colour only: \(colourOnly): \(failures)")
        }
    }
}

import Testing
import Geometry
import NeuralFields
import SiderPipeline

/// Finite-difference check of the implicit-differentiation path with the real networks: the
/// rendered colour J = Σ wₖ·cₖ as a function of a few θ entries, rays re-traced at each θ.
@Suite struct NetworkGradientTests {
    static let frame = CoarseFrame(center: [0, 0, 1], scale: 0.5)

    /// Renders a 6×6 patch of rays through `f` and `g`, back-propagates J and compares ∂J/∂θ at
    /// `picks` (store, parameter view name, index) with central differences.
    static func checkColourGradient(_ f: some DifferentiableSDF, _ g: some DifferentiableShader,
                                    picks: [(ParameterStore, String, Int)], seed: UInt64) throws {
        let cam = PinholeCamera(fx: 30, fy: 30, cx: 6, cy: 6, width: 12, height: 12)
        var mask = PixelMask(width: 12, height: 12)
        for y in 3..<9 { for x in 3..<9 { mask[x, y] = true } }
        let rays = RaySet(camera: cam, mask: mask, depth: [Float](repeating: 0.7, count: 144), margin: 0.15)
        var ts = SphereTraceSettings(); ts.threshold = 1e-7; ts.maxSteps = 80; ts.secantSteps = 30
        let renderer = SurfaceRenderer(tracer: SphereTracer(settings: ts))
        var rng = SeededGeneratorBox(seed: seed)
        let w = (0..<rays.count).map { _ in SIMD3<Float>(rng.next(), rng.next(), rng.next()) - 0.5 }
        func objective() -> Double {
            let b = renderer.render(rays, geometry: f, shader: g)
            var j = 0.0
            for (i, r) in b.hits.enumerated() { j += Double((w[r] * b.colors[i]).sum()) }
            return j
        }
        let batch = renderer.render(rays, geometry: f, shader: g)
        try #require(batch.hits.count == rays.count)
        f.zeroGradients(); g.zeroGradients()
        let seeds = renderer.backward(batch, dColors: batch.hits.map { w[$0] }, geometry: f, shader: g)
        _ = f.forward(batch.points)
        _ = f.backward(dSDF: seeds, dFeatures: nil, dGradients: nil)
        let analytic = picks.map { $0.0.gradArray }
        for (p, (store, name, i)) in picks.enumerated() {
            let k = try #require(store.views.first { $0.name == name }).offset + i
            // h: small enough that the traced surface moves linearly (at 10⁻² δ's output bias, which
            // shifts the whole surface, is off by 2×), large enough for Float rendering.
            let saved = store.values[k], h: Float = 2e-3 * max(1, abs(saved))
            store.values[k] = saved + h; store.markChanged()
            let jp = objective()
            store.values[k] = saved - h; store.markChanged()
            let jm = objective()
            store.values[k] = saved; store.markChanged()
            let numeric = (jp - jm) / Double(2 * h), a = Double(analytic[p][k])
            #expect(abs(numeric - a) <= 0.05 * abs(numeric) + 2e-3, "\(name)[\(i)]: analytic \(a) vs numeric \(numeric)")
        }
    }

    @Test func renderedColourGradientMatchesFiniteDifferences() throws {
        let fc = SDFNetworkConfig(encoding: .positional(frequencies: 2), hidden: [32, 32, 32], skips: [2],
                                  featureSize: 4, initialRadius: 0.6)
        let gc = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 2, hidden: [16], featureSize: 4)
        let f = NetworkGeometry(network: SDFNetwork(config: fc, seed: 3), frame: Self.frame, group: "f_c")
        let g = NetworkShader(network: RenderingNetwork(config: gc, seed: 4), frame: Self.frame)
        // First layer, a hidden layer, the output layer's SDF row and a feature row, the SDF bias.
        let s = f.network.store
        try Self.checkColourGradient(f, g, picks: [(s, "f.lin0.weight", 5), (s, "f.lin0.bias", 17), (s, "f.lin2.weight", 100),
                                                   (s, "f.lin3.weight", 3), (s, "f.lin3.weight", 40), (s, "f.lin3.bias", 0)],
                                     seed: 11)
    }

    /// The same path through `RefinedGeometry` (f_θ = f_c + δ): the gradient reaches δ's weights
    /// through x̂(θ) and n, and f_c's through γ as well.
    @Test func refinedGeometryColourGradientMatchesFiniteDifferences() throws {
        let fc = SDFNetworkConfig(encoding: .positional(frequencies: 2), hidden: [32, 32], skips: [],
                                  featureSize: 4, initialRadius: 0.6)
        let dc = SDFNetworkConfig(encoding: .positional(frequencies: 3), hidden: [16, 16], skips: [], featureSize: 0,
                                  weightNorm: false, initialRadius: 0, startsAtZero: true)
        let gc = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 0, hidden: [16], featureSize: 4)
        let coarse = NetworkGeometry(network: SDFNetwork(config: fc, seed: 3), frame: Self.frame, group: "f_c")
        let delta = NetworkGeometry(network: SDFNetwork(config: dc, seed: 5), frame: Self.frame, group: "delta")
        // δ as after some training: output weights of a visible size (they start near zero).
        var rng = SeededGeneratorBox(seed: 13)
        let ds = delta.network.store, cs = coarse.network.store
        let out = try #require(ds.views.first { $0.name == "f.lin2.weight" })
        for i in 0..<out.count { ds.values[out.offset + i] = 0.1 * (rng.next() - 0.5) }
        ds.markChanged()
        let g = NetworkShader(network: RenderingNetwork(config: gc, seed: 4), frame: Self.frame)
        try Self.checkColourGradient(RefinedGeometry(coarse: coarse, detail: delta), g,
                                     picks: [(ds, "f.lin0.weight", 7), (ds, "f.lin1.bias", 3), (ds, "f.lin2.weight", 5),
                                             (ds, "f.lin2.bias", 0), (cs, "f.lin0.weight", 5), (cs, "f.lin2.weight", 2)],
                                     seed: 12)
    }
}

import Testing
import Geometry
import NeuralFields
import SiderPipeline

/// Finite-difference check of the implicit-differentiation path with the real networks: the
/// rendered colour J = Σ wₖ·cₖ as a function of a few θ entries, rays re-traced at each θ.
@Suite struct NetworkGradientTests {
    @Test func renderedColourGradientMatchesFiniteDifferences() throws {
        let frame = CoarseFrame(center: [0, 0, 1], scale: 0.5)
        let fc = SDFNetworkConfig(encoding: .positional(frequencies: 2), hidden: [32, 32, 32], skips: [2],
                                  featureSize: 4, initialRadius: 0.6)
        let gc = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 2, hidden: [16], featureSize: 4)
        let f = NetworkGeometry(network: SDFNetwork(config: fc, seed: 3), frame: frame)
        let g = NetworkShader(network: RenderingNetwork(config: gc, seed: 4), frame: frame)
        let cam = PinholeCamera(fx: 30, fy: 30, cx: 6, cy: 6, width: 12, height: 12)
        var mask = PixelMask(width: 12, height: 12)
        for y in 3..<9 { for x in 3..<9 { mask[x, y] = true } }
        let rays = RaySet(camera: cam, mask: mask, depth: [Float](repeating: 0.7, count: 144), margin: 0.15)
        var ts = SphereTraceSettings(); ts.threshold = 1e-7; ts.maxSteps = 80; ts.secantSteps = 30
        let renderer = SurfaceRenderer(tracer: SphereTracer(settings: ts))
        var rng = SeededGeneratorBox(seed: 11)
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
        let store = f.network.store
        let analytic = store.gradArray
        // A few entries: in the first layer, a middle layer, the output layer (SDF row and feature rows).
        func at(_ name: String, _ i: Int) throws -> Int { try #require(store.views.first { $0.name == name }).offset + i }
        // First layer, a hidden layer, the output layer's SDF row and a feature row, the SDF bias.
        let picks = [try at("f.lin0.weight", 5), try at("f.lin0.bias", 17), try at("f.lin2.weight", 100),
                     try at("f.lin3.weight", 3), try at("f.lin3.weight", 40), try at("f.lin3.bias", 0)]
        var compared = 0
        for k in picks where k < store.count {
            let saved = store.values[k], h: Float = 1e-2 * max(1, abs(saved))
            store.values[k] = saved + h; store.markChanged()
            let jp = objective()
            store.values[k] = saved - h; store.markChanged()
            let jm = objective()
            store.values[k] = saved; store.markChanged()
            let numeric = (jp - jm) / Double(2 * h)
            #expect(abs(numeric - Double(analytic[k])) <= 0.05 * abs(numeric) + 2e-3,
                    "θ[\(k)]: analytic \(analytic[k]) vs numeric \(numeric)")
            compared += 1
        }
        #expect(compared == picks.count)
    }

    /// The same path through `RefinedGeometry` (f_θ = f_c + δ): the gradient reaches δ's weights
    /// through x̂(θ) and n, and f_c's through γ as well.
    @Test func refinedGeometryColourGradientMatchesFiniteDifferences() throws {
        let frame = CoarseFrame(center: [0, 0, 1], scale: 0.5)
        let fc = SDFNetworkConfig(encoding: .positional(frequencies: 2), hidden: [32, 32], skips: [],
                                  featureSize: 4, initialRadius: 0.6)
        var dc = SDFNetworkConfig(encoding: .positional(frequencies: 3), hidden: [16, 16], skips: [], featureSize: 0,
                                  weightNorm: false, initialRadius: 0)
        dc.startsAtZero = true
        let gc = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 0, hidden: [16], featureSize: 4)
        let coarse = NetworkGeometry(network: SDFNetwork(config: fc, seed: 3), frame: frame)
        let delta = NetworkGeometry(network: SDFNetwork(config: dc, seed: 5), frame: frame)
        // δ as after some training: output weights of a visible size (they start near zero).
        var rng = SeededGeneratorBox(seed: 12)
        let dStore = delta.network.store
        let out = try #require(dStore.views.first { $0.name == "f.lin2.weight" })
        for i in 0..<out.count { dStore.values[out.offset + i] = 0.1 * (rng.next() - 0.5) }
        dStore.markChanged()
        let f = RefinedGeometry(coarse: coarse, detail: delta)
        let g = NetworkShader(network: RenderingNetwork(config: gc, seed: 4), frame: frame)
        let cam = PinholeCamera(fx: 30, fy: 30, cx: 6, cy: 6, width: 12, height: 12)
        var mask = PixelMask(width: 12, height: 12)
        for y in 3..<9 { for x in 3..<9 { mask[x, y] = true } }
        let rays = RaySet(camera: cam, mask: mask, depth: [Float](repeating: 0.7, count: 144), margin: 0.15)
        var ts = SphereTraceSettings(); ts.threshold = 1e-7; ts.maxSteps = 80; ts.secantSteps = 30
        let renderer = SurfaceRenderer(tracer: SphereTracer(settings: ts))
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
        var compared = 0
        for (store, picks) in [(dStore, [("f.lin0.weight", 7), ("f.lin1.bias", 3), ("f.lin2.weight", 5), ("f.lin2.bias", 0)]),
                               (coarse.network.store, [("f.lin0.weight", 5), ("f.lin2.weight", 2)])] {
            let analytic = store.gradArray
            for (name, i) in picks {
                let k = try #require(store.views.first { $0.name == name }).offset + i
                let saved = store.values[k], h: Float = 1e-2 * max(1, abs(saved))
                store.values[k] = saved + h; store.markChanged()
                let jp = objective()
                store.values[k] = saved - h; store.markChanged()
                let jm = objective()
                store.values[k] = saved; store.markChanged()
                let numeric = (jp - jm) / Double(2 * h)
                #expect(abs(numeric - Double(analytic[k])) <= 0.05 * abs(numeric) + 2e-3,
                        "\(name)[\(i)]: analytic \(analytic[k]) vs numeric \(numeric)")
                compared += 1
            }
        }
        #expect(compared == 6)
    }
}

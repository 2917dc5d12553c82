import Testing
import SiderCore
import GradientChecks
@testable import NeuralFields

@Suite struct RenderingNetworkTests {
    @Test(arguments: [Activation.sigmoid, .tanh])
    func gradientsMatchFiniteDifferences(_ out: Activation) {
        let cfg = RenderingNetworkConfig(pointFrequencies: 2, viewFrequencies: 1, hidden: [12, 12], featureSize: 5,
                                         output: out, weightNorm: true)
        let net = RenderingNetwork(config: cfg, seed: 1)
        // Weights 2× PyTorch's init (a trained shader's size): at init ∂c/∂x is ~10⁻³ per point,
        // near L's float32 noise over a step (σ_L/h ≈ 2·10⁻⁸/10⁻³).
        net.store.valueArray = net.store.valueArray.map { 2 * $0 }
        var rng = SeededGenerator(seed: 3)
        // ReLU kinks: the 11 of 64 random inputs farthest from one. A step h = 2·10⁻³ along a unit
        // direction moves a pre-activation by ≲ h·‖u‖·‖W‖ ≈ 10h, so a margin of 25h keeps every
        // difference on one linear piece.
        let candidates = 64, n = 11, h: Float = 2e-3
        var x = GradientCheck.randomPoints(candidates, radius: 0.7, &rng)
        var nrm = GradientCheck.randomPoints(candidates, radius: 1, &rng)
        var v = GradientCheck.randomPoints(candidates, radius: 1, &rng)
        var gam = (0..<(candidates * 5)).map { _ in rng.normal() }
        net.forward(points: x, normals: nrm, views: v, features: gam, count: candidates)
        let (rows, margin) = GradientCheck.rowsClearOfKinks(net.mlp, rows: candidates, count: n)
        #expect(margin > 25 * Double(h), "inputs too near a ReLU kink: margin \(margin)")
        x = rows.flatMap { x[(3 * $0)..<(3 * $0 + 3)] }; nrm = rows.flatMap { nrm[(3 * $0)..<(3 * $0 + 3)] }
        v = rows.flatMap { v[(3 * $0)..<(3 * $0 + 3)] }; gam = rows.flatMap { gam[(5 * $0)..<(5 * $0 + 5)] }
        let w = (0..<(3 * n)).map { _ in rng.normal() }
        func loss(_ x: [Float], _ nn: [Float], _ g: [Float]) -> Double {
            x.withUnsafeBufferPointer { xp in nn.withUnsafeBufferPointer { np in v.withUnsafeBufferPointer { vp in
                g.withUnsafeBufferPointer { gp in
                    net.forward(points: xp.baseAddress!, normals: np.baseAddress!, views: vp.baseAddress!,
                                features: gp.baseAddress!, count: n)
                } } } }
            var l = 0.0
            for i in 0..<(3 * n) { l += Double(w[i]) * Double(net.rgb[i]) }
            return l
        }
        net.store.zeroGrads()
        _ = loss(x, nrm, gam)
        w.withUnsafeBufferPointer { net.backward(dRGB: $0.baseAddress!) }
        // Per block: each layer's weight, gain and bias; each point's x, n and γ.
        BlockGradientCheck.expect(BlockGradientCheck.check(net.store, h: h) { loss(x, nrm, gam) }, "ω")
        let packed = x + nrm + gam
        let dPacked = Array(UnsafeBufferPointer(start: net.dPoints, count: 3 * n))
            + Array(UnsafeBufferPointer(start: net.dNormals, count: 3 * n))
            + Array(UnsafeBufferPointer(start: net.dFeatures, count: 5 * n))
        let inputs = BlockGradientCheck.rows(n, width: 3, name: "x") + BlockGradientCheck.rows(n, width: 3, name: "n", offset: 3 * n)
            + BlockGradientCheck.rows(n, width: 5, name: "γ", offset: 6 * n)
        let checks = BlockGradientCheck.check(inputs, values: packed, gradient: dPacked, h: h) { p in
            loss(Array(p[0..<(3 * n)]), Array(p[(3 * n)..<(6 * n)]), Array(p[(6 * n)...]))
        }
        BlockGradientCheck.expect(checks, "inputs")
        for i in 0..<(3 * n) {
            if out == .sigmoid { #expect(net.rgb[i] > 0 && net.rgb[i] < 1) }
        }
    }
}

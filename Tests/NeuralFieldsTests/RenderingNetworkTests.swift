import Testing
import SiderCore
@testable import NeuralFields

@Suite struct RenderingNetworkTests {
    @Test(arguments: [Activation.sigmoid, .tanh])
    func gradientsMatchFiniteDifferences(_ out: Activation) {
        let cfg = RenderingNetworkConfig(pointFrequencies: 2, viewFrequencies: 1, hidden: [16, 16], featureSize: 5,
                                         output: out, weightNorm: true)
        let net = RenderingNetwork(config: cfg, seed: 1)
        var rng = SeededGenerator(seed: 3)
        let n = 11
        let x = GradientCheck.randomPoints(n, radius: 0.7, &rng)
        let nrm = GradientCheck.randomPoints(n, radius: 1, &rng)
        let v = GradientCheck.randomPoints(n, radius: 1, &rng)
        let gam = (0..<(n * 5)).map { _ in rng.normal() }
        let w = (0..<(3 * n)).map { _ in rng.normal() }
        // inputs packed [x | n | γ] so one directional check covers all three
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
        let (fd, an) = GradientCheck.parameters(net.store) { loss(x, nrm, gam) }
        #expect(GradientCheck.relativeError(fd, an) <= GradientCheck.tolerance, "ω: \(fd) vs \(an)")
        let packed = x + nrm + gam
        let dPacked = Array(UnsafeBufferPointer(start: net.dPoints, count: 3 * n))
            + Array(UnsafeBufferPointer(start: net.dNormals, count: 3 * n))
            + Array(UnsafeBufferPointer(start: net.dFeatures, count: 5 * n))
        let (fdi, ani) = GradientCheck.points(packed, gradient: dPacked) { p in
            loss(Array(p[0..<(3 * n)]), Array(p[(3 * n)..<(6 * n)]), Array(p[(6 * n)...]))
        }
        #expect(GradientCheck.relativeError(fdi, ani) <= GradientCheck.tolerance, "inputs: \(fdi) vs \(ani)")
        for i in 0..<(3 * n) {
            if out == .sigmoid { #expect(net.rgb[i] > 0 && net.rgb[i] < 1) }
        }
    }
}

import Testing
import Foundation
import SiderCore
import GradientChecks
@testable import NeuralFields

/// Gradient checks of f_θ: spatial gradient ∇ₓf against finite differences of f, and the full
/// backward (value, features, and losses on ∇ₓf through the exact double backward) against
/// finite differences of the loss in θ and in x.
@Suite struct SDFNetworkGradientTests {
    static func tinyConfig(_ encoding: EncodingConfig, beta: Float = 10, weightNorm: Bool = true) -> SDFNetworkConfig {
        SDFNetworkConfig(encoding: encoding, hidden: [16, 16, 16, 16], skips: [2], featureSize: 4,
                         beta: beta, weightNorm: weightNorm, initialRadius: 0.5)
    }

    static let encodings: [EncodingConfig] = [
        .positional(frequencies: 2),
        .grid(GridEncodingConfig(levels: 3, featuresPerLevel: 2, baseResolution: 3, growth: 2, log2TableSize: 6)),
        .fourier(FourierFeaturesConfig(features: 5, minFrequency: 1, maxFrequency: 6, seed: 3)),
    ]

    /// Makes the network non-trivial (geometric init is nearly radial, grid nearly zero).
    static func perturbed(_ cfg: SDFNetworkConfig) -> SDFNetwork {
        let net = SDFNetwork(config: cfg, seed: 3)
        var rng = SeededGenerator(seed: 5)
        net.store.valueArray = net.store.valueArray.enumerated().map { i, v in
            v + 0.05 * rng.normal() * (net.store.views.first { $0.offset <= i && i < $0.offset + $0.count }!.name.hasSuffix("grid") ? 4 : 1)
        }
        return net
    }

    /// L = Σ a·f + Σ b·γ + Σ c·∇f + Σ (‖∇f‖ − 1)², in Double.
    struct Loss {
        var a: [Float], b: [Float], c: [Float]
        let n: Int, features: Int

        init(n: Int, features: Int, _ rng: inout SeededGenerator) {
            self.n = n; self.features = features
            a = (0..<n).map { _ in rng.normal() }
            b = (0..<(n * features)).map { _ in rng.normal() }
            c = (0..<(3 * n)).map { _ in rng.normal() }
        }

        func value(_ net: SDFNetwork, _ x: [Float]) -> Double {
            x.withUnsafeBufferPointer { net.forward(points: $0.baseAddress!, count: n, gradient: true) }
            var l = 0.0
            let w = net.outputWidth
            for i in 0..<n {
                l += Double(a[i]) * Double(net.outputs[i * w])
                for k in 0..<features { l += Double(b[i * features + k]) * Double(net.outputs[i * w + 1 + k]) }
                var g2 = 0.0
                for d in 0..<3 {
                    let g = Double(net.gradient[3 * i + d])
                    l += Double(c[3 * i + d]) * g
                    g2 += g * g
                }
                l += (g2.squareRoot() - 1) * (g2.squareRoot() - 1)
            }
            return l
        }

        /// Runs forward + backward (adding to the gradients unless `zeroGradients`); returns ∂L/∂x.
        func backward(_ net: SDFNetwork, _ x: [Float], zeroGradients: Bool = true) -> [Float] {
            if zeroGradients { net.store.zeroGrads() }
            _ = value(net, x)
            var dG = [Float](repeating: 0, count: 3 * n)
            for i in 0..<n {
                let g = SIMD3<Float>(net.gradient[3 * i], net.gradient[3 * i + 1], net.gradient[3 * i + 2])
                let len = (g * g).sum().squareRoot()
                let e = 2 * (len - 1) / len * g
                for d in 0..<3 { dG[3 * i + d] = c[3 * i + d] + e[d] }
            }
            var dX = [Float](repeating: 0, count: 3 * n)
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in dG.withUnsafeBufferPointer { gp in
                dX.withUnsafeMutableBufferPointer { xp in
                    net.backward(dSDF: ap.baseAddress, dFeatures: bp.baseAddress, dGradient: gp.baseAddress,
                                 dPoints: xp.baseAddress)
                }
            } } }
            return dX
        }
    }

    /// ∂L/∂θ block by block (each layer's weight, gain and bias, each grid level) and ∂L/∂x
    /// point by point, analytic backward against finite differences (`BlockGradientCheck`).
    static func expectLossGradients(_ net: SDFNetwork, _ x: [Float], _ loss: Loss, _ label: String = "",
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        let dX = loss.backward(net, x)
        let theta = BlockGradientCheck.check(net.store, blocks: GradientCheck.blocks(net)) { loss.value(net, x) }
        BlockGradientCheck.expect(theta, "\(label) θ", sourceLocation: sourceLocation)
        let points = BlockGradientCheck.check(BlockGradientCheck.rows(loss.n, width: 3, name: "point"), values: x,
                                              gradient: dX) { loss.value(net, $0) }
        BlockGradientCheck.expect(points, "\(label) x", sourceLocation: sourceLocation)
    }

    /// Points for a finite-difference check in x: clear of the grid's cell faces (2.5 steps).
    static func checkPoints(_ net: SDFNetwork, _ n: Int, radius: Float, _ rng: inout SeededGenerator) -> [Float] {
        guard let grid = net.encoding as? GridEncoding else { return GradientCheck.randomPoints(n, radius: radius, &rng) }
        return GradientCheck.pointsInsideCells(n, radius: radius, grid: grid, margin: 5e-3, &rng)
    }

    @Test(arguments: encodings)
    func spatialGradientMatchesFiniteDifferences(_ enc: EncodingConfig) {
        let net = Self.perturbed(Self.tinyConfig(enc))
        var rng = SeededGenerator(seed: 1)
        let n = 9
        let x = GradientCheck.randomPoints(n, radius: 0.8, &rng)
        x.withUnsafeBufferPointer { net.forward(points: $0.baseAddress!, count: n, gradient: true) }
        let g = Array(UnsafeBufferPointer(start: net.gradient, count: 3 * n))
        let h: Float = 1e-3
        for i in 0..<n {
            for d in 0..<3 {
                var xp = Array(x[(3 * i)..<(3 * i + 3)]), xm = xp
                xp[d] += h; xm[d] -= h
                let f = net.evaluate([SIMD3(xp[0], xp[1], xp[2]), SIMD3(xm[0], xm[1], xm[2])])
                let fd = Double(f[0] - f[1]) / Double(2 * h)
                #expect(abs(fd - Double(g[3 * i + d])) <= 1e-2 * max(1, abs(fd)), "point \(i) axis \(d)")
            }
        }
    }

    @Test(arguments: encodings)
    func fullLossGradientInThetaAndX(_ enc: EncodingConfig) {
        let net = Self.perturbed(Self.tinyConfig(enc))
        var rng = SeededGenerator(seed: 2)
        let n = 13
        let x = Self.checkPoints(net, n, radius: 0.8, &rng)
        let loss = Loss(n: n, features: net.config.featureSize, &rng)
        Self.expectLossGradients(net, x, loss)
    }


    /// Each term of the loss on its own, so an error in one cannot hide behind another.
    @Test func eachTermSeparately() {
        let net = Self.perturbed(Self.tinyConfig(.positional(frequencies: 2), beta: 100, weightNorm: false))
        var rng = SeededGenerator(seed: 4)
        let n = 7
        let x = GradientCheck.randomPoints(n, radius: 0.6, &rng)
        for term in 0..<3 {
            var loss = Loss(n: n, features: net.config.featureSize, &rng)
            if term != 0 { loss.a = loss.a.map { _ in 0 } }
            if term != 1 { loss.b = loss.b.map { _ in 0 } }
            if term != 2 { loss.c = loss.c.map { _ in 0 } }
            Self.expectLossGradients(net, x, loss, "term \(term)")
        }
    }

    /// IDR's init approximates f ≈ ‖x‖ − r (exactly so only for ReLU and infinite width; softplus
    /// adds a small positive offset): inside at 0.2·u, outside at u, near zero at r·u.
    @Test func geometricInitIsASphere() {
        let cfg = SDFNetworkConfig(encoding: .positional(frequencies: 6), hidden: [128, 128, 128, 128], skips: [2],
                                   featureSize: 8, beta: 100, initialRadius: 0.6)
        let net = SDFNetwork(config: cfg, seed: 9)
        var rng = SeededGenerator(seed: 1)
        var onSphere: Float = 0
        for _ in 0..<50 {
            var u = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal())
            u /= (u * u).sum().squareRoot()
            let f = net.evaluate([0.2 * u, u, 0.6 * u])
            #expect(f[0] < 0 && f[1] > 0)
            onSphere += abs(f[2]) / 50
        }
        // Measured 0.157 (seed 9): softplus(β = 100) at width 128 lifts f by ~0.16 all over (the
        // sphere it describes has radius ≈ 0.44, not 0.6); 0.2 leaves 25 % for the seed.
        #expect(onSphere < 0.2, "mean |f| on the sphere \(onSphere)")
    }
}

import Testing
import SiderCore
import GradientChecks
@testable import NeuralFields

/// Block-by-block finite-difference checks of the building blocks on their own: `Linear` (with
/// and without weight norm), `MLP` (value path, the input gradient's double backward, ReLU and a
/// sigmoid output), both encodings (value, ∇ₓ and their parameter gradients), and the frozen
/// path (`MLP.accumulatesParameterGradients = false`) that the `fast` preset runs f_c through.
@Suite struct LayerGradientTests {
    static func random(_ n: Int, _ scale: Float, _ rng: inout SeededGenerator) -> [Float] {
        (0..<n).map { _ in scale * rng.normal() }
    }

    static func dot(_ a: UnsafePointer<Float>, _ b: [Float]) -> Double {
        var s = 0.0
        for i in b.indices { s += Double(a[i]) * Double(b[i]) }
        return s
    }

    /// Z = c·U·Wᵀ + b; L = Σ a·Z + ½ Σ Z² (quadratic, so the gradient depends on θ and U).
    @Test(arguments: [false, true])
    func linearLayer(weightNorm: Bool) {
        let store = ParameterStore()
        let inputs = 5, outputs = 4, n = 6
        let layer = Linear(inputs: inputs, outputs: outputs, inputScale: 0.7, weightNorm: weightNorm, name: "lin", store: store)
        store.freeze()
        var rng = SeededGenerator(seed: 1)
        store.valueArray = Self.random(store.count, 0.5, &rng)
        let u0 = Self.random(n * inputs, 1, &rng), a = Self.random(n * outputs, 1, &rng)
        let z = FloatBuffer(capacity: n * outputs), ones = [Float](repeating: 1, count: n)
        func loss(_ u: [Float]) -> Double {
            layer.syncWeights()
            u.withUnsafeBufferPointer { layer.forward($0.baseAddress!, ldu: inputs, rows: n, z: z.base) }
            var l = 0.0
            for i in 0..<(n * outputs) { l += Double(a[i]) * Double(z.base[i]) + 0.5 * Double(z.base[i]) * Double(z.base[i]) }
            return l
        }
        store.zeroGrads()
        _ = loss(u0)
        let dz = (0..<(n * outputs)).map { a[$0] + z.base[$0] }
        var du = [Float](repeating: 0, count: n * inputs)
        dz.withUnsafeBufferPointer { d in u0.withUnsafeBufferPointer { u in ones.withUnsafeBufferPointer { o in
            layer.accumulateWeightGradient(d.baseAddress!, rows: n, u: u.baseAddress!, ldu: inputs, ones: o.baseAddress!)
            du.withUnsafeMutableBufferPointer { layer.backwardInput(d.baseAddress!, rows: n, du: $0.baseAddress!, lddu: inputs) }
        } } }
        layer.finishGradients()
        #expect(store.views.map(\.name) == (weightNorm ? ["lin.weight", "lin.gain", "lin.bias"] : ["lin.weight", "lin.bias"]))
        BlockGradientCheck.expect(BlockGradientCheck.check(store) { loss(u0) }, "θ")
        BlockGradientCheck.expect(BlockGradientCheck.check(BlockGradientCheck.rows(n, width: inputs, name: "row"), values: u0,
                                                           gradient: du, loss: loss), "U")
    }

    /// L = Σ a·Y + Σ c·Ge (Ge = ∂y₀/∂E), through a skip layer, softplus and weight norm: the value
    /// backward and the double backward of the input gradient, per layer block and per input row.
    @Test(arguments: [false, true])
    func mlpWithInputGradient(weightNorm: Bool) {
        let store = ParameterStore()
        let n = 7, input = 5
        let mlp = MLP(config: MLPConfig(input: input, hidden: [9, 9, 9], output: 3, skips: [2], activation: .softplus(beta: 4),
                                        weightNorm: weightNorm), name: "m", store: store)
        store.freeze()
        var rng = SeededGenerator(seed: 2)
        // Weights of a trained network's size (at 0.6 the input gradient's terms are ~10⁻³ and the
        // float32 noise of L is a few % of a block's derivative).
        store.valueArray = Self.random(store.count, 1.2, &rng)
        let e0 = Self.random(n * input, 1, &rng), a = Self.random(n * 3, 1, &rng), c = Self.random(n * input, 1, &rng)
        func loss(_ e: [Float]) -> Double {
            mlp.prepare(rows: n, inputGradient: true)
            mlp.input.update(from: e, count: n * input)
            mlp.forward(rows: n)
            mlp.firstOutputInputGradient()
            return Self.dot(mlp.output, a) + Self.dot(mlp.inputGradient, c)
        }
        store.zeroGrads()
        _ = loss(e0)
        let dE = a.withUnsafeBufferPointer { ap in c.withUnsafeBufferPointer { cp in
            Array(UnsafeBufferPointer(start: mlp.backward(dY: ap.baseAddress, barGe: cp.baseAddress), count: n * input))
        } }
        // dE includes the double backward's path through Z_l(E) (σ''), so the whole L is checked in E.
        // h = 3·10⁻²: Ge's float32 noise in L is ~2·10⁻⁷, so σ_L/h stays well under 5 % of blocks
        // down to ~4·10⁻³ (a first-layer bias), and softplus with β = 4 bends on a scale of 1/β,
        // smooth over the step (the extrapolation takes out h², the check measures the rest).
        BlockGradientCheck.expect(BlockGradientCheck.check(store, h: 3e-2) { loss(e0) }, "θ")
        BlockGradientCheck.expect(BlockGradientCheck.check(BlockGradientCheck.rows(n, width: input, name: "row"), values: e0,
                                                           gradient: dE, h: 3e-2, loss: loss), "E")
    }

    /// ReLU hidden layers and a sigmoid output (the rendering network's MLP), L = Σ a·Y, on the
    /// 6 of 48 random rows farthest from a kink (a margin of 25 steps: see RenderingNetworkTests).
    @Test func mlpReLUSigmoid() {
        let store = ParameterStore()
        let candidates = 48, n = 6, input = 4, h: Float = 2e-3
        let mlp = MLP(config: MLPConfig(input: input, hidden: [10, 10], output: 3, activation: .relu, outputActivation: .sigmoid,
                                        weightNorm: true), name: "g", store: store)
        store.freeze()
        var rng = SeededGenerator(seed: 3)
        store.valueArray = Self.random(store.count, 1.5, &rng)
        var e0 = Self.random(candidates * input, 1, &rng)
        let a = Self.random(n * 3, 1, &rng)
        func forward(_ e: [Float], rows: Int) {
            mlp.prepare(rows: rows, inputGradient: false)
            mlp.input.update(from: e, count: rows * input)
            mlp.forward(rows: rows)
        }
        forward(e0, rows: candidates)
        let (rows, margin) = GradientCheck.rowsClearOfKinks(mlp, rows: candidates, count: n)
        #expect(margin > 25 * Double(h), "inputs too near a ReLU kink: margin \(margin)")
        e0 = rows.flatMap { e0[(input * $0)..<(input * $0 + input)] }
        func loss(_ e: [Float]) -> Double {
            forward(e, rows: n)
            return Self.dot(mlp.output, a)
        }
        store.zeroGrads()
        _ = loss(e0)
        let dE = a.withUnsafeBufferPointer {
            Array(UnsafeBufferPointer(start: mlp.backward(dY: $0.baseAddress, barGe: nil), count: n * input))
        }
        BlockGradientCheck.expect(BlockGradientCheck.check(store, h: h) { loss(e0) }, "θ")
        BlockGradientCheck.expect(BlockGradientCheck.check(BlockGradientCheck.rows(n, width: input, name: "row"), values: e0,
                                                           gradient: dE, h: h, loss: loss), "E")
    }

    /// An encoding e on its own: L = Σ w·e(x) + Σ c·(Jᵀ·q), the value and a spatial-gradient-like
    /// term (what ∇ₓf = Jᵀ·Ge is), so `pullback` (x and table), `secondOrder` (x and table) are
    /// all differenced; `pushforward` is checked as the adjoint of the Jacobian: ⟨q, J·t⟩ = ⟨Jᵀq, t⟩.
    static func checkEncoding(_ enc: InputEncoding, store: ParameterStore, blocks: [GradientBlock], x0: [Float],
                              _ rng: inout SeededGenerator, _ label: String) {
        let n = x0.count / 3, d = enc.outputDimension
        let w = Self.random(n * d, 1, &rng), q = Self.random(n * d, 1, &rng), c = Self.random(3 * n, 1, &rng)
        let e = FloatBuffer(capacity: n * d), jq = FloatBuffer(capacity: 3 * n)
        func loss(_ x: [Float]) -> Double {
            x.withUnsafeBufferPointer { xp in
                q.withUnsafeBufferPointer { qp in
                    enc.encode(xp.baseAddress!, rows: n, into: e.base, lde: d)
                    enc.pullback(xp.baseAddress!, rows: n, dE: qp.baseAddress!, ldde: d, into: jq.base, accumulate: false,
                                 parameters: false)
                }
            }
            return Self.dot(e.base, w) + Self.dot(jq.base, c)
        }
        store.zeroGrads()
        var dX = [Float](repeating: 0, count: 3 * n)
        x0.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in q.withUnsafeBufferPointer { qp in
            c.withUnsafeBufferPointer { cp in dX.withUnsafeMutableBufferPointer { dp in
                _ = loss(x0)
                enc.pullback(xp.baseAddress!, rows: n, dE: wp.baseAddress!, ldde: d, into: dp.baseAddress!, accumulate: false,
                             parameters: true)
                enc.secondOrder(xp.baseAddress!, rows: n, ge: qp.baseAddress!, ldge: d, barG: cp.baseAddress!, dX: dp.baseAddress!,
                                parameters: true)
            } }
        } } }
        if !blocks.isEmpty {
            BlockGradientCheck.expect(BlockGradientCheck.check(store, blocks: blocks) { loss(x0) }, "\(label) table")
        }
        BlockGradientCheck.expect(BlockGradientCheck.check(BlockGradientCheck.rows(n, width: 3, name: "point"), values: x0,
                                                           gradient: dX, loss: loss), "\(label) x")
        // Adjoint: ⟨q, J·t⟩ = ⟨Jᵀ·q, t⟩ with t = c.
        let jt = FloatBuffer(capacity: n * d)
        x0.withUnsafeBufferPointer { xp in c.withUnsafeBufferPointer { cp in q.withUnsafeBufferPointer { qp in
            enc.encode(xp.baseAddress!, rows: n, into: e.base, lde: d)
            enc.pushforward(xp.baseAddress!, rows: n, tangent: cp.baseAddress!, into: jt.base, ldde: d)
            enc.pullback(xp.baseAddress!, rows: n, dE: qp.baseAddress!, ldde: d, into: jq.base, accumulate: false, parameters: false)
        } } }
        let lhs = Self.dot(jt.base, q), rhs = Self.dot(jq.base, c)
        // Both are the same float32 sums in another order: 10⁻⁵ relative is ~100 roundings.
        #expect(abs(lhs - rhs) <= 1e-5 * max(abs(lhs), 1), "\(label): ⟨q, Jt⟩ \(lhs) vs ⟨Jᵀq, t⟩ \(rhs)")
    }

    @Test func gridEncodingPerLevel() {
        let store = ParameterStore()
        // Dense levels (R = 3, 6) and a hashed one (R = 12: 13³ > 2⁹ entries).
        let grid = GridEncoding(config: GridEncodingConfig(levels: 3, featuresPerLevel: 2, baseResolution: 3, growth: 2,
                                                           log2TableSize: 9), store: store, name: "phi")
        store.freeze()
        #expect(grid.hashed == [false, false, true])
        var rng = SeededGenerator(seed: 4)
        store.valueArray = Self.random(store.count, 0.5, &rng)
        let x = GradientCheck.pointsInsideCells(9, radius: 0.9, grid: grid, margin: 5e-3, &rng)
        let sizes = (0..<3).map { (grid.offsets[$0 + 1] - grid.offsets[$0]) * 2 }
        Self.checkEncoding(grid, store: store, blocks: BlockGradientCheck.blocks(store, split: ["phi.grid": sizes]), x0: x,
                           &rng, "grid")
    }

    @Test(arguments: [0, 1, 3])
    func positionalEncoding(frequencies: Int) {
        let store = ParameterStore()
        store.freeze()
        let pe = PositionalEncoding(frequencies: frequencies)
        var rng = SeededGenerator(seed: 5)
        let x = GradientCheck.randomPoints(8, radius: 1.2, &rng)
        Self.checkEncoding(pe, store: store, blocks: [], x0: x, &rng, "PE \(frequencies) frequencies")
    }

    @Test(arguments: [1, 7])
    func fourierFeatures(features: Int) {
        let store = ParameterStore()
        store.freeze()
        let ff = FourierFeatures(config: FourierFeaturesConfig(features: features, minFrequency: 0.5, maxFrequency: 8, seed: 2))
        let magnitudes = ff.directions.map { ($0 * $0).sum().squareRoot() }
        #expect(abs(magnitudes.first! - 0.5) < 1e-5 && (features == 1 || abs(magnitudes.last! - 8) < 1e-4))
        var rng = SeededGenerator(seed: 6)
        let x = GradientCheck.randomPoints(8, radius: 1.2, &rng)
        Self.checkEncoding(ff, store: store, blocks: [], x0: x, &rng, "Fourier features \(features)")
    }

    /// The frozen path: with `accumulatesParameterGradients = false` the network's gradients are
    /// left exactly as they were (the grid table included, whose second-order term is the easy
    /// one to forget), while ∂L/∂x is bit-identical to the unfrozen pass's and matches finite
    /// differences point by point.
    @Test(arguments: SDFNetworkGradientTests.encodings)
    func frozenNetworkPassesOnlyPointGradients(_ enc: EncodingConfig) {
        let net = SDFNetworkGradientTests.perturbed(SDFNetworkGradientTests.tinyConfig(enc))
        var rng = SeededGenerator(seed: 8)
        let n = 11
        let x = SDFNetworkGradientTests.checkPoints(net, n, radius: 0.8, &rng)
        let loss = SDFNetworkGradientTests.Loss(n: n, features: net.config.featureSize, &rng)
        let unfrozen = loss.backward(net, x)
        net.mlp.accumulatesParameterGradients = false
        defer { net.mlp.accumulatesParameterGradients = true }
        let sentinel = (0..<net.store.count).map { Float($0 % 7) - 3 }
        net.store.grads.update(from: sentinel, count: sentinel.count)
        let frozen = loss.backward(net, x, zeroGradients: false)
        #expect(net.store.gradArray == sentinel, "a frozen network's gradients changed")
        #expect(frozen == unfrozen)
        BlockGradientCheck.expect(BlockGradientCheck.check(BlockGradientCheck.rows(n, width: 3, name: "point"), values: x,
                                                           gradient: frozen) { loss.value(net, $0) }, "frozen x")
    }
}

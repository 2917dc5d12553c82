import SiderCore

/// Shape of a multilayer perceptron (IDR's convention).
///
/// `dims = [input] + hidden + [output]`; layer l maps dims[l] → dims[l+1], except that a layer
/// feeding a skip layer s (l + 1 = s) outputs dims[s] − input so that, after the concatenation
/// [a, e]/√2 with the network input e, layer s again sees dims[s] inputs (IDR's `skip_in`).
public struct MLPConfig: Sendable, Equatable, Codable {
    public var input: Int
    public var hidden: [Int]
    public var output: Int
    public var skips: [Int]
    public var activation: Activation
    public var outputActivation: Activation
    public var weightNorm: Bool

    public init(input: Int, hidden: [Int], output: Int, skips: [Int] = [], activation: Activation,
                outputActivation: Activation = .identity, weightNorm: Bool = false) {
        self.input = input; self.hidden = hidden; self.output = output; self.skips = skips
        self.activation = activation; self.outputActivation = outputActivation; self.weightNorm = weightNorm
    }

    var dims: [Int] { [input] + hidden + [output] }

    /// Multiply–adds of one point's forward pass.
    public var macsPerPoint: Int {
        let d = dims
        var s = 0
        for l in 0..<(d.count - 1) { s += d[l] * (skips.contains(l + 1) ? d[l + 1] - input : d[l + 1]) }
        return s
    }
}

/// A batched MLP with exact reverse mode and exact reverse-over-reverse ("double backward")
/// for the input gradient of its first output.
///
/// Forward, per layer l:  Z_l = c_l·U_l·W_lᵀ + b_l,  A_l = σ(Z_l),  U_{l+1} = A_l or [A_l, E]
/// (skip), U_0 = E (the encoded input), Y = σ_out(Z_last).  S_l = σ'(Z_l) is kept.
///
/// Input gradient of y₀ (reverse mode, `firstOutputInputGradient`):
///   P_last = c·e₀ᵀW_last (same for every row);  for l = last … 1:
///   GA_{l−1} = P_l[:, :out_{l−1}],  Δ_{l−1} = GA_{l−1} ⊙ S_{l−1},  Ge += P_l[:, out_{l−1}:] (skip),
///   P_{l−1} = c·Δ_{l−1}·W_{l−1};  finally Ge += P_0.   (Ge = ∂y₀/∂E.)
///
/// Backward with an upstream Ḡe = ∂L/∂Ge (double backward), forward in l:
///   P̄_0 = Ḡe;  δ̄_l = c·P̄_l·W_lᵀ,  W̄_l += c·Δ_lᵀ·P̄_l,  Z̄_l += δ̄_l ⊙ GA_l ⊙ σ''_l,
///   P̄_{l+1} = [δ̄_l ⊙ S_l, Ḡe (skip)];  at the output layer W̄_last[0,:] += c·1ᵀ·P̄_last.
/// then the ordinary backward from dY adds its dZ_l to Z̄_l. Cost: 6 products per layer versus 3
/// for a plain forward + backward (no extra evaluations, unlike finite differences).
/// Requires an identity output activation for the input-gradient path.
public final class MLP: @unchecked Sendable {
    public let config: MLPConfig
    public let layers: [Linear]
    let outDims: [Int]
    let inDims: [Int]
    private var syncedGeneration = -1
    unowned let store: ParameterStore

    // Workspaces (reserved by `prepare(rows:)`).
    private let u: [FloatBuffer]        // U_l, N×in_l (u[0] = E)
    private let s: [FloatBuffer]        // S_l = σ'(Z_l), N×out_l
    private let y: FloatBuffer          // Y, N×output
    private let d: [FloatBuffer]        // dZ_l (+ Z̄_l), N×out_l
    private let ga: [FloatBuffer]       // GA_l, N×out_l (hidden layers)
    private let delta: [FloatBuffer]    // Δ_l, N×out_l (hidden layers)
    private let scratchP: FloatBuffer   // P_l / dU_l / P̄_l, N×max(in)
    private let scratchD: FloatBuffer   // δ̄_l, N×max(out)
    private let ge: FloatBuffer         // Ge, N×input
    private let de: FloatBuffer         // dE, N×input
    private let ones: FloatBuffer
    private(set) var rows = 0
    private var gradientPathValid = false
    /// The last forward kept σ' (S_l): backward and the input gradient may run.
    private var derivativesValid = false

    public init(config: MLPConfig, name: String, store: ParameterStore) {
        self.config = config
        self.store = store
        let dims = config.dims
        var ins: [Int] = [], outs: [Int] = [], ls: [Linear] = []
        for l in 0..<(dims.count - 1) {
            let out = config.skips.contains(l + 1) ? dims[l + 1] - dims[0] : dims[l + 1]
            precondition(out > 0 && dims[l] > 0, "MLP layer \(l): \(dims[l]) → \(out) units (a skip into layer s needs hidden[s−1] > input)")
            ins.append(dims[l]); outs.append(out)
            ls.append(Linear(inputs: dims[l], outputs: out,
                             inputScale: config.skips.contains(l) ? Float(0.5).squareRoot() : 1,
                             weightNorm: config.weightNorm, name: "\(name).lin\(l)", store: store))
        }
        layers = ls; inDims = ins; outDims = outs
        u = ins.map { _ in FloatBuffer() }
        s = outs.map { _ in FloatBuffer() }
        d = outs.map { _ in FloatBuffer() }
        ga = outs.map { _ in FloatBuffer() }
        delta = outs.map { _ in FloatBuffer() }
        y = FloatBuffer(); scratchP = FloatBuffer(); scratchD = FloatBuffer()
        ge = FloatBuffer(); de = FloatBuffer(); ones = FloatBuffer()
    }

    /// Reserves workspaces for batches of up to `rows` points (allocation happens here only).
    public func prepare(rows n: Int, inputGradient: Bool) {
        for l in layers.indices {
            u[l].reserve(n * inDims[l]); s[l].reserve(n * outDims[l]); d[l].reserve(n * outDims[l])
            if inputGradient && l < layers.count - 1 {
                ga[l].reserve(n * outDims[l]); delta[l].reserve(n * outDims[l])
            }
        }
        y.reserve(n * config.output)
        scratchP.reserve(n * (inDims.max() ?? 1)); scratchD.reserve(n * (outDims.max() ?? 1))
        ge.reserve(n * config.input); de.reserve(n * config.input)
        if ones.capacity < n { ones.reserve(n); ones.base.update(repeating: 1, count: n) }
    }

    /// Where the caller writes the encoded input E (N×input) before `forward`.
    public var input: UnsafeMutablePointer<Float> { u[0].base }
    /// Y (N×output) after `forward`.
    public var output: UnsafeMutablePointer<Float> { y.base }
    /// Ge = ∂y₀/∂E (N×input) after `firstOutputInputGradient`.
    public var inputGradient: UnsafeMutablePointer<Float> { ge.base }

    func syncWeights() {
        guard syncedGeneration != store.generation else { return }
        for l in layers { l.syncWeights() }
        syncedGeneration = store.generation
    }

    /// Y = MLP(E) for the first `rows` rows of `input`.
    /// `derivatives` false: σ' is not kept (a forward no backward or input gradient will follow,
    /// such as the sphere tracer's SDF values); `backward` then refuses to run.
    public func forward(rows n: Int, derivatives: Bool = true) {
        syncWeights()
        rows = n
        gradientPathValid = false
        derivativesValid = derivatives
        let last = layers.count - 1
        for l in 0...last {
            if config.skips.contains(l), l > 0 {
                Elementwise.copy(rows: n, cols: config.input, u[0].base, lda: config.input,
                                 into: u[l].base + outDims[l - 1], ldd: inDims[l])
            }
            layers[l].forward(u[l].base, ldu: inDims[l], rows: n, z: s[l].base)
            let act = l < last ? config.activation : config.outputActivation
            let a = l < last ? u[l + 1].base : y.base, lda = l < last ? inDims[l + 1] : config.output
            act.apply(rows: n, cols: outDims[l], z: s[l].base, a: a, lda: lda, derivatives: derivatives)
        }
    }

    /// Ge = ∂y₀/∂E for the rows of the last `forward` (needs `prepare(…, inputGradient: true)`).
    public func firstOutputInputGradient() {
        precondition(derivativesValid, "MLP: input gradient after a forward without derivatives")
        let n = rows, last = layers.count - 1, di = config.input
        let p = scratchP.base
        // P_last = c·W_last[0, :] in every row.
        let w0 = layers[last].weight, c = layers[last].inputScale, inLast = inDims[last]
        for r in 0..<n { for j in 0..<inLast { p[r * inLast + j] = c * w0[j] } }
        ge.zero(n * di)
        var l = last
        while l >= 1 {
            let prev = l - 1, op = outDims[prev], ip = inDims[l]
            Elementwise.copy(rows: n, cols: op, p, lda: ip, into: ga[prev].base, ldd: op)
            if config.skips.contains(l) {
                Elementwise.copy(rows: n, cols: di, p + op, lda: ip, into: ge.base, ldd: di, accumulate: true)
            }
            Elementwise.multiply(rows: n, cols: op, ga[prev].base, lda: op, s[prev].base, ldb: op,
                                 into: delta[prev].base, ldd: op)
            layers[prev].backwardInput(delta[prev].base, rows: n, du: p, lddu: inDims[prev])
            l -= 1
        }
        Elementwise.copy(rows: n, cols: di, p, lda: inDims[0], into: ge.base, ldd: di, accumulate: true)
        gradientPathValid = true
    }

    /// False: `backward` skips the parameter gradients (a frozen network that other parameters'
    /// gradients pass through); `store.grads` is left as it is.
    public var accumulatesParameterGradients = true

    /// Accumulates parameter gradients for dY = ∂L/∂Y (may be nil) and Ḡe = ∂L/∂Ge (may be nil;
    /// needs `firstOutputInputGradient` first) and returns dE = ∂L/∂E through the value path
    /// (N×input; the second-order part through the encoding is the caller's).
    @discardableResult
    public func backward(dY: UnsafePointer<Float>?, barGe: UnsafePointer<Float>?) -> UnsafeMutablePointer<Float> {
        precondition(derivativesValid, "MLP: backward after a forward without derivatives")
        let n = rows, last = layers.count - 1, di = config.input
        let hasSecond = barGe != nil && gradientPathValid
        for l in 0...last { d[l].zero(n * outDims[l]) }
        if hasSecond, let barGe { doubleBackward(barGe) }
        if let dY {
            // dZ_last += dY ⊙ S_out
            Elementwise.multiply(rows: n, cols: config.output, dY, lda: config.output, s[last].base,
                                 ldb: config.output, into: d[last].base, ldd: config.output, accumulate: true)
        }
        de.zero(n * di)
        let p = scratchP.base
        var l = last
        while l >= 0 {
            if accumulatesParameterGradients {
                layers[l].accumulateWeightGradient(d[l].base, rows: n, u: u[l].base, ldu: inDims[l], ones: ones.base)
            }
            layers[l].backwardInput(d[l].base, rows: n, du: p, lddu: inDims[l])
            if l > 0 {
                let prev = l - 1, op = outDims[prev], ip = inDims[l]
                if config.skips.contains(l) {
                    Elementwise.copy(rows: n, cols: di, p + op, lda: ip, into: de.base, ldd: di, accumulate: true)
                }
                Elementwise.multiply(rows: n, cols: op, p, lda: ip, s[prev].base, ldb: op,
                                     into: d[prev].base, ldd: op, accumulate: true)
            } else {
                Elementwise.copy(rows: n, cols: di, p, lda: inDims[0], into: de.base, ldd: di, accumulate: true)
            }
            l -= 1
        }
        if accumulatesParameterGradients { for layer in layers { layer.finishGradients() } }
        return de.base
    }

    /// Reverse pass through `firstOutputInputGradient`, leaving Z̄_l in d[l].
    private func doubleBackward(_ barGe: UnsafePointer<Float>) {
        let n = rows, last = layers.count - 1, di = config.input
        let pb = scratchP.base, db = scratchD.base
        // P̄_0 = Ḡe
        Elementwise.copy(rows: n, cols: di, barGe, lda: di, into: pb, ldd: inDims[0])
        for l in 0..<last {
            let o = outDims[l], nextIn = inDims[l + 1]
            layers[l].forwardNoBias(pb, ldu: inDims[l], rows: n, z: db)                // δ̄_l
            if accumulatesParameterGradients {
                layers[l].accumulateWeightGradient(delta[l].base, rows: n, u: pb, ldu: inDims[l], ones: nil)
            }
            // Z̄_l = δ̄_l ⊙ GA_l ⊙ σ''(S_l, A_l);  P̄_{l+1} = [δ̄_l ⊙ S_l, Ḡe]
            let act = config.activation
            let dbp = SendableConstPointer(UnsafePointer(db)), gap = SendableConstPointer(UnsafePointer(ga[l].base))
            let sp = SendableConstPointer(UnsafePointer(s[l].base)), ap = SendableConstPointer(UnsafePointer(u[l + 1].base))
            let zp = SendablePointer(d[l].base), pp = SendablePointer(pb)
            Elementwise.rows(n, cols: o) { range in
                for r in range {
                    let bd = dbp.base + r * o, g = gap.base + r * o, sv = sp.base + r * o
                    let a = ap.base + r * nextIn, z = zp.base + r * o, pn = pp.base + r * nextIn
                    if act.hasSecondDerivative {
                        for j in 0..<o { z[j] = bd[j] * g[j] * act.second(s: sv[j], a: a[j]) }
                    }
                    for j in 0..<o { pn[j] = bd[j] * sv[j] }
                }
            }
            if config.skips.contains(l + 1) {
                Elementwise.copy(rows: n, cols: di, barGe, lda: di, into: pb + o, ldd: nextIn)
            }
        }
        if accumulatesParameterGradients { layers[last].accumulateFirstRowGradient(pb, rows: n, ones: ones.base) }
    }
}

extension MLP {
    /// PyTorch's default nn.Linear init: weights and biases U(−1/√in, 1/√in), layer by layer from
    /// one seeded stream (weight-norm gains set from the result). Call after `store.freeze()`.
    public func initialiseFanInUniform(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for layer in layers {
            let k = 1 / Float(layer.inputs).squareRoot()
            for i in 0..<(layer.inputs * layer.outputs) { layer.rawWeight[i] = rng.uniform(-k, k) }
            for i in 0..<layer.outputs { layer.bias[i] = rng.uniform(-k, k) }
            layer.initialiseGain()
        }
        store.markChanged()
    }
}

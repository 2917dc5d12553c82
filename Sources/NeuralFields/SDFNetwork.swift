import SiderCore

/// Architecture of the geometry network f_θ (Eq. 1).
public struct SDFNetworkConfig: Sendable, Equatable, Codable {
    /// φ: positional (IDR: 6 frequencies) or a multiresolution grid.
    public var encoding: EncodingConfig
    /// Hidden widths (IDR / the paper: 8 × 512).
    public var hidden: [Int]
    /// Layers that receive [a, φ(x)]/√2 (IDR: [4]).
    public var skips: [Int]
    /// Size of the feature vector γ (256).
    public var featureSize: Int
    /// softplus β (100).
    public var beta: Float
    public var weightNorm: Bool
    /// Radius r of the initial sphere f ≈ ‖x‖ − r (IDR's geometric init, `bias`).
    public var initialRadius: Float
    /// A residual field δ instead of an SDF: starts at δ ≈ 0 (output weights ~ 𝒩(0, 10⁻⁴²), bias
    /// 0) and its first layer sees every encoding channel. False: IDR's geometric init.
    public var startsAtZero: Bool

    public init(encoding: EncodingConfig, hidden: [Int], skips: [Int], featureSize: Int,
                beta: Float = 100, weightNorm: Bool = true, initialRadius: Float = 0.6, startsAtZero: Bool = false) {
        self.encoding = encoding; self.hidden = hidden; self.skips = skips; self.featureSize = featureSize
        self.beta = beta; self.weightNorm = weightNorm; self.initialRadius = initialRadius
        self.startsAtZero = startsAtZero
    }

    /// The paper's geometry network (IDR's `dtu_fixed_cameras.conf`).
    public static let paper = SDFNetworkConfig(encoding: .positional(frequencies: 6),
                                               hidden: Array(repeating: 512, count: 8), skips: [4],
                                               featureSize: 256)
}

/// The encoding φ of a network's point input.
/// In config files: `{"positional": {"frequencies": L}}`, `{"grid": {GridEncodingConfig}}` or
/// `{"fourier": {FourierFeaturesConfig}}`.
public enum EncodingConfig: Sendable, Equatable, Codable {
    case positional(frequencies: Int)
    case grid(GridEncodingConfig)
    case fourier(FourierFeaturesConfig)

    enum CodingKeys: String, CodingKey { case positional, grid, fourier }
    struct Positional: Codable { var frequencies: Int }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "encoding needs exactly one of \"positional\", \"grid\", \"fourier\""))
        }
        if let p = try c.decodeIfPresent(Positional.self, forKey: .positional) {
            self = .positional(frequencies: p.frequencies)
        } else if let g = try c.decodeIfPresent(GridEncodingConfig.self, forKey: .grid) {
            self = .grid(g)
        } else if let f = try c.decodeIfPresent(FourierFeaturesConfig.self, forKey: .fourier) {
            self = .fourier(f)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "encoding must be {\"positional\": …}, {\"grid\": …} or {\"fourier\": …}"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .positional(let f): try c.encode(Positional(frequencies: f), forKey: .positional)
        case .grid(let g): try c.encode(g, forKey: .grid)
        case .fourier(let f): try c.encode(f, forKey: .fourier)
        }
    }

    /// D, the width of φ(x): 3 + 6L, 3 + levels · features, 3 + 2m.
    public var outputDimension: Int {
        switch self {
        case .positional(let f): return 3 + 6 * f
        case .grid(let g): return 3 + g.levels * g.featuresPerLevel
        case .fourier(let f): return 3 + 2 * f.features
        }
    }

    func make(store: ParameterStore, name: String) -> InputEncoding {
        switch self {
        case .positional(let f): return PositionalEncoding(frequencies: f)
        case .grid(let g): return GridEncoding(config: g, store: store, name: name)
        case .fourier(let f): return FourierFeatures(config: f)
        }
    }
}

/// The geometry network f_θ(x) = {f^SDF(φ(x)), γ(x)} (Eq. 1) with its spatial gradient ∇ₓf.
///
/// Points are in the network's normalised frame (the object inside the unit sphere). Layer
/// sizes, skip and softplus(β) follow IDR; initialisation is IDR's geometric init, giving
/// f ≈ ‖x‖ − r at start: first layer and skip layer see only the raw x (weights on the other
/// encoding channels zero), hidden weights ~ 𝒩(0, 2/out), output weights ~ 𝒩(√π/√in, 1e−4²),
/// output bias −r.
///
/// Use: `forward(points:count:gradient:)` → `sdf`, `features`, `gradient` (N×3 = ∇ₓf);
/// then `backward(dSDF:dFeatures:dGradient:dPoints:)` accumulates ∂L/∂θ into `store.grads`
/// (exact double backward through ∇ₓf) and optionally writes ∂L/∂x.
/// Results live in the network's workspaces until the next `forward`; one network serves one
/// thread at a time (its own work is spread across the cores inside).
public final class SDFNetwork: @unchecked Sendable {
    public let config: SDFNetworkConfig
    public let store = ParameterStore()
    public let encoding: InputEncoding
    public let mlp: MLP
    private let points = FloatBuffer()
    private let grads = FloatBuffer()
    private let dY = FloatBuffer()
    private let barGe = FloatBuffer()
    public private(set) var count = 0
    private var hasGradient = false

    public init(config: SDFNetworkConfig, seed: UInt64 = 0) {
        self.config = config
        encoding = config.encoding.make(store: store, name: "phi")
        let d0 = encoding.outputDimension
        mlp = MLP(config: MLPConfig(input: d0, hidden: config.hidden, output: 1 + config.featureSize,
                                    skips: config.skips, activation: .softplus(beta: config.beta),
                                    weightNorm: config.weightNorm),
                  name: "f", store: store)
        store.freeze()
        var rng = SeededGenerator(seed: seed)
        initialise(&rng)
    }

    /// Output width: 1 (SDF) + feature size.
    public var outputWidth: Int { 1 + config.featureSize }

    /// IDR's geometric initialisation (and the grid's small uniform init).
    public func initialise(_ rng: inout SeededGenerator) {
        if let g = encoding as? GridEncoding { g.initialise(&rng) }
        let d0 = encoding.outputDimension
        let last = mlp.layers.count - 1
        let residual = config.startsAtZero
        for (l, layer) in mlp.layers.enumerated() {
            let w = layer.rawWeight, b = layer.bias, ni = layer.inputs, no = layer.outputs
            if residual {
                let std = l == last ? 1e-4 : Float(2).squareRoot() / Float(no).squareRoot()
                for i in 0..<(ni * no) { w[i] = std * rng.normal() }
                for i in 0..<no { b[i] = 0 }
            } else if l == last {
                let mean = Float.pi.squareRoot() / Float(ni).squareRoot()
                for i in 0..<(ni * no) { w[i] = mean + 1e-4 * rng.normal() }
                for i in 0..<no { b[i] = -config.initialRadius }
            } else {
                let std = Float(2).squareRoot() / Float(no).squareRoot()
                for i in 0..<(ni * no) { w[i] = std * rng.normal() }
                for i in 0..<no { b[i] = 0 }
                if l == 0 {
                    for r in 0..<no { for c in 3..<ni { w[r * ni + c] = 0 } }
                } else if config.skips.contains(l) {
                    for r in 0..<no { for c in (ni - d0 + 3)..<ni { w[r * ni + c] = 0 } }
                }
            }
            layer.initialiseGain()
        }
        store.markChanged()
    }

    /// Multiply–adds per point of one forward pass (for GFLOP/s figures).
    public var macsPerPoint: Int { mlp.config.macsPerPoint }

    /// Reserves workspaces for up to `rows` points.
    public func prepare(rows: Int, gradient: Bool) {
        mlp.prepare(rows: rows, inputGradient: gradient)
        points.reserve(rows * 3); grads.reserve(rows * 3)
        dY.reserve(rows * outputWidth); barGe.reserve(rows * encoding.outputDimension)
    }

    /// Evaluates f_θ at `count` points (x, y, z interleaved) and, if `gradient`, ∇ₓf.
    /// `derivatives` false (values only, no backward to follow) skips keeping σ'.
    public func forward(points x: UnsafePointer<Float>, count n: Int, gradient: Bool, derivatives: Bool = true) {
        precondition(derivatives || !gradient, "∇ₓf needs the derivatives")
        prepare(rows: n, gradient: gradient)
        count = n
        points.base.update(from: x, count: 3 * n)
        let d0 = encoding.outputDimension
        encoding.encode(points.base, rows: n, into: mlp.input, lde: d0)
        mlp.forward(rows: n, derivatives: derivatives)
        hasGradient = gradient
        if gradient {
            mlp.firstOutputInputGradient()
            encoding.pullback(points.base, rows: n, dE: mlp.inputGradient, ldde: d0, into: grads.base,
                              accumulate: false, parameters: false)
        }
    }

    /// Row-major N×(1+F) outputs: column 0 is the SDF, columns 1… the feature vector γ.
    public var outputs: UnsafePointer<Float> { UnsafePointer(mlp.output) }
    public func sdf(_ i: Int) -> Float { mlp.output[i * outputWidth] }
    /// ∇ₓf, N×3 (valid after `forward(…, gradient: true)`).
    public var gradient: UnsafePointer<Float> { UnsafePointer(grads.base) }

    /// Backpropagates ∂L/∂f (N), ∂L/∂γ (N×F) and ∂L/∂(∇ₓf) (N×3) — each optional — into
    /// `store.grads` (accumulating) and, if `dPoints` is given, writes ∂L/∂x there (N×3).
    public func backward(dSDF: UnsafePointer<Float>?, dFeatures: UnsafePointer<Float>?,
                         dGradient: UnsafePointer<Float>?, dPoints: UnsafeMutablePointer<Float>? = nil) {
        let n = count, w = outputWidth, f = config.featureSize, d0 = encoding.outputDimension
        var dyPtr: UnsafePointer<Float>? = nil
        if dSDF != nil || dFeatures != nil {
            let y = dY.base
            for r in 0..<n {
                y[r * w] = dSDF?[r] ?? 0
                if let dFeatures { (y + r * w + 1).update(from: dFeatures + r * f, count: f) }
                else { (y + r * w + 1).update(repeating: 0, count: f) }
            }
            dyPtr = UnsafePointer(y)
        }
        var bg: UnsafePointer<Float>? = nil
        if let dGradient, hasGradient {
            encoding.pushforward(points.base, rows: n, tangent: dGradient, into: barGe.base, ldde: d0)
            bg = UnsafePointer(barGe.base)
        }
        let dE = mlp.backward(dY: dyPtr, barGe: bg)
        let parameters = encoding.hasParameters && mlp.accumulatesParameterGradients
        if dPoints != nil || parameters {
            encoding.pullback(points.base, rows: n, dE: dE, ldde: d0, into: dPoints, accumulate: false, parameters: parameters)
        }
        if let dGradient, hasGradient {
            encoding.secondOrder(points.base, rows: n, ge: mlp.inputGradient, ldge: d0, barG: dGradient, dX: dPoints,
                                 parameters: parameters)
        }
    }

    /// Convenience: SDF values at arbitrary many points, evaluated in chunks.
    public func evaluate(_ pts: [SIMD3<Float>], chunk: Int = 4096) -> [Float] {
        var out = [Float](repeating: 0, count: pts.count)
        var flat = [Float](repeating: 0, count: 3 * min(chunk, max(pts.count, 1)))
        var start = 0
        while start < pts.count {
            let n = min(chunk, pts.count - start)
            for i in 0..<n { flat[3 * i] = pts[start + i].x; flat[3 * i + 1] = pts[start + i].y; flat[3 * i + 2] = pts[start + i].z }
            flat.withUnsafeBufferPointer { forward(points: $0.baseAddress!, count: n, gradient: false, derivatives: false) }
            for i in 0..<n { out[start + i] = sdf(i) }
            start += n
        }
        return out
    }
}

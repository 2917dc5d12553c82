import SiderCore

/// Architecture of the rendering network g_ω (Eq. 2).
public struct RenderingNetworkConfig: Sendable, Equatable, Codable {
    /// Frequencies of φ(x) (0 = raw coordinates, as IDR).
    public var pointFrequencies: Int
    /// Frequencies of φ(v) (IDR: 4).
    public var viewFrequencies: Int
    /// Hidden widths (the paper: 4 × 512).
    public var hidden: [Int]
    /// Size of γ (must match the geometry network's).
    public var featureSize: Int
    /// Output nonlinearity: `.sigmoid` (RGB in [0,1]) or `.tanh` (IDR: RGB in [−1,1]).
    public var output: Activation
    public var weightNorm: Bool

    public init(pointFrequencies: Int = 6, viewFrequencies: Int = 4, hidden: [Int] = Array(repeating: 512, count: 4),
                featureSize: Int = 256, output: Activation = .sigmoid, weightNorm: Bool = true) {
        self.pointFrequencies = pointFrequencies; self.viewFrequencies = viewFrequencies; self.hidden = hidden
        self.featureSize = featureSize; self.output = output; self.weightNorm = weightNorm
    }

    public static let paper = RenderingNetworkConfig()
}

/// The rendering network c = g_ω(φ(x), n, φ(v), γ) → RGB (Eq. 2 and 8): an MLP with ReLU
/// hidden layers on the concatenation [φ(x), φ(v), n, γ] and a sigmoid/tanh output.
///
/// `backward(dRGB:)` accumulates ∂L/∂ω into `store.grads` and leaves ∂L/∂x, ∂L/∂n, ∂L/∂γ in
/// `dPoints`, `dNormals`, `dFeatures` — what the detail stage chains into f_θ.
public final class RenderingNetwork: @unchecked Sendable {
    public let config: RenderingNetworkConfig
    public let store = ParameterStore()
    public let mlp: MLP
    let pointEncoding: PositionalEncoding
    let viewEncoding: PositionalEncoding
    private let x = FloatBuffer(), v = FloatBuffer()
    private let dx = FloatBuffer(), dn = FloatBuffer(), dg = FloatBuffer()
    public private(set) var count = 0

    public init(config: RenderingNetworkConfig, seed: UInt64 = 0) {
        self.config = config
        pointEncoding = PositionalEncoding(frequencies: config.pointFrequencies)
        viewEncoding = PositionalEncoding(frequencies: config.viewFrequencies)
        let d0 = pointEncoding.outputDimension + viewEncoding.outputDimension + 3 + config.featureSize
        mlp = MLP(config: MLPConfig(input: d0, hidden: config.hidden, output: 3, activation: .relu,
                                    outputActivation: config.output, weightNorm: config.weightNorm),
                  name: "g", store: store)
        store.freeze()
        mlp.initialiseFanInUniform(seed: seed)
    }

    var inputWidth: Int { mlp.config.input }

    /// Evaluates RGB (N×3, `rgb`) for N points x, normals n, view directions v (each N×3) and
    /// features γ (N×F).
    public func forward(points: UnsafePointer<Float>, normals: UnsafePointer<Float>, views: UnsafePointer<Float>,
                        features: UnsafePointer<Float>, count n: Int) {
        count = n
        mlp.prepare(rows: n, inputGradient: false)
        x.reserve(3 * n); v.reserve(3 * n); dx.reserve(3 * n); dn.reserve(3 * n); dg.reserve(n * config.featureSize)
        x.base.update(from: points, count: 3 * n)
        v.base.update(from: views, count: 3 * n)
        let w = inputWidth, px = pointEncoding.outputDimension, pv = viewEncoding.outputDimension
        let e = mlp.input
        pointEncoding.encode(points, rows: n, into: e, lde: w)
        viewEncoding.encode(views, rows: n, into: e + px, lde: w)
        Elementwise.copy(rows: n, cols: 3, normals, lda: 3, into: e + px + pv, ldd: w)
        Elementwise.copy(rows: n, cols: config.featureSize, features, lda: config.featureSize,
                         into: e + px + pv + 3, ldd: w)
        mlp.forward(rows: n)
    }

    /// RGB, N×3.
    public var rgb: UnsafePointer<Float> { UnsafePointer(mlp.output) }

    /// Accumulates ∂L/∂ω for dRGB = ∂L/∂c (N×3) and computes the input gradients.
    public func backward(dRGB: UnsafePointer<Float>) {
        let n = count, w = inputWidth, px = pointEncoding.outputDimension, pv = viewEncoding.outputDimension
        let de = mlp.backward(dY: dRGB, barGe: nil)
        pointEncoding.pullback(x.base, rows: n, dE: de, ldde: w, into: dx.base, accumulate: false, parameters: false)
        Elementwise.copy(rows: n, cols: 3, de + px + pv, lda: w, into: dn.base, ldd: 3)
        Elementwise.copy(rows: n, cols: config.featureSize, de + px + pv + 3, lda: w, into: dg.base,
                         ldd: config.featureSize)
    }

    /// ∂L/∂x (N×3), ∂L/∂n (N×3), ∂L/∂γ (N×F) after `backward`.
    public var dPoints: UnsafePointer<Float> { UnsafePointer(dx.base) }
    public var dNormals: UnsafePointer<Float> { UnsafePointer(dn.base) }
    public var dFeatures: UnsafePointer<Float> { UnsafePointer(dg.base) }
}

import SiderCore

/// Architecture of a colour field a(x) (an albedo): its bandwidth is set by the encoding.
public struct ColorFieldConfig: Sendable, Equatable, Codable {
    /// Frequencies L of φ(x) (NeRF/IDR positional encoding, highest 2^{L−1} per normalised unit).
    public var frequencies: Int
    /// Hidden widths (ReLU).
    public var hidden: [Int]

    public init(frequencies: Int, hidden: [Int]) {
        self.frequencies = frequencies
        self.hidden = hidden
    }
}

/// A colour field a(x) = sigmoid(MLP(φ(x))) ∈ (0, 1)³ over points x in the normalised frame: a
/// surface's albedo, of limited bandwidth by its encoding φ.
///
/// `backward(dRGB:)` accumulates ∂L/∂ω into `store.grads` (unless
/// `mlp.accumulatesParameterGradients` is off) and leaves ∂L/∂x in `dPoints`.
public final class ColorField: @unchecked Sendable {
    public let config: ColorFieldConfig
    public let store = ParameterStore()
    public let mlp: MLP
    let encoding: PositionalEncoding
    private let x = FloatBuffer(), dx = FloatBuffer()
    public private(set) var count = 0

    public init(config: ColorFieldConfig, name: String = "a", seed: UInt64 = 0) {
        self.config = config
        encoding = PositionalEncoding(frequencies: config.frequencies)
        mlp = MLP(config: MLPConfig(input: encoding.outputDimension, hidden: config.hidden, output: 3, activation: .relu,
                                    outputActivation: .sigmoid, weightNorm: false),
                  name: name, store: store)
        store.freeze()
        mlp.initialiseFanInUniform(seed: seed)
    }

    /// Evaluates a (N×3, `rgb`) at N points (N×3).
    public func forward(points: UnsafePointer<Float>, count n: Int) {
        count = n
        mlp.prepare(rows: n, inputGradient: false)
        x.reserve(3 * n); dx.reserve(3 * n)
        x.base.update(from: points, count: 3 * n)
        encoding.encode(points, rows: n, into: mlp.input, lde: encoding.outputDimension)
        mlp.forward(rows: n)
    }

    public var rgb: UnsafePointer<Float> { UnsafePointer(mlp.output) }

    /// Accumulates ∂L/∂ω for dRGB = ∂L/∂a (N×3) and computes ∂L/∂x.
    public func backward(dRGB: UnsafePointer<Float>) {
        let de = mlp.backward(dY: dRGB, barGe: nil)
        encoding.pullback(x.base, rows: count, dE: de, ldde: encoding.outputDimension, into: dx.base,
                          accumulate: false, parameters: false)
    }

    /// ∂L/∂x (N×3) after `backward`.
    public var dPoints: UnsafePointer<Float> { UnsafePointer(dx.base) }
}

import SiderCore

/// A term of the detail objective (Eq. 10 and its priors) that acts on the rendered colours.
public protocol ColorLossTerm: Sendable {
    var name: String { get }
    var weight: Float { get }
    /// Its value (unweighted) and ∂(weight·value)/∂c per hit.
    func evaluate(colors: [SIMD3<Float>], targets: [SIMD3<Float>]) -> (value: Float, dColors: [SIMD3<Float>])
}

/// A term that acts on the intrinsic shader's skin albedo a_s at the hits (a prior on g_ω).
public protocol AlbedoLossTerm: Sendable {
    var name: String { get }
    var weight: Float { get }
    /// Its value (unweighted) and ∂(weight·value)/∂a_s per hit, for a_s and the skin
    /// confidence m at each hit.
    func evaluate(albedo: [SIMD3<Float>], skin: [Float]) -> (value: Float, dAlbedo: [SIMD3<Float>])
}

/// A term that acts on f_θ at points. Every iteration runs one f_θ forward pass over a
/// `PointBatch`: the hit points x̂ first, then the regulariser points 𝒫ᵦ, then each term's own
/// points (`extraPoints`); each term reads its rows and adds its derivatives there.
public protocol GeometryLossTerm: Sendable {
    var name: String { get }
    var weight: Float { get }
    /// Points this term needs beyond x̂ and 𝒫ᵦ (drawn from the run's RNG, which `rng` is).
    func extraPoints(_ context: GeometryTermContext, rng: inout SeededGenerator) -> [SIMD3<Float>]
    /// Its value (unweighted); adds weight·∂value/∂f and weight·∂value/∂(∇ₓf) into the rows.
    func accumulate(_ eval: GeometryEvaluation, extra: Range<Int>, context: GeometryTermContext,
                    dSDF: inout [Float], dGradients: inout [SIMD3<Float>]) -> Float
}

extension GeometryLossTerm {
    /// By default a term reads only the shared rows (x̂, 𝒫ᵦ).
    public func extraPoints(_ context: GeometryTermContext, rng: inout SeededGenerator) -> [SIMD3<Float>] { [] }
}

/// The shared rows of one iteration's f_θ pass.
public struct GeometryTermContext: Sendable {
    /// x̂ of the rays that hit (rows `hits`).
    public var hitPoints: [SIMD3<Float>]
    public var hits: Range<Int>
    /// 𝒫ᵦ (rows `regularizer`) and SDF_GT there.
    public var regularizer: Range<Int>
    public var regularizerTargets: [Float]
    /// Camera-space length of one normalised unit (`CoarseFrame.scale`): residuals are divided
    /// by it so that weights do not depend on the scene's units.
    public var lengthUnit: Float

    public init(hitPoints: [SIMD3<Float>], hits: Range<Int>, regularizer: Range<Int>, regularizerTargets: [Float],
                lengthUnit: Float) {
        self.hitPoints = hitPoints; self.hits = hits; self.regularizer = regularizer
        self.regularizerTargets = regularizerTargets; self.lengthUnit = lengthUnit
    }
}

/// Points of one f_θ pass, as row ranges.
public struct PointBatch: Sendable {
    public private(set) var points: [SIMD3<Float>] = []
    public init() {}
    public mutating func append(_ p: [SIMD3<Float>]) -> Range<Int> {
        let start = points.count
        points += p
        return start..<points.count
    }
}

/// The options of one configured term (`detail.losses.NAME`): `weight` and the term's own keys.
/// Reading a key that is missing, or leaving one unread, is an error naming it.
public struct LossTermOptions {
    public let name: String
    private let values: [String: Float]
    private var read: Set<String> = []

    init(name: String, values: [String: Float]) {
        self.name = name
        self.values = values
    }

    public mutating func value(_ key: String, in range: ClosedRange<Float> = 0...Float.greatestFiniteMagnitude) throws -> Float {
        guard let v = values[key] else { throw SiderError(.badInput, "config: detail.losses.\(name) needs \"\(key)\"") }
        guard v.isFinite, range.contains(v) else {
            throw SiderError(.badInput, "config: detail.losses.\(name).\(key) = \(v) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        read.insert(key)
        return v
    }

    /// The value of an optional key (nil when absent), range-checked like `value`.
    public mutating func optionalValue(_ key: String, in range: ClosedRange<Float> = 0...Float.greatestFiniteMagnitude) throws -> Float? {
        values[key] == nil ? nil : try value(key, in: range)
    }

    public mutating func count(_ key: String) throws -> Int {
        let v = try value(key, in: 1...1e7)
        guard v == v.rounded() else { throw SiderError(.badInput, "config: detail.losses.\(name).\(key) must be a whole number") }
        return Int(v)
    }

    func finish() throws {
        if let unknown = Set(values.keys).subtracting(read).sorted().first {
            throw SiderError(.badInput, "config: unknown key detail.losses.\(name).\(unknown)")
        }
    }
}

/// The terms a config can name, in the order they are summed. A new term is a new file with
/// its type and one line here.
public enum LossTerms {
    enum Maker: Sendable {
        case color(@Sendable (inout LossTermOptions) throws -> any ColorLossTerm)
        case geometry(@Sendable (inout LossTermOptions) throws -> any GeometryLossTerm)
        case albedo(@Sendable (inout LossTermOptions) throws -> any AlbedoLossTerm)
    }

    static let registry: [(name: String, make: Maker)] = [
        ("photometric", .color { try PhotometricL1(options: &$0) }),
        ("photometricSmooth", .color { try PhotometricCharbonnier(options: &$0) }),
        ("sdf", .geometry { try SDFAgreement(options: &$0) }),
        ("eikonal", .geometry { try Eikonal(options: &$0) }),
        ("smoothness", .geometry { try NormalSmoothness(options: &$0) }),
        ("albedoChroma", .albedo { try AlbedoChromaticity(options: &$0) }),
        ("albedoLightness", .albedo { try AlbedoLightness(options: &$0) }),
    ]

    public static var names: [String] { registry.map(\.name) }

    /// The configured terms with a weight above 0 (a weight of 0 turns a term off), in registry order.
    public static func make(_ config: [String: [String: Float]]) throws
        -> (color: [any ColorLossTerm], geometry: [any GeometryLossTerm], albedo: [any AlbedoLossTerm]) {
        if let unknown = Set(config.keys).subtracting(names).sorted().first {
            throw SiderError(.badInput, "config: unknown loss term detail.losses.\(unknown) (known: \(names.joined(separator: ", ")))")
        }
        var color: [any ColorLossTerm] = [], geometry: [any GeometryLossTerm] = [], albedo: [any AlbedoLossTerm] = []
        for (name, maker) in registry {
            guard let values = config[name] else { continue }
            var options = LossTermOptions(name: name, values: values)
            switch maker {
            case .color(let make):
                let term = try make(&options)
                try options.finish()
                if term.weight > 0 { color.append(term) }
            case .geometry(let make):
                let term = try make(&options)
                try options.finish()
                if term.weight > 0 { geometry.append(term) }
            case .albedo(let make):
                let term = try make(&options)
                try options.finish()
                if term.weight > 0 { albedo.append(term) }
            }
        }
        guard !color.isEmpty else { throw SiderError(.badInput, "config: detail.losses needs a colour term (photometric or photometricSmooth) with a weight above 0") }
        return (color, geometry, albedo)
    }
}

@inline(__always) func sign(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }

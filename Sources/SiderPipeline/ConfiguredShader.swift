import NeuralFields

/// The detail stage's g_ω as the config chooses it (`ShaderConfig`): the paper's network
/// (`NetworkShader`) or the intrinsic shader (`IntrinsicShader`), behind one concrete type.
public final class ConfiguredShader: DifferentiableShader {
    public let base: any DifferentiableShader
    public var network: NetworkShader? { base as? NetworkShader }
    public var intrinsic: IntrinsicShader? { base as? IntrinsicShader }

    public init(_ base: any DifferentiableShader) { self.base = base }

    /// The shader of `config`, with its initial weights from `seeds`; `skinConfidence` per crop
    /// pixel (the intrinsic shader's m, nil: 1).
    public convenience init(config: ShaderConfig, frame: CoarseFrame, seeds: SeedPlan, skinConfidence: [Float]?) {
        if let intrinsic = config.intrinsic {
            self.init(IntrinsicShader(config: intrinsic, frame: frame, skinConfidence: skinConfidence,
                                      seed: seeds.shader, detailSeed: seeds.albedoDetail))
        } else {
            // ConfigValidation guarantees exactly one of the two.
            self.init(NetworkShader(network: RenderingNetwork(config: config.network!, seed: seeds.shader), frame: frame))
        }
    }

    public var parameterGroups: [any ParameterGroup] { base.parameterGroups }
    public var featureCount: Int { base.featureCount }

    public func forward(points: [SIMD3<Float>], normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>],
                        features: [Float], pixels: [Int32]) -> [SIMD3<Float>] {
        base.forward(points: points, normals: normals, viewDirections: viewDirections, features: features, pixels: pixels)
    }

    public func backward(dColors: [SIMD3<Float>]) -> ShadingInputGradients { base.backward(dColors: dColors) }
}

extension DifferentiableShader {
    /// The intrinsic shader this is, or that a `ConfiguredShader` wraps (nil for g_ω's network).
    public var intrinsicShader: IntrinsicShader? {
        (self as? ConfiguredShader)?.intrinsic ?? (self as? IntrinsicShader)
    }
}

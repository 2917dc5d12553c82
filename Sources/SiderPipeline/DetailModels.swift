/// What f_θ evaluates at a batch of points: SDF values, the feature vectors γ (row-major,
/// `count × featureCount`) and the spatial gradients ∇ₓf.
public struct GeometryEvaluation: Sendable {
    public var sdf: [Float]
    public var features: [Float]
    public var gradients: [SIMD3<Float>]

    public init(sdf: [Float], features: [Float], gradients: [SIMD3<Float>]) {
        self.sdf = sdf
        self.features = features
        self.gradients = gradients
    }
}

/// f_θ as the detail stage uses it (Eq. 1): x ↦ (f(x), γ(x)), with ∇ₓf(x).
///
/// `backward` differentiates the last `forward`: given ∂L/∂f, ∂L/∂γ and ∂L/∂(∇ₓf) per point
/// (nil = zero), it adds ∂L/∂θ into the model's gradients and returns ∂L/∂x per point (which
/// includes the Hessian term (∇ₓ∇ₓf)ᵀ·∂L/∂(∇ₓf)).
public protocol DifferentiableSDF: BatchedSDF, TrainableModel {
    var featureCount: Int { get }
    func forward(_ points: [SIMD3<Float>]) -> GeometryEvaluation
    func backward(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) -> [SIMD3<Float>]
    /// `backward` when ∂L/∂x is not wanted: only ∂L/∂θ is added, and a model may skip what it
    /// computes only for ∂L/∂x (a frozen network skips its whole backward pass).
    func accumulateParameterGradients(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?)
}

extension DifferentiableSDF {
    public func accumulateParameterGradients(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) {
        _ = backward(dSDF: dSDF, dFeatures: dFeatures, dGradients: dGradients)
    }
}

/// The gradients g_ω's backward returns for each input of Eq. 8.
public struct ShadingInputGradients: Sendable {
    public var points: [SIMD3<Float>]
    public var normals: [SIMD3<Float>]
    public var features: [Float]

    public init(points: [SIMD3<Float>], normals: [SIMD3<Float>], features: [Float]) {
        self.points = points
        self.normals = normals
        self.features = features
    }
}

/// g_ω as the detail stage uses it (Eq. 8): (x̂, n, v, γ) ↦ RGB; positional encodings φ are the
/// model's business. `pixels` are the crop pixels the points are seen through (a shader may
/// read per-pixel data of the photo there, as the intrinsic shader's skin confidence).
/// `backward` differentiates the last `forward`, adds ∂L/∂ω into the model's gradients and
/// returns ∂L/∂x̂, ∂L/∂n, ∂L/∂γ.
public protocol DifferentiableShader: TrainableModel {
    var featureCount: Int { get }
    func forward(points: [SIMD3<Float>], normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>],
                 features: [Float], pixels: [Int32]) -> [SIMD3<Float>]
    func backward(dColors: [SIMD3<Float>]) -> ShadingInputGradients
}

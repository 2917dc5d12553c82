/// f_θ as the detail stage refines it: the coarse stage's network f_c, optionally plus a detail
/// field δ that starts at zero,
///   f_θ(x) = f_c(x) + δ(x),   γ(x) = γ_c(x),   ∇ₓf_θ = ∇ₓf_c + ∇ₓδ,
/// with θ = (θ_c, θ_δ). Without δ this is f_c itself (the paper's Sect. 3.3, which refines the
/// coarse network). With δ (`DetailPreset.detailField`), the high frequencies the photo asks for
/// live in δ's encoding while γ, which g_ω can use to paint the image, stays the smooth coarse
/// one: shading finer than g_ω's spatial inputs can only be explained by the normals.
/// θ_c learns at `coarseLearningRateScale` × θ_δ's rate (0 freezes f_c).
///
/// Checkpoint tensors: f_c's under their own names (so files written before δ existed resume),
/// δ's prefixed "delta.".
public final class RefinedGeometry: DifferentiableSDF {
    public let coarse: NetworkGeometry
    public let detail: NetworkGeometry?
    /// θ_c's rate as a multiple of θ_δ's; at 0 (with δ) f_c is frozen and its backward pass
    /// skips its parameter gradients (it still passes ∂L/∂x).
    public var coarseLearningRateScale: Float {
        didSet { coarse.network.mlp.accumulatesParameterGradients = !isCoarseFrozen }
    }

    public init(coarse: NetworkGeometry, detail: NetworkGeometry? = nil, coarseLearningRateScale: Float = 1) {
        self.coarse = coarse
        self.detail = detail
        self.coarseLearningRateScale = coarseLearningRateScale
        coarse.network.mlp.accumulatesParameterGradients = !isCoarseFrozen
    }

    private var isCoarseFrozen: Bool { detail != nil && coarseLearningRateScale == 0 }

    public var featureCount: Int { coarse.featureCount }

    public func sdf(_ points: [SIMD3<Float>]) -> [Float] {
        var f = coarse.sdf(points)
        if let detail {
            let d = detail.sdf(points)
            for i in f.indices { f[i] += d[i] }
        }
        return f
    }

    public func forward(_ points: [SIMD3<Float>]) -> GeometryEvaluation {
        var e = coarse.forward(points)
        if let detail {
            let d = detail.forward(points)
            for i in e.sdf.indices {
                e.sdf[i] += d.sdf[i]
                e.gradients[i] += d.gradients[i]
            }
        }
        return e
    }

    public func backward(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) -> [SIMD3<Float>] {
        var dx = coarse.backward(dSDF: dSDF, dFeatures: dFeatures, dGradients: dGradients)
        if let detail {
            let d = detail.backward(dSDF: dSDF, dFeatures: nil, dGradients: dGradients)
            for i in dx.indices { dx[i] += d[i] }
        }
        return dx
    }

    public func zeroGradients() {
        coarse.zeroGradients()
        detail?.zeroGradients()
    }

    public func step(learningRate: Float) {
        guard let detail else { coarse.step(learningRate: learningRate); return }
        detail.step(learningRate: learningRate)
        if !isCoarseFrozen { coarse.step(learningRate: learningRate * coarseLearningRateScale) }
    }

    public var gradientsAreFinite: Bool { coarse.gradientsAreFinite && (detail?.gradientsAreFinite ?? true) }

    public func stateTensors() -> [(name: String, values: [Float])] {
        coarse.stateTensors() + Self.prefixed(detail?.stateTensors())
    }

    public func weightTensors() -> [(name: String, values: [Float])] {
        coarse.weightTensors() + Self.prefixed(detail?.weightTensors())
    }

    public func restoreState(_ tensors: [(name: String, values: [Float])]) throws {
        try coarse.restoreState(tensors.filter { !$0.name.hasPrefix(Self.detailPrefix) })
        if let detail {
            try detail.restoreState(tensors.filter { $0.name.hasPrefix(Self.detailPrefix) }
                .map { (String($0.name.dropFirst(Self.detailPrefix.count)), $0.values) })
        }
    }

    private static let detailPrefix = "delta."

    private static func prefixed(_ tensors: [(name: String, values: [Float])]?) -> [(name: String, values: [Float])] {
        (tensors ?? []).map { (detailPrefix + $0.name, $0.values) }
    }
}

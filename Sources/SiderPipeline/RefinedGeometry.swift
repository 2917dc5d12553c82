/// f_θ as the detail stage refines it: the coarse stage's network f_c, optionally plus a detail
/// field δ that starts at zero,
///   f_θ(x) = f_c(x) + δ(x),   γ(x) = γ_c(x),   ∇ₓf_θ = ∇ₓf_c + ∇ₓδ,
/// with θ = (θ_c, θ_δ). Without δ this is f_c itself (the paper's Sect. 3.3 refines the coarse
/// network). With δ the high frequencies the photo asks for live in δ's encoding while γ, which
/// g_ω reads, stays the smooth coarse one. f_c is the coarse stage's network (group "f_c") or
/// the prior's own distance field (`PriorDistanceField`, no parameters); δ a network or a height
/// field over the crop (`HeightFieldDetail`), group "delta" either way.
public final class RefinedGeometry: DifferentiableSDF {
    public let coarse: any DifferentiableSDF
    public let detail: (any DifferentiableSDF)?

    public init(coarse: any DifferentiableSDF, detail: (any DifferentiableSDF)? = nil) {
        self.coarse = coarse
        self.detail = detail
    }

    /// f_c as a network (nil: the prior's distance field).
    public var coarseNetwork: NetworkGeometry? { coarse as? NetworkGeometry }

    /// δ as a network (nil: none, or a height field).
    public var detailNetwork: NetworkGeometry? { detail as? NetworkGeometry }

    /// Whether f_c stays as the coarse stage left it: no parameters, or all of them frozen.
    public var coarseIsFixed: Bool { coarse.parameterGroups.allSatisfy(\.isFrozen) }

    public var parameterGroups: [any ParameterGroup] { coarse.parameterGroups + (detail?.parameterGroups ?? []) }

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

    public func accumulateParameterGradients(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) {
        coarse.accumulateParameterGradients(dSDF: dSDF, dFeatures: dFeatures, dGradients: dGradients)
        detail?.accumulateParameterGradients(dSDF: dSDF, dFeatures: nil, dGradients: dGradients)
    }
}

import SiderCore
import NeuralFields

/// f_θ (NeuralFields.SDFNetwork) seen in camera coordinates through the coarse stage's frame
/// (x_n = (x − c)/s, the face inside the unit sphere):
/// F(x) = s·f((x − c)/s), γ(x) = γ_f((x − c)/s), ∇ₓF = ∇_y f.
/// One parameter group, named `group` ("f_c" for the coarse network, "delta" for δ).
public final class NetworkGeometry: DifferentiableSDF {
    public let network: SDFNetwork
    public let frame: CoarseFrame
    public let group: NetworkParameterGroup

    public init(network: SDFNetwork, frame: CoarseFrame, group name: String) {
        self.network = network
        self.frame = frame
        group = NetworkParameterGroup(name: name, store: network.store) { [network] in
            network.mlp.accumulatesParameterGradients = $0
        }
    }

    public var parameterGroups: [any ParameterGroup] { [group] }

    public var featureCount: Int { network.config.featureSize }

    public func sdf(_ points: [SIMD3<Float>]) -> [Float] {
        network.evaluate(points.map(frame.normalised)).map { $0 * frame.scale }
    }

    public func forward(_ points: [SIMD3<Float>]) -> GeometryEvaluation {
        let n = points.count
        guard n > 0 else { return GeometryEvaluation(sdf: [], features: [], gradients: []) }
        let flat = points.flattened(frame.normalised)
        flat.withUnsafeBufferPointer { network.forward(points: $0.baseAddress!, count: n, gradient: true) }
        let w = network.outputWidth, fc = featureCount, out = network.outputs
        var sdf = [Float](repeating: 0, count: n), features = [Float](repeating: 0, count: n * fc)
        for i in 0..<n {
            sdf[i] = out[i * w] * frame.scale
            for j in 0..<fc { features[i * fc + j] = out[i * w + 1 + j] }
        }
        return GeometryEvaluation(sdf: sdf, features: features, gradients: unflattened(network.gradient, count: n))
    }

    public func backward(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) -> [SIMD3<Float>] {
        let n = network.count
        guard n > 0 else { return [] }
        let dS = dSDF?.map { $0 * frame.scale }
        let dG = dGradients?.flattened()
        var dx = [Float](repeating: 0, count: 3 * n)
        withOptionalPointer(dS) { ps in
            withOptionalPointer(dFeatures) { pf in
                withOptionalPointer(dG) { pg in
                    dx.withUnsafeMutableBufferPointer { network.backward(dSDF: ps, dFeatures: pf, dGradient: pg, dPoints: $0.baseAddress) }
                }
            }
        }
        return dx.withUnsafeBufferPointer { unflattened($0.baseAddress!, count: n, factor: 1 / frame.scale) }
    }

    /// A frozen network has no parameter gradients to add: nothing to do.
    public func accumulateParameterGradients(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) {
        guard !group.isFrozen else { return }
        _ = backward(dSDF: dSDF, dFeatures: dFeatures, dGradients: dGradients)
    }
}

/// g_ω (NeuralFields.RenderingNetwork) with its point input in the same normalised frame; one
/// parameter group, "g".
public final class NetworkShader: DifferentiableShader {
    public let network: RenderingNetwork
    public let frame: CoarseFrame
    public let group: NetworkParameterGroup
    private var count = 0

    public init(network: RenderingNetwork, frame: CoarseFrame) {
        self.network = network
        self.frame = frame
        group = NetworkParameterGroup(name: "g", store: network.store)
    }

    public var parameterGroups: [any ParameterGroup] { [group] }

    public var featureCount: Int { network.config.featureSize }

    public func forward(points: [SIMD3<Float>], normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>],
                        features: [Float], pixels: [Int32]) -> [SIMD3<Float>] {
        count = points.count
        guard count > 0 else { return [] }
        let x = points.flattened(frame.normalised), n = normals.flattened(), v = viewDirections.flattened()
        x.withUnsafeBufferPointer { px in n.withUnsafeBufferPointer { pn in v.withUnsafeBufferPointer { pv in
            features.withUnsafeBufferPointer { pf in
                network.forward(points: px.baseAddress!, normals: pn.baseAddress!, views: pv.baseAddress!,
                                features: pf.baseAddress ?? px.baseAddress!, count: count)
            }
        } } }
        return unflattened(network.rgb, count: count)
    }

    public func backward(dColors: [SIMD3<Float>]) -> ShadingInputGradients {
        guard count > 0 else { return ShadingInputGradients(points: [], normals: [], features: []) }
        let d = dColors.flattened()
        d.withUnsafeBufferPointer { network.backward(dRGB: $0.baseAddress!) }
        let fc = featureCount
        return ShadingInputGradients(points: unflattened(network.dPoints, count: count, factor: 1 / frame.scale),
                                     normals: unflattened(network.dNormals, count: count),
                                     features: Array(UnsafeBufferPointer(start: network.dFeatures, count: count * fc)))
    }

}

/// Calls `body` with a pointer to `array`'s storage, or nil when `array` is nil.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

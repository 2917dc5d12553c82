import SiderCore
import NeuralFields

/// Adam on one network's `ParameterStore`, shared by the two adapters below.
///
/// Checkpoints hold the weights; Adam's moments are not exposed by NeuralFields.Adam, so a resumed
/// run restarts them (its state after resuming differs from an uninterrupted run's by that).
struct NetworkTraining {
    let store: ParameterStore
    let adam: Adam

    init(store: ParameterStore) {
        self.store = store
        adam = Adam(store: store)
    }

    func zeroGradients() { store.zeroGrads() }

    func step(learningRate: Float) {
        adam.learningRate = learningRate
        adam.step()
    }

    var gradientsAreFinite: Bool {
        let g = store.grads
        for i in 0..<store.count where !g[i].isFinite { return false }
        return true
    }

    func stateTensors() -> [(name: String, values: [Float])] { [("weights", store.valueArray)] }

    func restoreState(_ tensors: [(name: String, values: [Float])]) throws {
        guard let w = tensors.first(where: { $0.name == "weights" })?.values, w.count == store.count else {
            throw SiderError(.badInput, "checkpoint does not match the network (weights missing or of the wrong size)")
        }
        w.withUnsafeBufferPointer { store.values.update(from: $0.baseAddress!, count: w.count) }
        store.markChanged()
    }
}

/// f_θ (NeuralFields.SDFNetwork) seen in camera coordinates through the coarse stage's frame
/// (x_n = (x − c)/s, the face inside the unit sphere):
/// F(x) = s·f((x − c)/s), γ(x) = γ_f((x − c)/s), ∇ₓF = ∇_y f.
public final class NetworkGeometry: DifferentiableSDF {
    public let network: SDFNetwork
    public let frame: CoarseFrame
    let training: NetworkTraining

    public init(network: SDFNetwork, frame: CoarseFrame) {
        self.network = network
        self.frame = frame
        training = NetworkTraining(store: network.store)
    }

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

    public func zeroGradients() { training.zeroGradients() }
    public func step(learningRate: Float) { training.step(learningRate: learningRate) }
    public var gradientsAreFinite: Bool { training.gradientsAreFinite }
    public func stateTensors() -> [(name: String, values: [Float])] { training.stateTensors() }
    public func restoreState(_ t: [(name: String, values: [Float])]) throws { try training.restoreState(t) }
}

/// g_ω (NeuralFields.RenderingNetwork) with its point input in the same normalised frame.
public final class NetworkShader: DifferentiableShader {
    public let network: RenderingNetwork
    public let frame: CoarseFrame
    let training: NetworkTraining
    private var count = 0

    public init(network: RenderingNetwork, frame: CoarseFrame) {
        self.network = network
        self.frame = frame
        training = NetworkTraining(store: network.store)
    }

    public var featureCount: Int { network.config.featureSize }

    public func forward(points: [SIMD3<Float>], normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>],
                        features: [Float]) -> [SIMD3<Float>] {
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

    public func zeroGradients() { training.zeroGradients() }
    public func step(learningRate: Float) { training.step(learningRate: learningRate) }
    public var gradientsAreFinite: Bool { training.gradientsAreFinite }
    public func stateTensors() -> [(name: String, values: [Float])] { training.stateTensors() }
    public func restoreState(_ t: [(name: String, values: [Float])]) throws { try training.restoreState(t) }
}

/// Calls `body` with a pointer to `array`'s storage, or nil when `array` is nil.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

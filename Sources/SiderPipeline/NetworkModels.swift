import SiderCore
import NeuralFields

/// Adam on one network's `ParameterStore`, shared by the two adapters below.
///
/// Its resumable state is the weights and Adam's (t, m, v), as the tensors "weights",
/// "adam.m", "adam.v" and "adam.steps" (t as one Float, exact below 2²⁴ steps): restoring them
/// continues a run exactly where it stopped. Everything else the networks hold (weight-norm
/// materialisation, grid-encoding cell caches, workspaces) is derived from the weights or the
/// current batch and rebuilt by the next forward pass.
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

    func weightTensors() -> [(name: String, values: [Float])] { [("weights", store.valueArray)] }

    func stateTensors() -> [(name: String, values: [Float])] {
        let a = adam.state
        return weightTensors() + [("adam.m", a.m), ("adam.v", a.v), ("adam.steps", [Float(a.steps)])]
    }

    /// Restores the weights and, when the tensors hold them, Adam's state; weights alone (the NaN
    /// guard's last good state, or a checkpoint written before Adam's state was saved) leave Adam
    /// as it is.
    func restoreState(_ tensors: [(name: String, values: [Float])]) throws {
        func tensor(_ name: String) -> [Float]? { tensors.first { $0.name == name }?.values }
        guard let w = tensor("weights"), w.count == store.count else {
            throw SiderError(.badInput, "checkpoint does not match the network (weights missing or of the wrong size)")
        }
        if let m = tensor("adam.m"), let v = tensor("adam.v"), let t = tensor("adam.steps") {
            guard t.count == 1, let steps = Int(exactly: t[0]) else {
                throw SiderError(.badInput, "checkpoint's Adam step count is damaged")
            }
            try adam.restore(Adam.State(steps: steps, m: m, v: v))
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
    public func weightTensors() -> [(name: String, values: [Float])] { training.weightTensors() }
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
    public func weightTensors() -> [(name: String, values: [Float])] { training.weightTensors() }
    public func restoreState(_ t: [(name: String, values: [Float])]) throws { try training.restoreState(t) }
}

/// Calls `body` with a pointer to `array`'s storage, or nil when `array` is nil.
func withOptionalPointer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

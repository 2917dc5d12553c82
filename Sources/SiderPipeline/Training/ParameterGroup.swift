import SiderCore
import NeuralFields

/// One separately trainable part of a model (a network's parameters with their Adam state),
/// named in the model's parameter tree: f_θ's "f_c" and "delta", g_ω's "g".
///
/// A model is a list of groups (`TrainableModel`); the optimiser steps each group that the
/// config leaves trainable, and a checkpoint stores every group's tensors as "NAME.TENSOR".
public protocol ParameterGroup: AnyObject {
    var name: String { get }
    /// A frozen group is never stepped; a network group also stops accumulating its parameter
    /// gradients (its backward still passes ∂L/∂x).
    var isFrozen: Bool { get set }
    func zeroGradients()
    /// One Adam step with the accumulated gradients.
    func step(learningRate: Float)
    var gradientsAreFinite: Bool { get }
    /// Weights and optimiser moments, everything a resumed run needs.
    func stateTensors() -> [(name: String, values: [Float])]
    /// The weights alone (what the NaN guard rolls back to; restoring them leaves Adam as it is).
    func weightTensors() -> [(name: String, values: [Float])]
    /// Restores `stateTensors()` or `weightTensors()` output; throws on a mismatch.
    func restoreState(_ tensors: [(name: String, values: [Float])]) throws
}

/// Something with parameter groups.
public protocol TrainableModel: AnyObject {
    var parameterGroups: [any ParameterGroup] { get }
}

/// A network's `ParameterStore` with its Adam: tensors "weights", "adam.m", "adam.v",
/// "adam.steps" (t as one Float, exact below 2²⁴ steps). Everything else a network holds
/// (weight-norm materialisation, caches, workspaces) is derived from the weights.
public final class NetworkParameterGroup: ParameterGroup {
    public let name: String
    let store: ParameterStore
    let adam: Adam
    private let setAccumulates: (Bool) -> Void

    public var isFrozen = false { didSet { setAccumulates(!isFrozen) } }

    init(name: String, store: ParameterStore, setAccumulates: @escaping (Bool) -> Void = { _ in }) {
        self.name = name
        self.store = store
        self.setAccumulates = setAccumulates
        adam = Adam(store: store)
    }

    public func zeroGradients() { store.zeroGrads() }

    public func step(learningRate: Float) {
        adam.learningRate = learningRate
        adam.step()
    }

    public var gradientsAreFinite: Bool {
        let g = store.grads
        for i in 0..<store.count where !g[i].isFinite { return false }
        return true
    }

    public func weightTensors() -> [(name: String, values: [Float])] { [("weights", store.valueArray)] }

    public func stateTensors() -> [(name: String, values: [Float])] {
        let a = adam.state
        return weightTensors() + [("adam.m", a.m), ("adam.v", a.v), ("adam.steps", [Float(a.steps)])]
    }

    public func restoreState(_ tensors: [(name: String, values: [Float])]) throws {
        func tensor(_ key: String) -> [Float]? { tensors.first { $0.name == key }?.values }
        guard let w = tensor("weights"), w.count == store.count else {
            throw SiderError(.badInput, "checkpoint does not match the network \(name) (weights missing or of the wrong size)")
        }
        let adamTensors = (tensor("adam.m"), tensor("adam.v"), tensor("adam.steps"))
        if case let (m?, v?, t?) = adamTensors {
            guard t.count == 1, let steps = Int(exactly: t[0]) else {
                throw SiderError(.badInput, "checkpoint's Adam step count of \(name) is damaged")
            }
            try adam.restore(Adam.State(steps: steps, m: m, v: v))
        } else if tensors.count != 1 {
            throw SiderError(.badInput, "checkpoint's Adam state of \(name) is incomplete")
        }
        w.withUnsafeBufferPointer { store.values.update(from: $0.baseAddress!, count: w.count) }
        store.markChanged()
    }
}

extension TrainableModel {
    /// Every group's full state as "GROUP.TENSOR" (or its weights only).
    public func namedTensors(weightsOnly: Bool) -> [(name: String, values: [Float])] {
        parameterGroups.flatMap { g in
            (weightsOnly ? g.weightTensors() : g.stateTensors()).map { (g.name + "." + $0.name, $0.values) }
        }
    }

    /// Restores what `namedTensors` wrote; every group must be present.
    public func restoreNamedTensors(_ tensors: [(name: String, values: [Float])]) throws {
        for g in parameterGroups {
            let prefix = g.name + "."
            let mine = tensors.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.values) }
            guard !mine.isEmpty else { throw SiderError(.badInput, "checkpoint has no tensors of the parameter group \(g.name)") }
            try g.restoreState(mine)
        }
    }

    public func zeroGradients() { parameterGroups.forEach { $0.zeroGradients() } }
    public var gradientsAreFinite: Bool { parameterGroups.allSatisfy(\.gradientsAreFinite) }
}

import Foundation
import SiderCore

/// Accumulated wall time of one operator type over the profiled invocations.
public struct OperatorTiming: Sendable, CustomStringConvertible {
    public let name: String
    /// Number of node executions timed.
    public let count: Int
    public let milliseconds: Double
    /// Sum over the nodes of each node's fastest run: a per-invocation figure robust to a busy machine.
    public let fastestMilliseconds: Double

    public var description: String { "\(name): \(String(format: "%.2f", milliseconds)) ms over \(count) runs" }
}

/// Runs a `TFLiteModel` on float32 NHWC inputs on the CPU.
///
/// Creation plans the graph once (constants decoded and folded, weights re-laid-out for GEMM,
/// buffers assigned by liveness, see `GraphPlan`), so `invoke` allocates only the returned
/// arrays. Creation throws `.unsupported` naming the first operator it cannot run.
/// `invoke` is serialised by a lock, so one interpreter may be shared between threads.
///
/// Threads: depthwise rows and im2col rows go through `parallelFor` (SIDER_THREADS cores),
/// GEMMs run on one OpenBLAS thread (`BLAS.singleThreaded`), so that outputs are bit-identical
/// on any machine (OpenBLAS's sums depend on its thread count). On the shared 2-core machine
/// OpenBLAS's threads did not pay measurably (the models take 3–10 ms on one core).
public final class Interpreter: @unchecked Sendable {
    public let model: TFLiteModel
    private let plan: GraphPlan
    private let lock = NSLock()
    /// Per kernel: (runs timed, total seconds, fastest run's seconds).
    private var timings: [(count: Int, seconds: Double, fastest: Double)]

    private var profiling = false

    /// When true, `invoke` times every operator (see `operatorTimings`).
    public var profilingEnabled: Bool {
        get { lock.lock(); defer { lock.unlock() }; return profiling }
        set { lock.lock(); profiling = newValue; lock.unlock() }
    }

    public init(model: TFLiteModel) throws {
        self.model = model
        plan = try GraphPlan(model: model)
        timings = Array(repeating: (0, 0, .infinity), count: plan.kernels.count)
    }

    /// Runs the model. `inputs[i]` holds the elements of input i (row-major, `model.inputs[i].shape`);
    /// returns the outputs in `model.outputs` order.
    public func invoke(_ inputs: [[Float]]) throws -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        guard inputs.count == plan.inputs.count else {
            throw SiderError(.badInput, "\(model.name) takes \(plan.inputs.count) inputs, got \(inputs.count)")
        }
        for (i, (value, slot)) in zip(inputs, plan.inputs).enumerated() {
            guard value.count == slot.count else {
                let info = model.inputs[i]
                throw SiderError(.badInput, "\(model.name) input \(i) (\(info.name), shape \(info.shape)) needs \(slot.count) floats, got \(value.count)")
            }
            slot.pointer.update(from: value, count: value.count)
        }
        let scratch = plan.scratch
        if profiling {
            for (i, k) in plan.kernels.enumerated() {
                let clock = Stopwatch()
                k.kernel.run(scratch: scratch)
                let t = clock.seconds
                timings[i].count += 1
                timings[i].seconds += t
                timings[i].fastest = min(timings[i].fastest, t)
            }
        } else {
            for k in plan.kernels { k.kernel.run(scratch: scratch) }
        }
        return plan.outputs.map { Array(UnsafeBufferPointer(start: $0.pointer, count: $0.count)) }
    }

    /// Time per operator type (or, with `perNode`, per node, named "#index NAME shapes")
    /// since the last `resetTimings`, slowest (by fastest run) first.
    public func operatorTimings(perNode: Bool = false) -> [OperatorTiming] {
        lock.lock()
        defer { lock.unlock() }
        var merged: [String: (count: Int, seconds: Double, fastest: Double)] = [:]
        for (k, t) in zip(plan.kernels, timings) where t.count > 0 {
            let key = perNode ? k.label : k.name
            merged[key, default: (0, 0, 0)].count += t.count
            merged[key, default: (0, 0, 0)].seconds += t.seconds
            merged[key, default: (0, 0, 0)].fastest += t.fastest
        }
        return merged.map { OperatorTiming(name: $0.key, count: $0.value.count, milliseconds: $0.value.seconds * 1e3,
                                           fastestMilliseconds: $0.value.fastest * 1e3) }
            .sorted { $0.fastestMilliseconds > $1.fastestMilliseconds }
    }

    public func resetTimings() {
        lock.lock()
        timings = Array(repeating: (0, 0, .infinity), count: timings.count)
        lock.unlock()
    }

    /// Number of kernels run per invocation (operators left after constant folding).
    public var kernelCount: Int { plan.kernels.count }
}

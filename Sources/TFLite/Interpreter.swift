import Foundation
import SiderCore

/// Accumulated wall time of one operator type over the profiled invocations.
public struct OperatorTiming: Sendable, CustomStringConvertible {
    public let name: String
    /// Number of node executions timed.
    public let count: Int
    public let milliseconds: Double

    public var description: String { "\(name): \(String(format: "%.2f", milliseconds)) ms over \(count) runs" }
}

/// Runs a `TFLiteModel` on float32 NHWC inputs on the CPU.
///
/// Creation plans the graph once (constants decoded and folded, weights re-laid-out for GEMM,
/// buffers assigned by liveness, see `GraphPlan`), so `invoke` allocates only the returned
/// arrays. Creation throws `.unsupported` naming the first operator it cannot run.
/// `invoke` is serialised by a lock, so one interpreter may be shared between threads.
public final class Interpreter: @unchecked Sendable {
    public let model: TFLiteModel
    private let plan: GraphPlan
    private let lock = NSLock()
    private var timings: [String: (count: Int, seconds: Double)] = [:]

    /// When true, `invoke` times every operator (see `operatorTimings`).
    public var profilingEnabled = false

    public init(model: TFLiteModel) throws {
        self.model = model
        plan = try GraphPlan(model: model)
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
        if profilingEnabled {
            for (name, kernel) in plan.kernels {
                let clock = Stopwatch()
                kernel.run(scratch: scratch)
                let t = clock.seconds
                timings[name, default: (0, 0)].count += 1
                timings[name, default: (0, 0)].seconds += t
            }
        } else {
            for (_, kernel) in plan.kernels { kernel.run(scratch: scratch) }
        }
        return plan.outputs.map { Array(UnsafeBufferPointer(start: $0.pointer, count: $0.count)) }
    }

    /// Time per operator type since the last `resetTimings`, slowest first.
    public func operatorTimings() -> [OperatorTiming] {
        lock.lock()
        defer { lock.unlock() }
        return timings.map { OperatorTiming(name: $0.key, count: $0.value.count, milliseconds: $0.value.seconds * 1e3) }
            .sorted { $0.milliseconds > $1.milliseconds }
    }

    public func resetTimings() {
        lock.lock()
        timings = [:]
        lock.unlock()
    }

    /// Number of kernels run per invocation (operators left after constant folding).
    public var kernelCount: Int { plan.kernels.count }
}

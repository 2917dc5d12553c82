import Dispatch

/// Wall-clock timing for stage reports and benchmarks.
public struct Stopwatch: Sendable {
    private var start: UInt64
    public init() { start = DispatchTime.now().uptimeNanoseconds }
    /// Seconds since creation or the last `reset()`.
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds &- start) * 1e-9 }
    public var milliseconds: Double { seconds * 1e3 }
    public mutating func reset() { start = DispatchTime.now().uptimeNanoseconds }
}

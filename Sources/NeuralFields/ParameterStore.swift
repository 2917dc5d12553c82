/// The trainable parameters of one network: one flat float32 array of values and one of
/// gradients, with named views (`ParameterView`) that layers index into.
///
/// Keeping a network's parameters contiguous makes Adam a single vector loop and a checkpoint a
/// single array. Layers hold views (offset, count) only, never copies.
public final class ParameterStore: @unchecked Sendable {
    public private(set) var values: UnsafeMutablePointer<Float>
    public private(set) var grads: UnsafeMutablePointer<Float>
    public private(set) var count: Int
    public private(set) var views: [ParameterView] = []
    private var frozen = false
    /// Bumped whenever values change (optimizer step, load); layers re-derive cached weights.
    public private(set) var generation = 0

    /// Call after writing `values` directly.
    public func markChanged() { generation &+= 1 }

    public init() {
        count = 0
        values = .allocate(capacity: 1)
        grads = .allocate(capacity: 1)
    }

    deinit {
        values.deallocate()
        grads.deallocate()
    }

    /// Reserves `count` parameters named `name`; only before `freeze()`.
    public func allocate(_ name: String, count n: Int) -> ParameterView {
        let view = ParameterView(name: name, offset: count, count: n)
        views.append(view)
        count += n
        return view
    }

    /// Allocates the storage once all views are known, zero-filled.
    public func freeze() {
        guard !frozen else { return }
        frozen = true
        values.deallocate()
        grads.deallocate()
        values = .allocate(capacity: max(count, 1))
        grads = .allocate(capacity: max(count, 1))
        values.initialize(repeating: 0, count: max(count, 1))
        grads.initialize(repeating: 0, count: max(count, 1))
    }

    public func value(_ v: ParameterView) -> UnsafeMutablePointer<Float> { values + v.offset }
    public func grad(_ v: ParameterView) -> UnsafeMutablePointer<Float> { grads + v.offset }

    public func zeroGrads() { grads.update(repeating: 0, count: count) }

    /// A copy of all values (for checkpoints and tests).
    public var valueArray: [Float] {
        get { Array(UnsafeBufferPointer(start: values, count: count)) }
        set {
            let n = min(newValue.count, count)
            guard n > 0 else { return }
            generation &+= 1
            newValue.withUnsafeBufferPointer { buf in
                if let b = buf.baseAddress { values.update(from: b, count: n) }
            }
        }
    }

    /// A copy of all gradients.
    public var gradArray: [Float] { Array(UnsafeBufferPointer(start: grads, count: count)) }
}

/// A named slice of a `ParameterStore`.
public struct ParameterView: Sendable, Equatable, Codable {
    public let name: String
    public let offset: Int
    public let count: Int
}

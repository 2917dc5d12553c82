/// A growable, manually managed float32 buffer for network workspaces.
///
/// Training steps reuse these between calls: `reserve(_:)` reallocates only when a larger batch
/// arrives (warm-up), so a step at a steady batch size performs no heap allocation.
public final class FloatBuffer: @unchecked Sendable {
    public private(set) var pointer: UnsafeMutablePointer<Float>
    public private(set) var capacity: Int

    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Ensures room for `count` floats; the contents are undefined after a growth.
    public func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    /// Sets the first `count` floats to zero.
    public func zero(_ count: Int) {
        reserve(count)
        pointer.update(repeating: 0, count: count)
    }

    public var base: UnsafeMutablePointer<Float> { pointer }
}

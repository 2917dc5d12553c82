/// Sizes computed from numbers a file states (shapes, counts, offsets), with overflow reported
/// instead of wrapped or trapped: a reader turns `nil` into its own one-line error.
public enum CheckedSize {
    /// The product of `factors`, or nil when one is negative or the product exceeds `limit`.
    public static func product<S: Sequence>(_ factors: S, limit: Int = Int.max) -> Int? where S.Element == Int {
        var total = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: f)
            guard !overflow, p <= limit else { return nil }
            total = p
        }
        return total
    }

    /// `a · b`, or nil when negative or past `limit`.
    public static func product(_ a: Int, _ b: Int, limit: Int = Int.max) -> Int? {
        product([a, b], limit: limit)
    }

    /// `a + b` for non-negative sizes, or nil on overflow or past `limit`.
    public static func sum(_ a: Int, _ b: Int, limit: Int = Int.max) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow || s > limit ? nil : s
    }
}

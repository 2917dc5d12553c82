import SiderCore

/// The cumulative error curve of Fig. 6: for each error threshold x (mm), the percentage of
/// ground-truth scan vertices whose scan-to-mesh distance is ≤ x.
///
/// The NoW script builds it from a 100 000-bin histogram; we evaluate the empirical CDF exactly
/// at evenly spaced thresholds 0, Δ, 2Δ, …, `maxError` (binary search in the sorted errors).
public struct CumulativeErrorCurve: Sendable, Equatable, Codable {
    /// A label for the plot legend (method name).
    public var label: String
    /// Thresholds in mm, ascending.
    public var thresholds: [Double]
    /// Percentage (0…100) of errors ≤ the threshold of the same index.
    public var percentages: [Double]

    public init(label: String, thresholds: [Double], percentages: [Double]) {
        self.label = label
        self.thresholds = thresholds
        self.percentages = percentages
    }

    /// The curve of `errors` sampled at `samples` thresholds from 0 to `maxError` mm.
    public init(label: String, errors: [Float], maxError: Double = 8, samples: Int = 401) throws {
        guard !errors.isEmpty else { throw SiderError(.badInput, "cumulative curve of no errors") }
        guard maxError > 0, samples >= 2 else {
            throw SiderError(.badInput, "cumulative curve needs maxError > 0 and ≥ 2 samples")
        }
        let sorted = errors.map(Double.init).sorted()
        self.label = label
        self.thresholds = (0..<samples).map { maxError * Double($0) / Double(samples - 1) }
        self.percentages = thresholds.map { 100 * Double(CumulativeErrorCurve.countAtMost($0, in: sorted)) / Double(sorted.count) }
    }

    /// Percentage of errors ≤ `x`, read off the sampled curve (step interpolation: the last
    /// threshold ≤ x).
    public func percentage(atMost x: Double) -> Double {
        var best = 0.0
        for (t, p) in zip(thresholds, percentages) where t <= x { best = p }
        return best
    }

    /// Number of elements ≤ x in ascending `sorted` (upper bound by binary search).
    static func countAtMost(_ x: Double, in sorted: [Double]) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

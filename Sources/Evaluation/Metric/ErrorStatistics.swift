import SiderCore

/// Summary of a set of per-vertex errors, as Table 1 reports them: median, mean and standard
/// deviation (population, σ = √(Σ(eᵢ − ē)²/n), numpy's default as in the NoW scripts), plus the
/// count, the maximum and a few percentiles for reports.
public struct ErrorStatistics: Sendable, Equatable, Codable {
    public var count: Int
    public var median: Double
    public var mean: Double
    public var std: Double
    public var max: Double
    /// 90th and 95th percentiles (linear interpolation between order statistics).
    public var p90: Double
    public var p95: Double

    /// Statistics of `errors`; throws on an empty set or a non-finite value.
    public init(_ errors: [Float]) throws {
        guard !errors.isEmpty else { throw SiderError(.badInput, "no errors to summarise (empty scan crop?)") }
        var sorted = [Double](repeating: 0, count: errors.count)
        var sum = 0.0
        for (i, e) in errors.enumerated() {
            guard e.isFinite else { throw SiderError(.numerical, "non-finite error value at index \(i)") }
            sorted[i] = Double(e); sum += Double(e)
        }
        sorted.sort()
        let n = Double(errors.count)
        let mean = sum / n
        var ss = 0.0
        for e in sorted { ss += (e - mean) * (e - mean) }
        self.count = errors.count
        self.mean = mean
        self.std = (ss / n).squareRoot()
        self.median = ErrorStatistics.quantile(sorted, 0.5)
        self.p90 = ErrorStatistics.quantile(sorted, 0.9)
        self.p95 = ErrorStatistics.quantile(sorted, 0.95)
        self.max = sorted[sorted.count - 1]
    }

    /// The q-quantile of ascending `sorted` values, interpolating linearly between order
    /// statistics at position q·(n − 1) (numpy's default; q = 0.5 gives the usual median).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
        let f = pos - Double(lo)
        return sorted[lo] * (1 - f) + sorted[hi] * f
    }
}

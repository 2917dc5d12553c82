import Testing
import SiderCore
@testable import Evaluation

@Suite struct StatisticsTests {
    @Test func knownValues() throws {
        let s = try ErrorStatistics([4, 1, 3, 2])
        #expect(s.median == 2.5)
        #expect(s.mean == 2.5)
        #expect(abs(s.std - 1.25.squareRoot()) < 1e-12)   // population σ, as numpy.std
        #expect(s.max == 4)
        #expect(try ErrorStatistics([5, 1, 3]).median == 3)
        #expect(throws: SiderError.self) { try ErrorStatistics([]) }
        #expect(throws: SiderError.self) { try ErrorStatistics([1, .nan]) }
    }

    @Test func cumulativeCurveCountsErrorsAtMostThreshold() throws {
        let c = try CumulativeErrorCurve(label: "m", errors: [0.5, 1, 1, 3], maxError: 4, samples: 9)
        #expect(c.thresholds == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4])
        #expect(c.percentages == [0, 25, 75, 75, 75, 75, 100, 100, 100])
        #expect(c.percentage(atMost: 1.2) == 75)
    }
}

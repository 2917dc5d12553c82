import Foundation
import Testing
import SiderPipeline

@Suite struct BookkeepingTests {
    struct Meta: Codable, Equatable, Sendable { var iteration: Int; var lr: Float; var note: String }

    @Test func checkpointRoundTrip() throws {
        let ck = Checkpoint(meta: Meta(iteration: 42, lr: 1e-4, note: "x"),
                            tensors: [("theta", [1, -2.5, .pi]), ("empty", []), ("omega", [0.125])])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ck-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try ck.save(to: url)
        let back = try Checkpoint<Meta>.load(from: url)
        #expect(back.meta == ck.meta)
        #expect(back.tensor("theta") == [1, -2.5, .pi])
        #expect(back.tensor("empty") == [])
        #expect(back.tensor("omega") == [0.125])
        var damaged = try ck.encoded()
        damaged.removeLast()
        #expect(throws: (any Error).self) { try Checkpoint<Meta>(decoding: damaged) }
        #expect(throws: (any Error).self) { try Checkpoint<Meta>(decoding: Data("hello".utf8)) }
    }

    /// A flipped byte anywhere (header, tensors, checksum) is refused, never loaded.
    @Test func checkpointWithAFlippedByteIsRefused() throws {
        let ck = Checkpoint(meta: Meta(iteration: 7, lr: 1e-3, note: "y"), tensors: [("w", (0..<64).map { Float($0) })])
        let data = try ck.encoded()
        for offset in [3, 25, data.count / 2, data.count - 40, data.count - 1] {
            var bad = data
            bad[offset] ^= 0x10
            #expect(throws: (any Error).self, "byte \(offset) flipped") { try Checkpoint<Meta>(decoding: bad) }
        }
        #expect(try Checkpoint<Meta>(decoding: data).meta == ck.meta)
    }

    @Test func lossCurveStopsWhenFlat() {
        var curve = LossCurve(smoothing: 0.5, patience: 10, minRelativeGain: 0.01)
        func rec(_ i: Int, _ l: Float) -> LossRecord {
            LossRecord(iteration: i, total: l, terms: ["photometric": l], hitFraction: 1, learningRate: 1e-4)
        }
        for i in 1...50 { curve.append(rec(i, 1 / Float(i))) }
        #expect(!curve.hasConverged)
        for i in 51...70 { curve.append(rec(i, 0.02)) }
        #expect(curve.hasConverged)
    }

    @Test func nonFiniteGuardHalvesThenGivesUp() {
        var g = NonFiniteGuard(maxConsecutive: 2)
        #expect(g.check(finite: true, learningRate: 1) == .ok)
        #expect(g.check(finite: false, learningRate: 1) == .restore(newLearningRate: 0.5))
        #expect(g.check(finite: false, learningRate: 0.5) == .restore(newLearningRate: 0.25))
        #expect(g.check(finite: false, learningRate: 0.25) == .giveUp)
        #expect(g.consecutive == 3)
    }

    @Test func progressBarPlainLines() {
        final class Box: @unchecked Sendable { var text = "" }
        let box = Box()
        let bar = ProgressBar(stage: "detail", total: 4, interactive: false, plainInterval: 0) { box.text += $0 }
        for i in 1...4 { bar.update(iteration: i, loss: 0.5) }
        bar.finish()
        let lines = box.text.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[3].contains("4/4") && lines[3].contains("loss 0.50000"))
        #expect(!box.text.contains("\r") && !box.text.contains("\u{1B}"))
    }

    @Test func interruptFlag() {
        InterruptFlag.install()
        InterruptFlag.reset()
        #expect(!InterruptFlag.isSet)
        InterruptFlag.raise()
        #expect(InterruptFlag.isSet)
        InterruptFlag.reset()
    }
}

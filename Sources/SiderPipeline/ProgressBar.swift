import Foundation
import SiderCore
#if canImport(Glibc)
import Glibc
#endif

/// Progress reporting of a long stage on stderr.
///
/// On a terminal: one line redrawn in place (`\r`) with stage, a bar, iteration/total, loss and
/// the time left, estimated from the mean time per iteration so far. Not on a terminal (logs, CI):
/// a plain line at most every `plainInterval` seconds and at the end, never control characters.
public final class ProgressBar {
    public let stage: String
    public let total: Int
    public let interactive: Bool
    private let plainInterval: Double
    private let clock = Stopwatch()
    private var startIteration: Int?
    private var lastDraw: Double = -1e9
    private let sink: (String) -> Void

    /// `sink` receives each chunk of text (default: stderr).
    public init(stage: String, total: Int, interactive: Bool = isatty(2) != 0, plainInterval: Double = 5,
                sink: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.stage = stage
        self.total = max(1, total)
        self.interactive = interactive
        self.plainInterval = plainInterval
        self.sink = sink
    }

    /// Seconds left at the current pace, nil before two updates.
    public func secondsLeft(iteration: Int) -> Double? {
        guard let s = startIteration, iteration > s else { return nil }
        let per = clock.seconds / Double(iteration - s)
        return per * Double(max(0, total - iteration))
    }

    /// Reports that `iteration` (1-based, of `total`) is done with the given loss and, when
    /// given, the loss terms' values (shown by name).
    public func update(iteration: Int, loss: Float?, terms: [String: Float] = [:]) {
        if startIteration == nil { startIteration = iteration - 1 }
        let now = clock.seconds
        let last = iteration >= total
        if interactive {
            guard now - lastDraw >= 0.1 || last else { return }
        } else {
            guard now - lastDraw >= plainInterval || last else { return }
        }
        lastDraw = now
        let line = render(iteration: iteration, loss: loss, terms: terms)
        sink(interactive ? "\r\(line)\u{1B}[K" : "\(line)\n")
    }

    /// Ends the bar's line (terminal) with a final message.
    public func finish(_ message: String = "done") {
        let text = "\(stage): \(message) in \(Self.format(seconds: clock.seconds))"
        sink(interactive ? "\r\(text)\u{1B}[K\n" : "\(text)\n")
    }

    /// The text of one progress line (no control characters).
    public func render(iteration: Int, loss: Float?, terms: [String: Float] = [:]) -> String {
        let frac = min(1, Double(iteration) / Double(total))
        let width = 24
        let filled = Int((frac * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var s = "\(stage) [\(bar)] \(iteration)/\(total)"
        if let loss { s += String(format: " loss %.5f", Double(loss)) }
        if !terms.isEmpty {
            s += " (" + terms.sorted { $0.key < $1.key }.map { String(format: "%@ %.4g", $0.key, Double($0.value)) }
                .joined(separator: ", ") + ")"
        }
        if let left = secondsLeft(iteration: iteration) { s += " left \(Self.format(seconds: left))" }
        return s
    }

    static func format(seconds: Double) -> String {
        let t = Int(seconds.rounded())
        return t >= 60 ? "\(t / 60)m\(String(format: "%02d", t % 60))s" : String(format: "%.1fs", seconds)
    }
}

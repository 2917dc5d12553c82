import Foundation
import SiderCore

/// Reader for the iBUG / 300-W `.pts` landmark format:
/// `version: 1`, `n_points: N`, `{`, N lines "x y", `}`.
///
/// The 300-W annotations use 1-based pixel coordinates (the centre of the first pixel is (1, 1));
/// `load` converts them to this project's convention (that centre is (0.5, 0.5)) by subtracting 0.5.
public enum PTSFile {
    public static func load(_ url: URL) throws -> [SIMD2<Float>] {
        let data = try AtomicFile.read(url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw SiderError(.badInput, "\(url.lastPathComponent) is not a text .pts file")
        }
        return try parse(text, name: url.lastPathComponent)
    }

    /// Points exactly as written in the file (no convention change).
    public static func parseRaw(_ text: String, name: String = ".pts data") throws -> [SIMD2<Float>] {
        var count: Int? = nil
        var points: [SIMD2<Float>] = []
        var inside = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("n_points:") {
                count = Int(line.dropFirst("n_points:".count).trimmingCharacters(in: .whitespaces))
            } else if line == "{" {
                inside = true
            } else if line == "}" {
                inside = false
            } else if inside {
                let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count == 2, let x = Float(parts[0]), let y = Float(parts[1]), x.isFinite, y.isFinite else {
                    throw SiderError(.badInput, "\(name): bad point line '\(line)'")
                }
                points.append(SIMD2(x, y))
            }
        }
        guard let n = count, n == points.count, n > 0 else {
            throw SiderError(.badInput, "\(name): expected n_points matching the listed points, got \(points.count)")
        }
        return points
    }

    static func parse(_ text: String, name: String) throws -> [SIMD2<Float>] {
        try parseRaw(text, name: name).map { $0 - 0.5 }
    }
}

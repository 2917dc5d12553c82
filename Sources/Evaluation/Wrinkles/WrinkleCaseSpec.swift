import Foundation
import SiderCore

/// What one wrinkle-benchmark case shows: the relief of some patterns at one depth, or the
/// albedo-only control (smooth geometry, painted marks).
public struct WrinkleCaseSpec: Sendable, Codable, Equatable {
    /// "forehead", "frown", "nasolabial", "crowsfeet", "all" or "control".
    public var name: String
    /// The patterns displaced (empty for the control).
    public var patterns: [WrinklePattern]
    /// Furrow depth in scan units (mm); 0 for the control.
    public var amplitude: Float

    public var isControl: Bool { patterns.isEmpty }

    public static let selectionNames = WrinklePattern.allCases.map(\.rawValue) + ["all", "control"]

    /// One case per (name, amplitude); the control once whatever the amplitudes. Throws on an
    /// unknown name or an amplitude outside (0, 5] mm.
    public static func cases(names: [String], amplitudes: [Float]) throws -> [WrinkleCaseSpec] {
        for a in amplitudes where !(a > 0 && a <= 5) {
            throw SiderError(.badInput, "wrinkle amplitude \(a) mm is outside (0, 5]")
        }
        var out: [WrinkleCaseSpec] = []
        for name in names {
            let key = name.lowercased().trimmingCharacters(in: .whitespaces)
            if key == "control" {
                out.append(WrinkleCaseSpec(name: "control", patterns: [], amplitude: 0))
                continue
            }
            let patterns: [WrinklePattern]
            if key == "all" { patterns = WrinklePattern.allCases } else if let p = WrinklePattern(rawValue: key) {
                patterns = [p]
            } else {
                throw SiderError(.badInput, "unknown wrinkle pattern '\(name)' (\(selectionNames.joined(separator: ", ")))")
            }
            guard !amplitudes.isEmpty else { throw SiderError(.badInput, "no wrinkle amplitude given") }
            out += amplitudes.map { WrinkleCaseSpec(name: key, patterns: patterns, amplitude: $0) }
        }
        guard !out.isEmpty else { throw SiderError(.badInput, "no wrinkle case selected") }
        return out
    }

    /// "forehead 0.6 mm", "control".
    public var label: String { isControl ? name : String(format: "%@ %.1f mm", name, amplitude) }
    /// "forehead_0.6mm", "control".
    public var folderName: String { isControl ? name : String(format: "%@_%.1fmm", name, amplitude) }
}

import Foundation
import SiderCore

/// The few fields of a finished run's `run.json` that the report, the textured export and the
/// batch summary read, decoded tolerantly: every field is optional, unknown fields are ignored,
/// so a `run.json` written by an older or newer pipeline still gives a report.
///
/// The loss curves and the settings are kept as raw JSON (`lossCurve`, `coarseLoss`, `config`)
/// and read by `LossSeries` and `SettingsTable`, which take whatever numeric fields are there.
public struct RunRecord: @unchecked Sendable {
    public struct Camera: Decodable, Sendable, Equatable {
        public var fx: Float, fy: Float, cx: Float, cy: Float
        public var width: Int, height: Int
    }

    public struct Stage: Decodable, Sendable, Equatable {
        public var stage: String
        public var seconds: Double
    }

    public struct Prior: Decodable, Sendable, Equatable {
        public var kind: String?
        public var landmarkErrorMeanPx: Double?
        public var landmarkErrorMaxPx: Double?
    }

    /// run.json's `input`: the photo's path, SHA-256 and size.
    struct Input: Decodable {
        var name: String?
        var sha256: String?
        var width: Int?
        var height: Int?
    }

    struct Config: Decodable {
        var name: String?
        var seed: UInt64?
    }

    struct Fields: Decodable {
        var tool: String?
        var version: String?
        var input: Input?
        var config: Config?
        var cameraCrop: Camera?
        var cameraPhoto: Camera?
        var coarsePrior: Prior?
        var rays: Int?
        var finalHitFraction: Double?
        var iterations: Int?
        var stopReason: String?
        var resumed: Bool?
        var stages: [Stage]?
        var outputs: [String]?
    }

    public var tool: String?
    public var version: String?
    public var input: String?
    public var photoWidth: Int?
    public var photoHeight: Int?
    public var seed: UInt64?
    /// The crop's pinhole camera: meshes are in its frame (OpenCV axes, metres).
    public var cameraCrop: Camera?
    public var cameraPhoto: Camera?
    public var coarsePrior: Prior?
    public var rays: Int?
    public var finalHitFraction: Double?
    public var iterations: Int?
    /// "converged", "maxIterations", "interrupted", … (kept as text: new reasons decode too).
    public var stopReason: String?
    public var resumed: Bool?
    public var stages: [Stage]
    public var outputs: [String]
    /// The resolved config as parsed JSON (nil when absent).
    public var settings: Any? { raw["config"] }
    /// The config's name ("fast", "paper", …).
    public var configName: String?
    /// Detail loss records as parsed JSON objects (`[[String: Any]]`), empty when absent.
    public var lossCurve: [[String: Any]] { raw["lossCurve"] as? [[String: Any]] ?? [] }
    /// Coarse-stage loss records, empty when absent.
    public var coarseLoss: [[String: Any]] { raw["coarseLoss"] as? [[String: Any]] ?? [] }
    /// The whole file as parsed JSON (JSONSerialization's immutable values only, hence the
    /// unchecked Sendable).
    public let raw: [String: Any]

    /// Total wall-clock seconds over the recorded stages.
    public var totalSeconds: Double { stages.reduce(0) { $0 + $1.seconds } }

    /// True when the run finished (a stop reason that is not "interrupted").
    public var isFinished: Bool { stopReason.map { $0 != "interrupted" } ?? false }

    public init(data: Data, name: String = "run.json") throws {
        guard let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
            throw SiderError(.badInput, "\(name): not a JSON object")
        }
        let f: Fields
        do { f = try JSONDecoder().decode(Fields.self, from: data) } catch {
            throw SiderError(.badInput, "\(name): unexpected field types (\(RunRecord.describe(error)))")
        }
        raw = dict
        tool = f.tool; version = f.version; input = f.input?.name
        photoWidth = f.input?.width; photoHeight = f.input?.height; seed = f.config?.seed; configName = f.config?.name
        cameraCrop = f.cameraCrop; cameraPhoto = f.cameraPhoto; coarsePrior = f.coarsePrior
        rays = f.rays; finalHitFraction = f.finalHitFraction; iterations = f.iterations
        stopReason = f.stopReason; resumed = f.resumed
        stages = f.stages ?? []; outputs = f.outputs ?? []
    }

    /// Reads `folder/run.json`.
    public static func load(outputDirectory folder: URL) throws -> RunRecord {
        let url = folder.appendingPathComponent("run.json")
        return try RunRecord(data: try AtomicFile.read(url), name: url.path)
    }

    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        switch e {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            let path = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? c.debugDescription : "at \(path): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

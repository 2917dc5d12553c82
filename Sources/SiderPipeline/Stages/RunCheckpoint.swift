import Foundation
import SiderCore

/// What `checkpoint.bin` of `sider reconstruct` holds besides tensors: the resolved config, the
/// photo's SHA-256, which stage it was written in, and that stage's run state. `--resume` with
/// a checkpoint of another photo or config is refused, naming what differs.
public struct RunCheckpointMeta: Codable, Sendable {
    public enum Stage: String, Codable, Sendable { case coarse, detail }
    public var config: ReconstructionConfig
    public var photoSHA256: String
    public var stage: Stage
    public var coarse: CoarseRunState
    public var detail: DetailRunState?

    /// Nil when a run with `config` on the photo `photoSHA256` may continue from this
    /// checkpoint; else the reason, naming the first keys that differ. The iteration limit and
    /// the checkpoint cadence may change on resume.
    public func mismatch(config other: ReconstructionConfig, photoSHA256 photo: String) -> String? {
        if photo != photoSHA256 {
            return "checkpoint.bin is of another photo (SHA-256 \(photoSHA256.prefix(12))…, this photo \(photo.prefix(12))…)"
        }
        var mine = config, theirs = other
        mine.detail.iterations = 0; theirs.detail.iterations = 0
        mine.checkpoints = theirs.checkpoints
        guard mine != theirs else { return nil }
        let diffs = Self.differences(mine, theirs)
        let shown = diffs.prefix(3).map { "\($0.key) (\($0.old) in the checkpoint, \($0.new) now)" }.joined(separator: ", ")
        return "checkpoint.bin was made with another config: \(shown)\(diffs.count > 3 ? " and \(diffs.count - 3) more" : "")"
    }

    /// Key paths whose values differ between two configs, as JSON text.
    static func differences(_ a: ReconstructionConfig, _ b: ReconstructionConfig) -> [(key: String, old: String, new: String)] {
        func object(_ c: ReconstructionConfig) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(c))) as? [String: Any] ?? [:]
        }
        func text(_ v: Any?) -> String {
            guard let v else { return "absent" }
            if let d = try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys]) {
                return String(decoding: d, as: UTF8.self)
            }
            return "\(v)"
        }
        var out: [(String, String, String)] = []
        func walk(_ x: [String: Any], _ y: [String: Any], _ path: String) {
            for key in Set(x.keys).union(y.keys).sorted() {
                let here = path.isEmpty ? key : path + "." + key
                if let xo = x[key] as? [String: Any], let yo = y[key] as? [String: Any] { walk(xo, yo, here); continue }
                if text(x[key]) != text(y[key]) { out.append((here, text(x[key]), text(y[key]))) }
            }
        }
        walk(object(a), object(b), "")
        return out
    }
}

public typealias RunCheckpoint = Checkpoint<RunCheckpointMeta>

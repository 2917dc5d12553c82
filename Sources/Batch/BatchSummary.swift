import Foundation
import Report
import SiderCore

/// One photo's line of `summary.json` / `summary.csv`: a function of its output folder alone
/// (run.json, or the failure record the batch left), so a rerun, a shard and a merge of shards
/// all give the same line for the same finished photo.
public struct BatchEntry: Codable, Sendable, Equatable {
    public var name: String
    /// The photo's path relative to its folder or list (as given).
    public var input: String
    /// done (run.json with a finished stop reason), interrupted, failed, or pending (not run yet).
    public var status: String
    /// The failing run's one-line error (its last stderr line that says "error:", else its last line).
    public var error: String?
    public var exitCode: Int32?
    /// The run's own wall-clock seconds (run.json's stages) and per stage.
    public var seconds: Double?
    public var stages: [String: Double]?
    public var landmarkErrorMeanPx: Double?
    public var landmarkErrorMaxPx: Double?
    public var prior: String?
    public var iterations: Int?
    public var stopReason: String?
    /// The last detail iteration's loss terms (every numeric term run.json's loss records hold).
    public var losses: [String: Double]?
    /// Report page, relative to the summary's folder.
    public var report: String?
}

/// `summary.json`: the entries of a batch (or a shard of one), sorted by name.
public struct BatchSummary: Codable, Sendable, Equatable {
    public var tool = "sider batch"
    /// "I/N" for one shard's summary, nil for a whole batch or a merge.
    public var shard: String?
    public var photos: Int
    public var done: Int
    public var failed: Int
    public var interrupted: Int
    public var pending: Int
    public var entries: [BatchEntry]

    public init(entries: [BatchEntry], shard: BatchShard?) {
        self.shard = shard?.description
        self.entries = entries.sorted { $0.name < $1.name }
        photos = entries.count
        done = entries.filter { $0.status == "done" }.count
        failed = entries.filter { $0.status == "failed" }.count
        interrupted = entries.filter { $0.status == "interrupted" }.count
        pending = entries.filter { $0.status == "pending" }.count
    }

    /// File stem: summary, or summary-shard-I-of-N for one shard (so shards can share --out).
    public static func stem(_ shard: BatchShard?) -> String {
        shard.map { "summary-shard-\($0.index)-of-\($0.count)" } ?? "summary"
    }

    public func write(to dir: URL) throws {
        let shardValue = try shard.map { try BatchShard.parse($0) }
        let stem = BatchSummary.stem(shardValue)
        try AtomicFile.writeJSON(self, to: dir.appendingPathComponent("\(stem).json"))
        try AtomicFile.write(csv, to: dir.appendingPathComponent("\(stem).csv"))
        let index = shardValue.map { "index-shard-\($0.index)-of-\($0.count).html" } ?? "index.html"
        try AtomicFile.write(BatchGallery.html(self), to: dir.appendingPathComponent(index))
    }

    public static func load(_ url: URL) throws -> BatchSummary {
        do { return try JSONDecoder().decode(BatchSummary.self, from: try AtomicFile.read(url)) } catch let e as SiderError {
            throw e
        } catch {
            throw SiderError(.badInput, "\(url.path) is not a sider batch summary")
        }
    }

    /// Joins shard summaries: `inputs` are summary JSON files or folders (each folder's
    /// summary-shard-*.json, else its summary.json). A photo in several is an error unless the
    /// entries are equal (the same photo run twice by overlapping shards gives the same line).
    public static func merge(_ inputs: [URL], into out: URL) throws -> BatchSummary {
        var files: [URL] = []
        for u in inputs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: u.path, isDirectory: &isDir) else {
                throw SiderError(.missingFile, "no such summary or folder: \(u.path)")
            }
            if isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: u.path)) ?? []
                let shards = names.filter { $0.hasPrefix("summary-shard-") && $0.hasSuffix(".json") }.sorted()
                let chosen = shards.isEmpty ? (names.contains("summary.json") ? ["summary.json"] : []) : shards
                guard !chosen.isEmpty else { throw SiderError(.missingFile, "\(u.path) holds no summary.json or summary-shard-*.json") }
                files += chosen.map { u.appendingPathComponent($0) }
            } else { files.append(u) }
        }
        var byName: [String: BatchEntry] = [:]
        for f in files {
            let s = try load(f)
            let base = f.deletingLastPathComponent().standardizedFileURL
            for var e in s.entries {
                e.report = e.report.map { relative(base.appendingPathComponent($0), to: out.standardizedFileURL) }
                if let old = byName[e.name], old != e {
                    throw SiderError(.badInput, "photo \(e.name) is in two summaries with different results (\(f.path)); were the shards run with different inputs?")
                }
                byName[e.name] = e
            }
        }
        let merged = BatchSummary(entries: Array(byName.values), shard: nil)
        try merged.write(to: out)
        return merged
    }

    /// `target`'s path relative to `base` when inside it, else absolute.
    static func relative(_ target: URL, to base: URL) -> String {
        let t = target.standardizedFileURL.path, b = base.path.hasSuffix("/") ? base.path : base.path + "/"
        return t.hasPrefix(b) ? String(t.dropFirst(b.count)) : t
    }

    /// One row per photo; a final_TERM column for every loss-record term any entry has.
    public var csv: String {
        let termSet: Set<String> = Set(entries.flatMap { (e: BatchEntry) -> [String] in Array((e.losses ?? [:]).keys) })
        let terms: [String] = termSet.sorted { ($0 == "total" ? "" : $0) < ($1 == "total" ? "" : $1) }
        let head: [String] = ["name", "input", "status", "seconds", "landmark_error_mean_px", "landmark_error_max_px", "prior",
                              "iterations", "stop_reason"]
        let lossHeads: [String] = terms.map { "final_" + $0 }
        var rows: [[String]] = [head + lossHeads + ["error", "report"]]
        func num(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
        for e in entries {
            var row: [String] = [e.name, e.input, e.status, num(e.seconds), num(e.landmarkErrorMeanPx), num(e.landmarkErrorMaxPx)]
            row += [e.prior ?? "", e.iterations.map(String.init) ?? "", e.stopReason ?? ""]
            for t in terms { row.append(num(e.losses?[t])) }
            row += [e.error ?? "", e.report ?? ""]
            rows.append(row)
        }
        return rows.map { $0.map(BatchSummary.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { ",\"\n\r".contains($0) }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension BatchEntry {
    /// The entry of `input` from its output folder `dir` (named `input.name` inside the batch's
    /// --out) and the batch's failure record, if any.
    static func read(_ input: BatchInput, folder dir: URL, failure: BatchFailureRecord?) -> BatchEntry {
        var e = BatchEntry(name: input.name, input: input.relativePath, status: "pending")
        if let run = try? RunRecord.load(outputDirectory: dir) {
            e.status = run.isFinished ? "done" : "interrupted"
            e.seconds = run.stages.isEmpty ? nil : run.totalSeconds
            e.stages = run.stages.isEmpty ? nil : Dictionary(run.stages.map { ($0.stage, $0.seconds) }, uniquingKeysWith: +)
            e.landmarkErrorMeanPx = run.coarsePrior?.landmarkErrorMeanPx
            e.landmarkErrorMaxPx = run.coarsePrior?.landmarkErrorMaxPx
            e.prior = run.coarsePrior?.kind
            e.iterations = run.iterations
            e.stopReason = run.stopReason
            let last = LossSeries.series(from: run.lossCurve.suffix(1).map { $0 })
            e.losses = last.isEmpty ? nil : Dictionary(last.compactMap { s in s.values.last.map { (s.name, $0) } }, uniquingKeysWith: { a, _ in a })
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.html").path) {
                e.report = "\(input.name)/report.html"
            }
        }
        if let failure, e.status != "done" {
            e.status = "failed"
            e.error = failure.error
            e.exitCode = failure.exitCode
        }
        return e
    }
}

/// What the batch keeps of a failed photo (`logs/NAME.failed.json`), removed when it succeeds.
struct BatchFailureRecord: Codable, Sendable, Equatable {
    var error: String
    var exitCode: Int32
}

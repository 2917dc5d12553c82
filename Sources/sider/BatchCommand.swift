import ArgumentParser
import Batch
import Foundation
import SiderCore

/// `sider batch INPUTS… --out DIR [--preset P] [--shard I/N] [-- EXTRA…]`: one
/// `sider reconstruct` child process per photo (crash isolation), resumable, with
/// summary.json/.csv and an index.html gallery; `sider batch --merge DIR… --out DIR` joins
/// shard summaries. See docs/cluster.md.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Reconstruct many photos (folders, globs, lists of paths), one output folder each; shardable across machines.",
        discussion: """
        Each photo runs as `sider reconstruct PHOTO --out DIR/NAME [--preset P] [EXTRA…]` in its own process \
        (NAME: the photo's path relative to its folder or list, '/' written '__'). Finished photos are \
        skipped, interrupted ones resumed; a failing photo is recorded and the batch goes on (exit 1 at \
        the end). --shard I/N, or Slurm's SLURM_ARRAY_TASK_ID/COUNT, or Kubernetes' JOB_COMPLETION_INDEX \
        (with --shard-count or SIDER_SHARD_COUNT) runs one stable part of the batch.
        """)

    @Argument(help: "Photos: folders, glob patterns, text files of paths, or images (with --merge: shard summary folders or files).")
    var inputs: [String] = []

    @Option(help: "Batch output folder (one folder per photo, summary.json, summary.csv, index.html).")
    var out: String

    @Option(help: "Preset for every photo (fast or paper).")
    var preset: String?

    @Option(help: "Run shard I of N (0-based), e.g. 0/4.")
    var shard: String?

    @Option(help: "Number of shards when the index comes from JOB_COMPLETION_INDEX (or SLURM_ARRAY_TASK_ID).")
    var shardCount: Int?

    @Option(help: "Folder that relative paths in a list file are relative to (default: the list's folder).")
    var root: String?

    @Option(help: "Write the NoW challenge's submission layout (mesh + 7 landmarks per image) into this folder.")
    var nowSubmission: String?

    @Option(help: "The sider executable for the child runs (default: this one; or $SIDER_BATCH_SIDER).")
    var sider: String?

    @Flag(help: "Join the summaries of shards (INPUTS: their folders or summary files) into --out.")
    var merge = false

    @Argument(parsing: .postTerminator, help: "Arguments after -- go to every `sider reconstruct`.")
    var extra: [String] = []

    func run() throws {
        try reportingErrors {
            let outDir = URL(fileURLWithPath: out, isDirectory: true)
            if merge {
                guard !inputs.isEmpty else { throw SiderError(.badInput, "--merge needs the shard folders or summary files") }
                try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
                let s = try BatchSummary.merge(inputs.map { URL(fileURLWithPath: $0) }, into: outDir)
                print("merged \(s.photos) photos: \(s.done) done, \(s.failed) failed, \(s.interrupted) interrupted, \(s.pending) pending → \(outDir.path)/summary.json")
                if s.failed > 0 || s.pending > 0 || s.interrupted > 0 { throw ExitCode.failure }
                return
            }
            guard !inputs.isEmpty else { throw SiderError(.badInput, "no photos given (folders, globs, list files or images)") }
            if let preset, !["fast", "paper"].contains(preset) { throw SiderError(.badInput, "unknown preset \(preset) (fast, paper)") }
            let all = try BatchInputs.expand(inputs, root: root)
            guard !all.isEmpty else { throw SiderError(.badInput, "no images found in \(inputs.joined(separator: " "))") }
            let shardValue = try BatchShard.resolve(option: shard, count: shardCount, environment: ProcessInfo.processInfo.environment)
            let mine = shardValue.map { s in all.filter { s.contains($0.name) } } ?? all
            try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
            var runner = BatchRunner(sider: try siderExecutable(), out: outDir, preset: preset, extraArguments: extra)
            runner.forwardSignals = true
            print("batch: \(mine.count) of \(all.count) photos\(shardValue.map { " (shard \($0))" } ?? "") → \(outDir.path)")
            let outcome = try runner.run(mine)
            let summary = BatchSummary(entries: outcome.entries, shard: shardValue)
            try summary.write(to: outDir)
            var failedSubmissions = 0
            if let nowSubmission, !outcome.stoppedByInterrupt {
                failedSubmissions = try writeSubmission(URL(fileURLWithPath: nowSubmission, isDirectory: true), inputs: mine,
                                                        summary: summary, runner: runner)
            }
            print("batch: \(summary.done) done, \(summary.failed) failed, \(summary.interrupted) interrupted, \(summary.pending) pending (\(outcome.ran) run now, \(outcome.skipped) skipped); \(outDir.path)/\(BatchSummary.stem(shardValue)).json")
            if outcome.stoppedByInterrupt { throw ExitCode(130) }
            if summary.failed > 0 || summary.pending > 0 || summary.interrupted > 0 || failedSubmissions > 0 { throw ExitCode.failure }
        }
    }

    /// The child `sider`: --sider, $SIDER_BATCH_SIDER, else this executable.
    func siderExecutable() throws -> URL {
        if let s = sider ?? ProcessInfo.processInfo.environment["SIDER_BATCH_SIDER"], !s.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: s) else { throw SiderError(.badInput, "\(s) is not an executable") }
            return URL(fileURLWithPath: s)
        }
        guard let me = Bundle.main.executableURL else { throw SiderError(.io, "cannot locate the sider executable; pass --sider") }
        return me
    }

    /// NoW layout for every finished photo: landmarks from a `sider landmarks` child run
    /// (OUT/NAME/landmarks/landmarks.json, kept), then mesh + 7 points. Returns the failures.
    func writeSubmission(_ dir: URL, inputs: [BatchInput], summary: BatchSummary, runner: BatchRunner) throws -> Int {
        let done = Set(summary.entries.filter { $0.status == "done" }.map(\.name))
        var failures = 0
        for input in inputs where done.contains(input.name) {
            let runFolder = runner.out.appendingPathComponent(input.name)
            let lmDir = runFolder.appendingPathComponent("landmarks", isDirectory: true)
            let lmJSON = lmDir.appendingPathComponent("landmarks.json")
            do {
                if !FileManager.default.fileExists(atPath: lmJSON.path) {
                    let (status, error) = try runner.runChild(["landmarks", input.path, "--out", lmDir.path], name: "\(input.name).landmarks")
                    guard status == 0 else { throw SiderError(.badInput, error ?? "sider landmarks exited \(status)") }
                }
                let fallbacks = try NoWSubmission.write(runFolder: runFolder, landmarksJSON: lmJSON, relativePath: input.relativePath, into: dir)
                print("now-submission: \(NoWSubmission.stem(input.relativePath)).obj/.txt\(fallbacks > 0 ? " (\(fallbacks) landmarks from the nearest covered pixel)" : "")")
            } catch {
                failures += 1
                print("now-submission: \(input.name) failed: \((error as? SiderError)?.message ?? "\(error)")")
            }
        }
        return failures
    }
}

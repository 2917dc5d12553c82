import Foundation
import SiderCore

/// Runs the photos of a batch, each as a child process
/// `SIDER reconstruct PHOTO --out OUT/NAME [--preset P] [--resume] EXTRA…`, so a crash or a
/// failed photo never takes the batch down; stdout and stderr go to OUT/logs/NAME.out/.err.
///
/// Resumable: a photo whose run.json says it finished is skipped; one whose run.json says
/// "interrupted" (or that left a checkpoint.bin without run.json) is continued with
/// `--resume`. A failure is recorded (OUT/logs/NAME.failed.json: its one-line error, the last
/// stderr line that starts with "error:", else the last non-empty one, and the exit status) and
/// the batch goes on; an interrupted child (exit 130, Ctrl-C) stops the batch. With
/// `forwardSignals`, SIGINT/SIGTERM to the batch reach the child as SIGINT (`ChildSignals`).
public struct BatchRunner {
    public var sider: URL
    public var out: URL
    public var preset: String?
    public var extraArguments: [String]
    /// Receives one progress line per photo.
    public var progress: (String) -> Void = { print($0) }
    /// Pass SIGINT/SIGTERM on to the running child and stop after it (`ChildSignals`).
    public var forwardSignals = false

    public init(sider: URL, out: URL, preset: String?, extraArguments: [String]) {
        self.sider = sider; self.out = out; self.preset = preset; self.extraArguments = extraArguments
    }

    public struct Outcome: Sendable {
        public var entries: [BatchEntry]
        public var ran = 0, skipped = 0, failed = 0
        public var stoppedByInterrupt = false
    }

    var logs: URL { out.appendingPathComponent("logs", isDirectory: true) }
    func failureURL(_ name: String) -> URL { logs.appendingPathComponent("\(name).failed.json") }

    func failure(_ name: String) -> BatchFailureRecord? {
        guard let data = try? Data(contentsOf: failureURL(name)) else { return nil }
        return try? JSONDecoder().decode(BatchFailureRecord.self, from: data)
    }

    /// The current entry of every input, from the folders (no run).
    public func entries(_ inputs: [BatchInput]) -> [BatchEntry] {
        inputs.map { BatchEntry.read($0, folder: out.appendingPathComponent($0.name), failure: failure($0.name)) }
    }

    public func run(_ inputs: [BatchInput]) throws -> Outcome {
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        if forwardSignals { ChildSignals.install() }
        defer { if forwardSignals { ChildSignals.uninstall() } }
        var outcome = Outcome(entries: [])
        var spent: Double = 0
        for (k, input) in inputs.enumerated() {
            let dir = out.appendingPathComponent(input.name)
            let before = BatchEntry.read(input, folder: dir, failure: nil)
            let tag = "[\(k + 1)/\(inputs.count)] \(input.name)"
            if forwardSignals && ChildSignals.stopRequested { outcome.stoppedByInterrupt = true; break }
            if before.status == "done" {
                outcome.skipped += 1
                progress("\(tag): finished before, skipped")
                continue
            }
            let resume = before.status == "interrupted"
                || FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint.bin").path)
            var args = ["reconstruct", input.path, "--out", dir.path]
            if let preset { args += ["--preset", preset] }
            if resume { args.append("--resume") }
            args += extraArguments
            let start = Date()
            let (status, lastError) = try runChild(args, name: input.name)
            let seconds = Date().timeIntervalSince(start)
            spent += seconds
            outcome.ran += 1
            let after = BatchEntry.read(input, folder: dir, failure: nil)
            var line: String
            if status == 0 && after.status == "done" {
                try? FileManager.default.removeItem(at: failureURL(input.name))
                line = String(format: "done in %.1f s", seconds)
            } else if status == 130 || after.status == "interrupted" && status != 0 {
                line = "interrupted (continue with the same command)"
                outcome.stoppedByInterrupt = true
            } else {
                let message = status == 0 ? "exited 0 without a finished run.json" : (lastError ?? "exit status \(status)")
                try AtomicFile.writeJSON(BatchFailureRecord(error: message, exitCode: status), to: failureURL(input.name))
                outcome.failed += 1
                line = "failed: \(message)"
            }
            let left = inputs.count - k - 1
            let eta = outcome.ran > 0 && left > 0 ? String(format: " · about %.0f min left", spent / Double(outcome.ran) * Double(left) / 60) : ""
            progress("\(tag): \(line) (\(outcome.ran) run, \(outcome.skipped) skipped, \(outcome.failed) failed\(eta))")
            if outcome.stoppedByInterrupt { break }
        }
        outcome.entries = entries(inputs)
        return outcome
    }

    /// Runs `sider args…`, waits; (exit status, its one-line error).
    public func runChild(_ args: [String], name: String) throws -> (Int32, String?) {
        let outURL = logs.appendingPathComponent("\(name).out"), errURL = logs.appendingPathComponent("\(name).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        guard let outHandle = FileHandle(forWritingAtPath: outURL.path), let errHandle = FileHandle(forWritingAtPath: errURL.path) else {
            throw SiderError(.io, "cannot write the logs in \(logs.path)")
        }
        defer { try? outHandle.close(); try? errHandle.close() }
        let p = Process()
        p.executableURL = sider
        p.arguments = args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = outHandle
        p.standardError = errHandle
        do {
            // The child inherits this thread's signal mask: unblock SIGINT/SIGTERM for the spawn,
            // so that a batch started from a thread that blocks them still reaches its child.
            let restore = forwardSignals ? ChildSignals.unblockForSpawn() : nil
            defer { if let restore { ChildSignals.restore(restore) } }
            try p.run()
        } catch {
            return (127, "cannot start \(sider.path): \(error.localizedDescription)")
        }
        if forwardSignals {
            ChildSignals.child = p.processIdentifier
            if ChildSignals.stopRequested { kill(p.processIdentifier, SIGINT) }
        }
        p.waitUntilExit()
        if forwardSignals { ChildSignals.child = 0 }
        let code: Int32 = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        let text = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (code, BatchRunner.oneLineError(text, signal: p.terminationReason == .uncaughtSignal ? p.terminationStatus : nil))
    }

    /// The last stderr line starting with "error:", else the last non-empty line (progress
    /// bars redraw with carriage returns, so lines split at \r too).
    static func oneLineError(_ stderr: String, signal: Int32? = nil) -> String? {
        let lines = stderr.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let line = lines.last(where: { $0.hasPrefix("error:") }) ?? lines.last
        if let signal { return "killed by signal \(signal)" + (line.map { " (last output: \($0))" } ?? "") }
        return line
    }
}

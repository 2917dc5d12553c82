import Foundation
@testable import Batch
import SiderCore
import Testing

/// The fake `sider` writes to $FAKE_SIDER_LOG, so these tests do not run in parallel.
@Suite(.serialized) struct BatchTests {
    static let twelve = (1...12).map { String(format: "face%02d.jpg", $0) }

    func runner(_ env: (root: URL, sider: URL, photos: URL, log: URL), out: String = "out") -> BatchRunner {
        var r = BatchRunner(sider: env.sider, out: env.root.appendingPathComponent(out, isDirectory: true), preset: "fast", extraArguments: [])
        r.progress = { _ in }
        return r
    }

    @Test func twoShardsCoverTheBatchExactlyOnce() throws {
        let env = try FakeSider.setUp("shards", photos: BatchTests.twelve)
        defer { try? FileManager.default.removeItem(at: env.root) }
        let inputs = try BatchInputs.expand([env.photos.path])
        #expect(inputs.count == 12)
        for n in [2, 3, 5] {
            let shards = try (0..<n).map { try BatchShard(index: $0, count: n) }
            let taken = inputs.map { input in shards.filter { $0.contains(input.name) }.count }
            #expect(taken.allSatisfy { $0 == 1 })
        }
        let r = runner(env)
        var names: [String] = []
        for i in 0..<2 {
            let shard = try BatchShard(index: i, count: 2)
            let mine = inputs.filter { shard.contains($0.name) }
            #expect(!mine.isEmpty)
            let outcome = try r.run(mine)
            try BatchSummary(entries: outcome.entries, shard: shard).write(to: r.out)
            names += outcome.entries.map(\.name)
        }
        #expect(names.sorted() == inputs.map(\.name).sorted())
        #expect(FakeSider.calls(env.log).count == 12)
    }

    @Test func aFailingPhotoIsRecordedAndTheBatchGoesOn() throws {
        let env = try FakeSider.setUp("fail", photos: ["a.jpg", "b_bad.jpg", "c.jpg", "d_crash.jpg", "e.jpg"])
        defer { try? FileManager.default.removeItem(at: env.root) }
        let r = runner(env)
        let outcome = try r.run(try BatchInputs.expand([env.photos.path]))
        #expect(outcome.failed == 2 && outcome.ran == 5)
        let summary = BatchSummary(entries: outcome.entries, shard: nil)
        #expect(summary.done == 3 && summary.failed == 2)
        let bad = try #require(summary.entries.first { $0.name == "b_bad" })
        #expect(bad.status == "failed" && bad.exitCode == 1)
        #expect(bad.error == "error: \(env.photos.path)/b_bad.jpg: not an image (bad signature)")
        let crash = try #require(summary.entries.first { $0.name == "d_crash" })
        #expect(crash.status == "failed" && crash.error?.hasPrefix("killed by signal 11") == true)
        #expect(summary.entries.first { $0.name == "e" }?.status == "done")
        try summary.write(to: r.out)
        let csv = try String(contentsOf: r.out.appendingPathComponent("summary.csv"), encoding: .utf8)
        #expect(csv.contains("b_bad,b_bad.jpg,failed,"))
        let index = try String(contentsOf: r.out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("href=\"a/report.html\"") && index.contains("not an image"))
    }

    @Test func aRerunSkipsFinishedPhotosAndResumesInterruptedOnes() throws {
        let env = try FakeSider.setUp("rerun", photos: ["a.jpg", "b_pause.jpg", "c.jpg", "z_bad.jpg"])
        defer { try? FileManager.default.removeItem(at: env.root) }
        let r = runner(env)
        let inputs = try BatchInputs.expand([env.photos.path])
        let first = try r.run(inputs)
        #expect(first.stoppedByInterrupt)                     // Ctrl-C in a child stops the batch
        #expect(FakeSider.calls(env.log) == ["a.jpg reconstruct resume=0", "b_pause.jpg reconstruct resume=0"])
        let second = try r.run(inputs)
        #expect(!second.stoppedByInterrupt && second.skipped == 1 && second.ran == 3 && second.failed == 1)
        #expect(Array(FakeSider.calls(env.log).dropFirst(2)) == ["b_pause.jpg reconstruct resume=1", "c.jpg reconstruct resume=0",
                                                                 "z_bad.jpg reconstruct resume=0"])
        let third = try r.run(inputs)
        #expect(third.skipped == 3 && third.ran == 1)          // only the failing photo is tried again
        #expect(FakeSider.calls(env.log).last == "z_bad.jpg reconstruct resume=0" && FakeSider.calls(env.log).count == 6)
        #expect(BatchSummary(entries: third.entries, shard: nil) == BatchSummary(entries: second.entries, shard: nil))
    }

    /// Foundation starts each child in its own process group, so a Ctrl-C reaches only the
    /// batch: it must pass it on (the child checkpoints) and stop before the next photo.
    @Test func anInterruptReachesTheRunningChildAndStopsTheBatch() throws {
        let env = try FakeSider.setUp("signal", photos: ["a_sleepy.jpg", "b.jpg"])
        defer { try? FileManager.default.removeItem(at: env.root) }
        var r = runner(env)
        r.forwardSignals = true
        let inputs = try BatchInputs.expand([env.photos.path])
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: BatchRunner.Outcome?
        nonisolated(unsafe) let batch = r
        Thread.detachNewThread {
            outcome = try? batch.run(inputs)
            done.signal()
        }
        // Wait until the child is running, then interrupt this process as a terminal would.
        while !FakeSider.calls(env.log).contains("a_sleepy.jpg waiting") { usleep(20_000) }
        kill(getpid(), SIGINT)
        done.wait()
        let result = try #require(outcome)
        #expect(result.stoppedByInterrupt)
        #expect(FakeSider.calls(env.log) == ["a_sleepy.jpg reconstruct resume=0", "a_sleepy.jpg waiting", "a_sleepy.jpg got SIGINT"])
    }

    @Test func mergedShardSummariesEqualTheUnshardedSummary() throws {
        let env = try FakeSider.setUp("merge", photos: BatchTests.twelve + ["sub/x_bad.jpg", "sub/face01.jpg"])
        defer { try? FileManager.default.removeItem(at: env.root) }
        let inputs = try BatchInputs.expand([env.photos.path])
        let whole = runner(env, out: "whole")
        let unsharded = BatchSummary(entries: try whole.run(inputs).entries, shard: nil)
        try unsharded.write(to: whole.out)
        let sharded = runner(env, out: "sharded")
        for i in 0..<3 {
            let shard = try BatchShard(index: i, count: 3)
            let outcome = try sharded.run(inputs.filter { shard.contains($0.name) })
            try BatchSummary(entries: outcome.entries, shard: shard).write(to: sharded.out)
        }
        let merged = try BatchSummary.merge([sharded.out], into: sharded.out)
        #expect(merged == unsharded)
        #expect(merged.photos == 14 && merged.failed == 1)
        let reread = try BatchSummary.load(sharded.out.appendingPathComponent("summary.json"))
        #expect(reread == unsharded)
        #expect(try String(contentsOf: sharded.out.appendingPathComponent("summary.csv"), encoding: .utf8)
                == String(contentsOf: whole.out.appendingPathComponent("summary.csv"), encoding: .utf8))
    }

    @Test func shardComesFromTheOptionOrTheScheduler() throws {
        #expect(try BatchShard.resolve(option: "1/4", count: nil, environment: ["SLURM_ARRAY_TASK_ID": "3"]) == BatchShard(index: 1, count: 4))
        #expect(try BatchShard.resolve(option: nil, count: nil,
                                       environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"])
                == BatchShard(index: 4, count: 8))
        #expect(try BatchShard.resolve(option: nil, count: 6, environment: ["JOB_COMPLETION_INDEX": "2"]) == BatchShard(index: 2, count: 6))
        #expect(try BatchShard.resolve(option: nil, count: nil, environment: ["JOB_COMPLETION_INDEX": "2", "SIDER_SHARD_COUNT": "3"])
                == BatchShard(index: 2, count: 3))
        #expect(try BatchShard.resolve(option: nil, count: nil, environment: [:]) == nil)
        #expect(throws: SiderError.self) { try BatchShard.resolve(option: nil, count: nil, environment: ["JOB_COMPLETION_INDEX": "2"]) }
        #expect(throws: SiderError.self) { try BatchShard.parse("4/4") }
        #expect(throws: SiderError.self) { try BatchShard.parse("x") }
    }

    @Test func inputsFromListsGlobsAndFoldersGetStableNames() throws {
        let env = try FakeSider.setUp("inputs", photos: ["s1/multiview_neutral/IMG_01.jpg", "s1/selfie/IMG_01.jpg", "b c.png", "notes.txt"])
        defer { try? FileManager.default.removeItem(at: env.root) }
        let list = env.root.appendingPathComponent("list.txt")
        try "# NoW-style list\ns1/multiview_neutral/IMG_01.jpg\n\ns1/selfie/IMG_01.jpg\n".write(to: list, atomically: true, encoding: .utf8)
        let fromList = try BatchInputs.expand([list.path], root: env.photos.path)
        #expect(fromList.map(\.name) == ["s1__multiview_neutral__IMG_01", "s1__selfie__IMG_01"])
        #expect(fromList.map(\.relativePath) == ["s1/multiview_neutral/IMG_01.jpg", "s1/selfie/IMG_01.jpg"])
        #expect(NoWSubmission.stem(fromList[0].relativePath) == "s1/multiview_neutral/IMG_01")
        let fromGlob = try BatchInputs.expand([env.photos.path + "/s1/*/IMG_01.jpg"])
        // Same file name in two folders: each gets a suffix from its own full path, so they differ.
        #expect(fromGlob.count == 2 && Set(fromGlob.map(\.name)).count == 2 && fromGlob.allSatisfy { $0.name.hasPrefix("IMG_01-") })
        #expect(try BatchInputs.expand([env.photos.path + "/s1/*/IMG_01.jpg"]).map(\.name) == fromGlob.map(\.name))
        let fromFolder = try BatchInputs.expand([env.photos.path, env.photos.path + "/b c.png"])
        #expect(fromFolder.map(\.name) == ["b_c", "s1__multiview_neutral__IMG_01", "s1__selfie__IMG_01"])   // txt skipped, duplicate dropped
        #expect(throws: SiderError.self) { try BatchInputs.expand([env.photos.path + "/nothing*.jpg"]) }
        #expect(throws: SiderError.self) { try BatchInputs.expand([env.root.appendingPathComponent("missing.jpg").path]) }
    }
}

import Foundation
import SiderCore

/// Which part of a batch this process runs: shard `index` of `count` (0-based) takes the
/// photos whose name hashes (FNV-1a 64, `BatchNames.fnv1a`) to `index` modulo `count`. The
/// subset depends on the name alone, so adding photos to a batch never moves the others to
/// another shard, and shards 0…count−1 together take every photo exactly once.
public struct BatchShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw SiderError(.badInput, "shard count must be at least 1, got \(count)") }
        guard (0..<count).contains(index) else { throw SiderError(.badInput, "shard index \(index) is outside 0…\(count - 1)") }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(_ name: String) -> Bool { BatchNames.fnv1a(name) % UInt64(count) == UInt64(index) }

    /// "I/N".
    public static func parse(_ text: String) throws -> BatchShard {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw SiderError(.badInput, "--shard must be I/N (0-based index / count), got '\(text)'")
        }
        return try BatchShard(index: i, count: n)
    }

    /// The shard from the command line, else from a job scheduler's environment:
    /// Slurm job arrays (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT),
    /// or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX of `count` / SIDER_SHARD_COUNT, since
    /// Kubernetes does not pass the completion count). Nil: the whole batch.
    public static func resolve(option: String?, count: Int?, environment: [String: String]) throws -> BatchShard? {
        if let option { return try parse(option) }
        func int(_ key: String) throws -> Int? {
            guard let s = environment[key], !s.isEmpty else { return nil }
            guard let v = Int(s) else { throw SiderError(.badInput, "\(key)='\(s)' is not an integer") }
            return v
        }
        if let id = try int("SLURM_ARRAY_TASK_ID") {
            guard let n = try count ?? int("SLURM_ARRAY_TASK_COUNT") else {
                throw SiderError(.badInput, "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; pass --shard-count")
            }
            return try BatchShard(index: id - (try int("SLURM_ARRAY_TASK_MIN") ?? 0), count: n)
        }
        if let id = try int("JOB_COMPLETION_INDEX") {
            guard let n = try count ?? int("SIDER_SHARD_COUNT") else {
                throw SiderError(.badInput, "JOB_COMPLETION_INDEX is set; pass --shard-count (or SIDER_SHARD_COUNT) with the Job's completions")
            }
            return try BatchShard(index: id, count: n)
        }
        return nil
    }
}

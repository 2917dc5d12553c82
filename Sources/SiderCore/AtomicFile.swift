import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes outputs so that a reader never sees a half-written file and an interrupted run never
/// destroys what the user had: data goes to a temporary file in the same folder, then is renamed.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            try data.write(to: tmp)
            // rename(2) replaces the target atomically on POSIX file systems.
            if rename(tmp.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: tmp)
                throw SiderError(.io, "cannot write \(url.path): \(reason)")
            }
        } catch let e as SiderError {
            throw e
        } catch {
            throw SiderError(.io, "cannot write \(url.path): \(FileErrorText.reason(error, at: url))")
        }
    }

    /// The process id in a temporary file name `.NAME.tmp-PID-RANDOM` written by `write`, or nil
    /// when `name` is not one.
    public static func writerOfTemporary(named name: String) -> Int32? {
        guard name.hasPrefix("."), let r = name.range(of: ".tmp-", options: .backwards), r.lowerBound > name.index(after: name.startIndex) else { return nil }
        let parts = name[r.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, UInt32(parts[1]) != nil else { return nil }
        return pid
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Encodes `value` as pretty, key-sorted JSON and writes it atomically.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try enc.encode(value) } catch {
            throw SiderError(.numerical, "cannot encode \(url.lastPathComponent): \(error)")
        }
        try write(data, to: url)
    }

    /// Reads a whole file, with a one-line error that names it.
    public static func read(_ url: URL) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SiderError(.missingFile, "file not found: \(url.path)")
        }
        guard !isDirectory.boolValue else {
            throw SiderError(.badInput, "\(url.path) is a folder, not a file")
        }
        do { return try Data(contentsOf: url) } catch {
            throw SiderError(.io, "cannot read \(url.path): \(FileErrorText.reason(error, at: url))")
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder a command writes into, guarded so that nothing the user already had is lost.
///
/// A command may write into a folder that does not exist yet (it is created), an empty one, or
/// one that an earlier `sider` run wrote (it holds the marker file `.sider-output`, which names
/// the command). Any other existing, non-empty folder — or a path that is a file — is refused
/// with a one-line error unless the user passes `--force`. Each output file is still written
/// atomically (`AtomicFile`), so an interrupted run never leaves half a file behind.
public enum OutputFolder {
    public static let markerName = ".sider-output"

    /// Creates `url` if needed, checks it may be written and marks it as `command`'s output.
    /// - Parameter force: write into a non-empty folder that no `sider` run made.
    @discardableResult
    public static func prepare(_ url: URL, command: String, force: Bool = false) throws -> URL {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw SiderError(.badInput, "output folder \(url.path) is a file; choose another --out")
            }
            let entries: [String]
            do { entries = try fm.contentsOfDirectory(atPath: url.path) } catch {
                throw SiderError(.io, "cannot read output folder \(url.path): \(FileErrorText.reason(error, at: url))")
            }
            if !entries.isEmpty, !entries.contains(markerName), !force {
                throw SiderError(.badInput, "output folder \(url.path) already holds files that sider did not write; choose an empty or new --out, or pass --force")
            }
        } else {
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw SiderError(.io, "cannot create output folder \(url.path): \(FileErrorText.reason(error, at: url))")
            }
        }
        try AtomicFile.write("\(command)\n", to: url.appendingPathComponent(markerName))
        removeLeftoverTemporaries(in: url)
        return url
    }

    /// Deletes the temporary files of atomic writes that never finished (`AtomicFile` names them
    /// `.NAME.tmp-PID-RANDOM`; a run killed mid-write leaves one behind) in `url` and its
    /// sub-folders, unless the process that was writing it is still alive.
    public static func removeLeftoverTemporaries(in url: URL) {
        let fm = FileManager.default
        var folders = [url]
        if let subs = try? fm.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey]) {
            folders += subs.filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        }
        for folder in folders {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
                guard let pid = AtomicFile.writerOfTemporary(named: name), !processIsAlive(pid) else { continue }
                try? fm.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    private static func processIsAlive(_ pid: Int32) -> Bool {
        pid == getpid() ? false : (kill(pid, 0) == 0 || errno == EPERM)
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One place that turns Foundation's file errors into one readable line.
///
/// Foundation on Linux reports many failures as bare codes ("The operation could not be
/// completed. (NSCocoaErrorDomain error 256.)", "error 512"). The cause is read from the error's
/// underlying POSIX code when it has one, and otherwise from the path itself: a folder where a
/// file was expected, or a file where a folder must be (`--out` below a regular file).
public enum FileErrorText {
    /// Why the operation on `url` failed, e.g. "is a folder, not a file",
    /// "/a/b is a file, so no folder can be made below it", "permission denied".
    public static func reason(_ error: Error, at url: URL) -> String {
        if let why = pathProblem(url) { return why }
        let ns = error as NSError
        if let posix = posixCode(ns) { return String(cString: strerror(posix)).lowercased() }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            case .fileReadTooLarge: return "the file is too large to read"
            case .fileReadCorruptFile: return "the file is damaged"
            case .fileWriteFileExists: return "a file of that name is in the way"
            default: break
            }
        }
        return "\(ns.domain) error \(ns.code)"
    }

    /// A problem visible in the path: the target is a folder, or one of its parents is a file.
    static func pathProblem(_ url: URL) -> String? {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "it is a folder, not a file"
        }
        var parent = url.deletingLastPathComponent()
        while parent.path != "/" && !parent.path.isEmpty {
            if fm.fileExists(atPath: parent.path, isDirectory: &isDirectory) {
                return isDirectory.boolValue ? nil : "\(parent.path) is a file, not a folder"
            }
            parent = parent.deletingLastPathComponent()
        }
        return nil
    }

    private static func posixCode(_ error: NSError) -> Int32? {
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return posixCode(underlying) }
        return nil
    }
}

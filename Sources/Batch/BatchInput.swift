import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SiderCore

/// One photo of a batch: where it is, the path it is known by (relative to the folder or list
/// it came from: the NoW layout and the output name follow it) and its output folder's name.
public struct BatchInput: Sendable, Equatable {
    public var path: String
    public var relativePath: String
    public var name: String
}

/// The photos named by `sider batch`'s arguments: a folder (its images, recursively, in sorted
/// order), a glob pattern (`photos/*.jpg`, expanded here so quoting it works), a text file of
/// paths (one a line; `#` comments and blank lines skipped; relative paths are relative to
/// `root`, default the list's folder — so NoW's image list works with `--root` its image
/// folder), or a single image. Duplicates (same resolved path) are dropped.
public enum BatchInputs {
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "ppm", "pgm", "pnm"]

    public static func expand(_ arguments: [String], root: String? = nil) throws -> [BatchInput] {
        var found: [(path: String, relative: String)] = []
        let fm = FileManager.default
        for arg in arguments {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: arg, isDirectory: &isDir), isDir.boolValue {
                found += try folderImages(arg)
            } else if arg.contains(where: { "*?[".contains($0) }) && !fm.fileExists(atPath: arg) {
                let matches = glob(arg)
                guard !matches.isEmpty else { throw SiderError(.badInput, "no file matches \(arg)") }
                found += matches.map { ($0, URL(fileURLWithPath: $0).lastPathComponent) }
            } else if fm.fileExists(atPath: arg) {
                if imageExtensions.contains(URL(fileURLWithPath: arg).pathExtension.lowercased()) {
                    found.append((arg, URL(fileURLWithPath: arg).lastPathComponent))
                } else {
                    found += try listFile(arg, root: root)
                }
            } else {
                throw SiderError(.missingFile, "batch input not found: \(arg)")
            }
        }
        var seen = Set<String>()
        let unique = found.filter { seen.insert(URL(fileURLWithPath: $0.path).standardizedFileURL.path).inserted }
        return BatchNames.assign(unique)
    }

    static func folderImages(_ folder: String) throws -> [(path: String, relative: String)] {
        let base = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        guard let e = FileManager.default.enumerator(atPath: base.path) else {
            throw SiderError(.io, "cannot read folder \(folder)")
        }
        var out: [(String, String)] = []
        while let rel = e.nextObject() as? String {
            guard imageExtensions.contains(URL(fileURLWithPath: rel).pathExtension.lowercased()) else { continue }
            out.append((base.appendingPathComponent(rel).path, rel))
        }
        return out.sorted { $0.1 < $1.1 }
    }

    static func listFile(_ file: String, root: String?) throws -> [(path: String, relative: String)] {
        let data = try AtomicFile.read(URL(fileURLWithPath: file))
        guard let text = String(data: data, encoding: .utf8), !data.contains(0) else {
            throw SiderError(.badInput, "\(file) is neither an image (by extension) nor a text file of paths")
        }
        let base = root.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? URL(fileURLWithPath: file).deletingLastPathComponent()
        var out: [(String, String)] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let path = line.hasPrefix("/") ? line : base.appendingPathComponent(line).path
            out.append((path, line.hasPrefix("/") ? URL(fileURLWithPath: line).lastPathComponent : line))
        }
        return out
    }

    /// POSIX glob(3), sorted.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}

/// Output folder names: stable (a function of the photo's relative path only), readable, and
/// safe as one path component.
public enum BatchNames {
    /// The relative path without its extension, "/" → "__", other characters outside
    /// [A-Za-z0-9._-] → "_"; when two photos get the same name, each of them gets "-" and 8 hex
    /// digits of the FNV-1a hash of its full path appended.
    static func assign(_ items: [(path: String, relative: String)]) -> [BatchInput] {
        let base = items.map { readable($0.relative) }
        var count: [String: Int] = [:]
        for b in base { count[b, default: 0] += 1 }
        return zip(items, base).map { item, b in
            let name = count[b]! > 1 ? b + "-" + String(format: "%08x", UInt32(truncatingIfNeeded: fnv1a(URL(fileURLWithPath: item.path).standardizedFileURL.path))) : b
            return BatchInput(path: item.path, relativePath: item.relative, name: name)
        }
    }

    static func readable(_ relative: String) -> String {
        let stem = (relative as NSString).deletingPathExtension
        var out = ""
        for u in stem.unicodeScalars {
            if u == "/" { out += "__" } else if CharacterSet.alphanumerics.contains(u) && u.isASCII || "._-".unicodeScalars.contains(u) {
                out.unicodeScalars.append(u)
            } else { out += "_" }
        }
        while out.hasPrefix(".") { out.removeFirst() }
        return out.isEmpty ? "photo" : out
    }

    /// 64-bit FNV-1a of the UTF-8 bytes (stable across runs and machines, unlike `hashValue`).
    public static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}

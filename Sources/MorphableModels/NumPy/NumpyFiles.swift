import Foundation
import SiderCore
import ZIPFoundation

/// numpy's own file formats: `.npy` (magic `\x93NUMPY`, version, little-endian header length —
/// 2 bytes in v1, 4 in v2/v3 — then a Python dict literal with `descr`, `fortran_order`,
/// `shape`, then the raw data) and `.npz` (a zip of `.npy` members, stored or deflated).
/// An object array (`descr` 'O', e.g. `np.save` of a dict) is followed by a pickle instead of
/// raw data; it is returned as the unpickled value.
public enum NumpyFiles {
    /// Reads one `.npy` file: a `.array` for numeric data, the pickled value for object arrays.
    public static func loadNPY(_ url: URL) throws -> PickleValue {
        try parseNPY([UInt8](try AtomicFile.read(url)), source: url.lastPathComponent)
    }

    /// Reads the members of an `.npz` archive named in `keys` (all members when nil), keyed by
    /// name without the `.npy` suffix; members not asked for are never inflated. Each member is
    /// inflated only as far as its `.npy` header allows (header + shape × item size; object
    /// arrays up to `maxObjectMemberBytes`), so a decompression bomb fails fast with little memory.
    public static func loadNPZ(_ url: URL, keys: Set<String>? = nil) throws -> PickleDict {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SiderError(.missingFile, "file not found: \(url.path)")
        }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw SiderError(.badModel, "\(url.lastPathComponent) is not a readable .npz (zip) archive")
        }
        return try loadMembers(of: archive, keys: keys, source: url.lastPathComponent)
    }

    /// `loadNPZ` on in-memory archive bytes.
    public static func decodeNPZ(_ data: Data, keys: Set<String>? = nil, source: String = ".npz data") throws -> PickleDict {
        try withArchive(of: data, source: source) { try loadMembers(of: $0, keys: keys, source: source) }
    }

    /// Opens zip bytes held in memory through a temporary file. ZIPFoundation's in-memory
    /// archive traps on an offset past the end (it seeks beyond its data, then reads a negative
    /// count — found by the npz fuzzer); its file-backed reader just meets the end of the file.
    static func withArchive<T>(of data: Data, source: String, _ body: (Archive) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sider-zip-\(UUID().uuidString).zip")
        do { try data.write(to: url) } catch {
            throw SiderError(.io, "cannot write a temporary copy of \(source): \(FileErrorText.reason(error, at: url))")
        }
        defer { try? FileManager.default.removeItem(at: url) }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw SiderError(.badModel, "\(source) is not a readable .npz (zip) archive")
        }
        return try body(archive)
    }

    /// Largest pickled (object-dtype) member inflated; numeric members are capped by their header.
    public static let maxObjectMemberBytes = 256 << 20

    private static func loadMembers(of archive: Archive, keys: Set<String>?, source: String) throws -> PickleDict {
        let dict = PickleDict()
        for entry in archive where entry.type == .file {
            var key = entry.path
            if key.hasSuffix(".npy") { key.removeLast(4) }
            if let wanted = keys, !wanted.contains(key) { continue }
            let name = "\(source):\(entry.path)"
            let bytes = try inflate(entry, of: archive, name: name)
            dict.set(.string(key), try parseNPY(bytes, source: name))
        }
        return dict
    }

    /// A member's bytes, stopping as soon as they pass what its `.npy` header declares.
    private static func inflate(_ entry: Entry, of archive: Archive, name: String) throws -> [UInt8] {
        struct TooLarge: Error { let limit: Int }
        var bytes = [UInt8]()
        var limit = maxHeaderBytes + 12          // until the header is complete
        var headerRead = false
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard chunk.count <= limit - bytes.count else { throw TooLarge(limit: limit) }
                bytes.append(contentsOf: chunk)
                if !headerRead, let total = try declaredSize(bytes, source: name) {
                    headerRead = true
                    limit = total
                    guard bytes.count <= limit else { throw TooLarge(limit: limit) }
                }
            }
        } catch let e as TooLarge {
            throw SiderError(.badModel, "\(name) inflates past the \(e.limit) bytes its .npy header allows (damaged or a decompression bomb)")
        } catch let e as SiderError {
            throw e
        } catch {
            throw SiderError(.badModel, "\(name) is damaged")
        }
        return bytes
    }

    /// Longest `.npy` header accepted (numpy writes a few hundred bytes).
    static let maxHeaderBytes = 1 << 20

    /// The whole `.npy` size its header implies, or nil until `prefix` holds the whole header.
    static func declaredSize(_ prefix: [UInt8], source: String) throws -> Int? {
        guard prefix.count >= 12 else { return nil }
        let start = try headerStart(prefix, source: source)
        var length = 0
        for i in 0..<(start - 8) { length |= Int(prefix[8 + i]) << (8 * i) }
        guard length <= maxHeaderBytes else { throw SiderError(.badModel, "\(source): .npy header of \(length) bytes is too long") }
        guard prefix.count >= start + length else { return nil }
        let header = String(decoding: prefix[start..<(start + length)], as: UTF8.self)
        let (descr, _, shape) = try parseHeader(header, source: source)
        if descr.contains("O") { return start + length + maxObjectMemberBytes }
        let size = Int(descr.filter(\.isNumber).prefix(2)) ?? 0
        guard let data = CheckedSize.product(shape + [size]), let total = CheckedSize.sum(start + length, data) else {
            throw SiderError(.badModel, "\(source): array of shape \(shape) is impossibly large")
        }
        return total
    }

    /// Offset of the header text after magic, version and length (10 in v1, 12 in v2/v3).
    private static func headerStart(_ bytes: [UInt8], source: String) throws -> Int {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw SiderError(.badModel, "\(source) is not a numpy .npy file (bad magic)")
        }
        let major = bytes[6]
        guard major >= 1, major <= 3 else {
            throw SiderError(.unsupported, "\(source): .npy version \(major) is not supported")
        }
        return major == 1 ? 10 : 12
    }

    static func parseNPY(_ bytes: [UInt8], source: String) throws -> PickleValue {
        let headerStart = try headerStart(bytes, source: source)
        guard bytes.count >= headerStart else { throw SiderError(.badModel, "\(source): truncated .npy header") }
        var headerLength = 0
        for i in 0..<(headerStart - 8) { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        guard headerStart + headerLength <= bytes.count else {
            throw SiderError(.badModel, "\(source): truncated .npy header")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let (descr, fortran, shape) = try parseHeader(header, source: source)
        let body = bytes[(headerStart + headerLength)...]
        if descr.contains("O") {
            var reader = Unpickler(bytes: Array(body), source: source)
            return try reader.load()
        }
        let size = Int(descr.filter(\.isNumber).prefix(2)) ?? 0
        guard let needed = CheckedSize.product(shape + [size]) else {
            throw SiderError(.badModel, "\(source): array of shape \(shape) is impossibly large")
        }
        guard body.count >= needed else {
            throw SiderError(.badModel, "\(source): data of shape \(shape) is truncated")
        }
        let raw = body.prefix(needed)
        return .array(try NDArray.decode(raw: raw, descr: descr, shape: shape, fortran: fortran))
    }

    /// Parses `{'descr': '<f8', 'fortran_order': False, 'shape': (5023, 3), }`.
    static func parseHeader(_ header: String, source: String) throws -> (String, Bool, [Int]) {
        func value(after key: String) -> Substring? {
            guard let r = header.range(of: "'\(key)'") else { return nil }
            var rest = header[r.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " }
            return rest
        }
        guard let d = value(after: "descr"), let q = d.first, q == "'" || q == "\"",
              let end = d.dropFirst().firstIndex(of: q) else {
            throw SiderError(.badModel, "\(source): .npy header without a 'descr'")
        }
        let descr = String(d[d.index(after: d.startIndex)..<end])
        let fortran = value(after: "fortran_order")?.hasPrefix("True") ?? false
        guard let s = value(after: "shape"), s.first == "(", let close = s.firstIndex(of: ")") else {
            throw SiderError(.badModel, "\(source): .npy header without a 'shape'")
        }
        let shape = try s[s.index(after: s.startIndex)..<close].split(separator: ",").compactMap { part -> Int? in
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            guard let v = Int(t.hasSuffix("L") ? String(t.dropLast()) : t), v >= 0 else {
                throw SiderError(.badModel, "\(source): bad .npy shape '\(s[...close])'")
            }
            return v
        }
        return (descr, fortran, shape)
    }
}

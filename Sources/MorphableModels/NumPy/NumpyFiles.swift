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

    /// Reads every member of an `.npz` archive, keyed by name without the `.npy` suffix.
    public static func loadNPZ(_ url: URL) throws -> PickleDict {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SiderError(.missingFile, "file not found: \(url.path)")
        }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw SiderError(.badModel, "\(url.lastPathComponent) is not a readable .npz (zip) archive")
        }
        let dict = PickleDict()
        for entry in archive where entry.type == .file {
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            } catch {
                throw SiderError(.badModel, "\(url.lastPathComponent): member \(entry.path) is damaged")
            }
            var key = entry.path
            if key.hasSuffix(".npy") { key.removeLast(4) }
            dict.set(.string(key), try parseNPY([UInt8](data), source: "\(url.lastPathComponent):\(entry.path)"))
        }
        return dict
    }

    static func parseNPY(_ bytes: [UInt8], source: String) throws -> PickleValue {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw SiderError(.badModel, "\(source) is not a numpy .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard major >= 1, major <= 3, bytes.count >= headerStart else {
            throw SiderError(.unsupported, "\(source): .npy version \(major) is not supported")
        }
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
        let count = shape.reduce(1, *)
        let size = Int(descr.filter(\.isNumber)) ?? 0
        guard body.count >= count * size else {
            throw SiderError(.badModel, "\(source): data of shape \(shape) is truncated")
        }
        let raw = body.prefix(count * size)
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

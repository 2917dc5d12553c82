import Foundation
import ZIPFoundation

/// Hostile and damaged input files, built byte by byte, for the tests that check every parser
/// answers them with a one-line error (the reproductions of issue 14 among them). Nothing here
/// is a real model or photo; every builder is deterministic.
public enum HostileInputs {
    /// An `.npy` header + data: `shape` and `descr` as written, `data` raw.
    public static func npy(shape: String, descr: String = "<f8", data: [UInt8]) -> Data {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = header.utf8.count
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data)
    }

    /// The overflow: shape (2⁶², 3) of float64 with 24 data bytes (2⁶²·3·8 wraps to 0·… ).
    public static let overflowShape = "(4611686018427387904, 3)"

    /// `overflowShape` as an `.npy`.
    public static var overflowNPY: Data { npy(shape: overflowShape, data: [UInt8](repeating: 0, count: 24)) }

    /// A protocol-2 pickle of `{key: ndarray}` whose array claims shape (2⁶², 3) with 24 bytes,
    /// the way numpy pickles arrays (`_reconstruct` + BUILD with (1, shape, dtype, False, bytes)).
    public static func overflowPickle(key: String = "v_template") -> Data {
        var p = Pickle()
        p.raw([0x80, 0x02, 0x7D])                                 // PROTO 2, EMPTY_DICT
        p.shortString(key)
        p.global("numpy.core.multiarray", "_reconstruct")
        p.global("numpy", "ndarray")
        p.raw([0x4B, 0x00, 0x85])                                 // (0,)
        p.shortBytes([0x62])                                      // b'b'
        p.raw([0x87, 0x52])                                       // TUPLE3, REDUCE
        p.raw([0x28, 0x4B, 0x01])                                 // MARK, version 1
        p.raw([0x8A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x4B, 0x03, 0x86])  // (2**62, 3)
        p.global("numpy", "dtype")
        p.shortString("f8")
        p.raw([0x4B, 0x00, 0x4B, 0x01, 0x87, 0x52])               // dtype('f8', 0, 1)
        p.raw([0x89])                                             // fortran False
        p.shortBytes([UInt8](repeating: 0, count: 24))
        p.raw([0x74, 0x62])                                       // TUPLE, BUILD
        p.raw([0x73, 0x2E])                                       // SETITEM, STOP
        return Data(p.bytes)
    }

    /// The deep pickle: `\x80\x02` + `]`·n + `a`·(n−1) + `.` (lists nested n deep).
    public static func deepListPickle(depth n: Int = 100_000) -> Data {
        Data([0x80, 0x02] + [UInt8](repeating: 0x5D, count: n) + [UInt8](repeating: 0x61, count: n - 1) + [0x2E])
    }

    /// Tuples nested n deep: `)` then TUPLE1 n times.
    public static func deepTuplePickle(depth n: Int = 100_000) -> Data {
        Data([0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: n) + [0x2E])
    }

    /// Lists nested n deep through the memo, so that no count of nesting made while reading
    /// sees it: each new list is appended to the previous one fetched back from the memo.
    public static func deepMemoChainPickle(depth n: Int = 100_000) -> Data {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var b: [UInt8] = [0x80, 0x02, 0x5D, 0x72] + le32(0) + [0x6A] + le32(0)   // L0, memo 0, get 0
        for i in 1...n {
            b += [0x5D, 0x72] + le32(i) + [0x61, 0x30, 0x6A] + le32(i)   // Li, memo i, APPEND, POP, get i
        }
        b += [0x30, 0x2E]                                                   // POP, STOP → L0
        return Data(b)
    }

    /// An object-dtype `.npy` (the landmark-embedding layout) holding `pickle`.
    public static func objectNPY(_ pickle: Data) -> Data {
        npy(shape: "()", descr: "|O", data: [UInt8](pickle))
    }

    /// An `.npz` whose members are `members` (name → bytes), deflated.
    public static func npz(_ members: [(String, Data)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (name, data) in members {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let out = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return out
    }

    /// `zip` with its end-of-central-directory record pointing the central directory
    /// `past` bytes beyond the end of the file (the npz fuzzer's first finding: ZIPFoundation's
    /// in-memory archive trapped on it).
    public static func zipWithCentralDirectoryPastTheEnd(_ zip: Data, past: Int = 788) -> Data {
        var b = [UInt8](zip)
        guard let eocd = (0...(b.count - 22)).reversed().first(where: { b[$0] == 0x50 && b[$0 + 1] == 0x4B && b[$0 + 2] == 5 && b[$0 + 3] == 6 }) else {
            return zip
        }
        let offset = b.count + past
        for k in 0..<4 { b[eocd + 16 + k] = UInt8((offset >> (8 * k)) & 0xFF) }
        return Data(b)
    }

    /// A decompression bomb: `v_template.npy` whose header allows 48 data bytes but which
    /// inflates to `inflatedBytes` (zeros deflate about 1000:1), beside `junk` members that are
    /// no FLAME key (a reader that inflates only the keys it wants never opens them).
    public static func bombNPZ(inflatedBytes: Int = 64 << 20, junk: Int = 1000) throws -> Data {
        let archive = try Archive(accessMode: .create)
        let head = [UInt8](npy(shape: "(2, 3)", data: []))
        let total = head.count + inflatedBytes
        try archive.addEntry(with: "v_template.npy", type: .file, uncompressedSize: Int64(total), compressionMethod: .deflate,
                             bufferSize: 1 << 20) { position, size in
            let start = Int(position)
            var chunk = Data(count: size)
            if start < head.count { chunk.replaceSubrange(0..<min(size, head.count - start), with: head[start..<min(head.count, start + size)]) }
            return chunk
        }
        let small = npy(shape: "(1,)", data: [UInt8](repeating: 0, count: 8))
        for k in 0..<junk {
            try archive.addEntry(with: "junk_\(k).npy", type: .file, uncompressedSize: Int64(small.count), compressionMethod: .deflate) { p, s in
                small.subdata(in: Int(p)..<(Int(p) + s))
            }
        }
        guard let out = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return out
    }

    /// A PLY whose header claims `vertices` vertices and `faces` faces over a one-triangle body.
    public static func hugePLY(vertices: Int = 1 << 31, faces: Int = 1 << 31, binary: Bool = false) -> Data {
        let format = binary ? "binary_little_endian" : "ascii"
        let header = "ply\nformat \(format) 1.0\nelement vertex \(vertices)\nproperty float x\nproperty float y\nproperty float z\nelement face \(faces)\nproperty list uchar int vertex_indices\nend_header\n"
        let body = binary ? [UInt8](repeating: 0, count: 36) + [3, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]
            : Array("0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n".utf8)
        return Data(header.utf8) + Data(body)
    }

    /// Opcode-level pickle writer for the builders above.
    struct Pickle {
        var bytes: [UInt8] = []
        mutating func raw(_ b: [UInt8]) { bytes += b }
        mutating func global(_ module: String, _ name: String) { bytes += [0x63] + Array("\(module)\n\(name)\n".utf8) }
        mutating func shortString(_ s: String) { let u = Array(s.utf8); bytes += [0x8C, UInt8(u.count)] + u }
        mutating func shortBytes(_ b: [UInt8]) { bytes += [0x43, UInt8(b.count)] + b }
    }
}

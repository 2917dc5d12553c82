import Foundation

/// A value to serialise into a test flatbuffer (independent of the reader under test).
indirect enum FBValue {
    case u8(UInt8), i8(Int8), i32(Int32), u32(UInt32), u64(UInt64), f32(Float), bool(Bool)
    case table([Int: FBValue])
    case string(String)
    case ints([Int32]), u16s([UInt16]), bytes([UInt8]), floats([Float]), longs([Int64])
    case tables([FBValue])

    /// Inline size of a field holding this value (references are 4-byte offsets).
    var inlineSize: Int {
        switch self {
        case .u8, .i8, .bool: return 1
        case .i32, .u32, .f32: return 4
        case .u64: return 8
        default: return 4
        }
    }
}

/// Minimal front-to-back flatbuffer writer: each table's vtable is written just before it,
/// children after their parent (so every uoffset points forward), then offsets are patched.
final class FBWriter {
    private(set) var buf: [UInt8] = []

    static func build(root: FBValue, identifier: String) -> [UInt8] {
        let w = FBWriter()
        w.put(UInt32(0))
        w.buf += Array(identifier.utf8.prefix(4))
        let pos = w.write(root)
        w.patch(0, UInt32(pos))
        return w.buf
    }

    private func align(_ n: Int) { while buf.count % n != 0 { buf.append(0) } }
    private func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { buf += $0 } }
    private func patch(_ at: Int, _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { buf[at + i] = b } }
    }
    private func patchOffset(field at: Int, to target: Int) { patch(at, UInt32(target - at)) }

    /// Writes an object (table, vector, string) and returns the position its references point to.
    private func write(_ v: FBValue) -> Int {
        switch v {
        case .table(let fields): return writeTable(fields)
        case .string(let s):
            let bytes = Array(s.utf8)
            align(4)
            let pos = buf.count
            put(UInt32(bytes.count))
            buf += bytes
            buf.append(0)
            return pos
        case .ints(let v): return writeVector(v.count, 4) { for x in v { put(x) } }
        case .u16s(let v): return writeVector(v.count, 2) { for x in v { put(x) } }
        case .bytes(let v): return writeVector(v.count, 1) { buf += v }
        case .floats(let v): return writeVector(v.count, 4) { for x in v { put(x.bitPattern) } }
        case .longs(let v): return writeVector(v.count, 8) { for x in v { put(x) } }
        case .tables(let items):
            let pos = writeVector(items.count, 4) { for _ in items { put(UInt32(0)) } }
            for (i, item) in items.enumerated() {
                let child = write(item)
                patchOffset(field: pos + 4 + 4 * i, to: child)
            }
            return pos
        default:
            fatalError("scalar \(v) is not an object")
        }
    }

    private func writeVector(_ count: Int, _ elementSize: Int, _ body: () -> Void) -> Int {
        // Elements start right after the u32 count, aligned to 16 (TFLite's buffer alignment).
        while (buf.count + 4) % 16 != 0 { buf.append(0) }
        let pos = buf.count
        put(UInt32(count))
        body()
        return pos
    }

    private func writeTable(_ fields: [Int: FBValue]) -> Int {
        let indices = fields.keys.sorted()
        var layout: [Int: Int] = [:]
        var size = 4
        for i in indices {
            let s = fields[i]!.inlineSize
            size = (size + s - 1) / s * s
            layout[i] = size
            size += s
        }
        let slots = (indices.last ?? -1) + 1
        align(2)
        let vt = buf.count
        put(UInt16(4 + 2 * slots))
        put(UInt16(size))
        for i in 0..<slots { put(UInt16(layout[i] ?? 0)) }
        align(8)
        let table = buf.count
        put(Int32(table - vt))
        buf += [UInt8](repeating: 0, count: size - 4)
        var refs: [(Int, FBValue)] = []
        for i in indices {
            let at = table + layout[i]!
            func set<T: FixedWidthInteger>(_ v: T) {
                withUnsafeBytes(of: v.littleEndian) { for (k, b) in $0.enumerated() { buf[at + k] = b } }
            }
            switch fields[i]! {
            case .u8(let v): set(v)
            case .i8(let v): set(v)
            case .bool(let v): set(UInt8(v ? 1 : 0))
            case .i32(let v): set(v)
            case .u32(let v): set(v)
            case .u64(let v): set(v)
            case .f32(let v): set(v.bitPattern)
            case let other: refs.append((at, other))
            }
        }
        for (at, child) in refs { patchOffset(field: at, to: write(child)) }
        return table
    }
}

import SiderCore

/// A bounds-checked reader for the FlatBuffers binary format (little-endian).
///
/// Layout recap: the buffer starts with a `uoffset` (u32) to the root table. A table starts with
/// an `soffset` (i32): `vtable = table − soffset`. A vtable is `[u16 vtableSize, u16 tableSize,
/// u16 fieldOffset…]`; field *i* lives at `table + fieldOffset[i]` (0 = absent, use the default).
/// Reference fields (tables, vectors, strings) hold a u32 offset relative to the field's own
/// position. A vector is `u32 count` followed by its elements; a string is a byte vector
/// (plus a terminating 0). A union is two fields: a u8 type tag and a reference to a table.
///
/// Every read checks its bounds and throws `SiderError(.badModel)` instead of trapping.
struct FlatBuffer: Sendable {
    let bytes: [UInt8]
    /// Used in error messages.
    let fileName: String

    init(_ bytes: [UInt8], fileName: String) {
        self.bytes = bytes
        self.fileName = fileName
    }

    func fail(_ what: String) -> SiderError {
        SiderError(.badModel, "damaged TFLite model \(fileName): \(what)")
    }

    /// Reads a little-endian scalar at `offset`, checking `offset..<offset+size` lies in the buffer.
    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset <= bytes.count - size else {
            throw fail("read of \(size) bytes at offset \(offset) past the end (\(bytes.count) bytes)")
        }
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    func loadFloat(at offset: Int) throws -> Float {
        Float(bitPattern: try load(UInt32.self, at: offset))
    }

    /// Follows the u32 offset stored at `offset`.
    func follow(_ offset: Int) throws -> Int {
        let target = offset + Int(try load(UInt32.self, at: offset))
        guard target < bytes.count else { throw fail("offset at \(offset) points past the end") }
        return target
    }

    /// The root table, after checking the 4-byte file identifier at bytes 4..<8.
    func root(identifier: String) throws -> FBTable {
        guard bytes.count >= 8 else { throw fail("file too short (\(bytes.count) bytes)") }
        let id = String(decoding: bytes[4..<8], as: UTF8.self)
        guard id == identifier else {
            throw SiderError(.badModel, "\(fileName) is not a TFLite model (file identifier is not \"\(identifier)\")")
        }
        return try FBTable(self, at: try follow(0))
    }
}

/// A table inside a `FlatBuffer`: its position and validated vtable.
struct FBTable: Sendable {
    let fb: FlatBuffer
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    init(_ fb: FlatBuffer, at position: Int) throws {
        self.fb = fb
        self.position = position
        let vt = position - Int(try fb.load(Int32.self, at: position))
        let size = Int(try fb.load(UInt16.self, at: vt))
        guard size >= 4, size % 2 == 0, vt + size <= fb.bytes.count else {
            throw fb.fail("bad vtable for the table at offset \(position)")
        }
        vtable = vt
        vtableSize = size
    }

    /// Absolute position of field `index`, or nil when absent.
    func fieldPosition(_ index: Int) throws -> Int? {
        let slot = 4 + 2 * index
        guard slot + 2 <= vtableSize else { return nil }
        let rel = Int(try fb.load(UInt16.self, at: vtable + slot))
        return rel == 0 ? nil : position + rel
    }

    func has(_ index: Int) throws -> Bool { try fieldPosition(index) != nil }

    func scalar<T: FixedWidthInteger>(_ index: Int, default value: T) throws -> T {
        guard let p = try fieldPosition(index) else { return value }
        return try fb.load(T.self, at: p)
    }

    func bool(_ index: Int, default value: Bool = false) throws -> Bool {
        try scalar(index, default: UInt8(value ? 1 : 0)) != 0
    }

    func table(_ index: Int) throws -> FBTable? {
        guard let p = try fieldPosition(index) else { return nil }
        return try FBTable(fb, at: try fb.follow(p))
    }

    func vector(_ index: Int, elementSize: Int) throws -> FBVector? {
        guard let p = try fieldPosition(index) else { return nil }
        return try FBVector(fb, at: try fb.follow(p), elementSize: elementSize)
    }

    func string(_ index: Int) throws -> String? {
        guard let v = try vector(index, elementSize: 1) else { return nil }
        return String(decoding: fb.bytes[v.start..<(v.start + v.count)], as: UTF8.self)
    }

    /// A vector of tables, decoded with `decode`.
    func tables<R>(_ index: Int, _ decode: (FBTable) throws -> R) throws -> [R] {
        guard let v = try vector(index, elementSize: 4) else { return [] }
        return try (0..<v.count).map { try decode(try v.table($0)) }
    }

    func ints<T: FixedWidthInteger>(_ index: Int, as type: T.Type) throws -> [T] {
        guard let v = try vector(index, elementSize: MemoryLayout<T>.size) else { return [] }
        return try (0..<v.count).map { try v.scalar($0, as: T.self) }
    }

    func floats(_ index: Int) throws -> [Float] {
        guard let v = try vector(index, elementSize: 4) else { return [] }
        return try (0..<v.count).map { try fb.loadFloat(at: v.start + 4 * $0) }
    }

    func bytes(_ index: Int) throws -> ArraySlice<UInt8> {
        guard let v = try vector(index, elementSize: 1) else { return [] }
        return fb.bytes[v.start..<(v.start + v.count)]
    }
}

/// A vector inside a `FlatBuffer`; its whole extent is checked on creation.
struct FBVector: Sendable {
    let fb: FlatBuffer
    /// Position of element 0.
    let start: Int
    let count: Int
    let elementSize: Int

    init(_ fb: FlatBuffer, at position: Int, elementSize: Int) throws {
        self.fb = fb
        let n = Int(try fb.load(UInt32.self, at: position))
        let (bytes, overflow) = n.multipliedReportingOverflow(by: elementSize)
        guard !overflow, position + 4 + bytes <= fb.bytes.count else {
            throw fb.fail("vector of \(n) elements at offset \(position) runs past the end")
        }
        start = position + 4
        count = n
        self.elementSize = elementSize
    }

    func scalar<T: FixedWidthInteger>(_ i: Int, as type: T.Type) throws -> T {
        try fb.load(T.self, at: start + i * elementSize)
    }

    func table(_ i: Int) throws -> FBTable {
        try FBTable(fb, at: try fb.follow(start + 4 * i))
    }
}

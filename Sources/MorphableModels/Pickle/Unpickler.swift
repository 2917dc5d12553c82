import Foundation
import SiderCore

/// A Python pickle reader (protocols 0–5, in-band data only) written from the opcode list in
/// CPython's `pickletools`. It runs the pickle stack machine but never imports or calls Python:
/// GLOBAL names stay names, and REDUCE / NEWOBJ / BUILD are interpreted for the few callables
/// FLAME's files need (`PickleReconstructors`); any other class becomes a `PickleObject`
/// carrying its arguments and state.
public struct Unpickler {
    private let bytes: [UInt8]
    private var pos = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private let source: String

    /// - Parameter source: a name for error messages (usually the file name).
    public init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// Reads a whole pickle file.
    public static func load(_ url: URL) throws -> PickleValue {
        let data = try AtomicFile.read(url)
        var reader = Unpickler(bytes: [UInt8](data), source: url.lastPathComponent)
        return try reader.load()
    }

    /// Runs the stack machine from the current position up to STOP and returns the result.
    public mutating func load() throws -> PickleValue {
        stack.removeAll()
        marks.removeAll()
        memo.removeAll()
        while true {
            let op = try readByte()
            if op == 0x2E { // STOP
                guard let top = stack.popLast() else { throw damaged("STOP with an empty stack") }
                return top
            }
            try execute(op)
            if Self.nestingOpcodes.contains(op), let top = stack.last, top.nesting > Self.maxNesting {
                throw damaged("values nested deeper than \(Self.maxNesting) levels")
            }
        }
    }

    /// Deepest nesting of containers accepted (FLAME's files nest fewer than 10 levels); a
    /// deeper pickle is refused as damaged before its values could exhaust the stack of any
    /// recursive reader.
    public static let maxNesting = 100

    /// The opcodes that put one value inside another; the value on top is checked after each.
    private static let nestingOpcodes: Set<UInt8> = [
        0x85, 0x86, 0x87, 0x74, 0x6C, 0x64, 0x91,    // TUPLE1-3, TUPLE, LIST, DICT, FROZENSET
        0x61, 0x65, 0x90, 0x73, 0x75,                // APPEND(S), ADDITEMS, SETITEM(S)
        0x52, 0x81, 0x92, 0x69, 0x6F, 0x62, 0x51,    // REDUCE, NEWOBJ(_EX), INST, OBJ, BUILD, BINPERSID
    ]

    /// Position after the last STOP (torch's legacy files hold several pickles in a row).
    public var offset: Int { pos }

    // MARK: - Opcodes

    private mutating func execute(_ op: UInt8) throws {
        switch op {
        case 0x80: _ = try readByte()                                  // PROTO
        case 0x95: _ = try readInt(8)                                  // FRAME
        case 0x28: marks.append(stack.count)                            // MARK
        case 0x4E: stack.append(.none)                                  // NONE
        case 0x88: stack.append(.bool(true))                            // NEWTRUE
        case 0x89: stack.append(.bool(false))                           // NEWFALSE
        case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try readInt(4)))))  // BININT
        case 0x4B: stack.append(.int(try readInt(1)))                   // BININT1
        case 0x4D: stack.append(.int(try readInt(2)))                   // BININT2
        case 0x8A: stack.append(try readLong(try readSize(1)))          // LONG1
        case 0x8B: stack.append(try readLong(try readSize(4)))          // LONG4
        case 0x49: try pushTextInt(try readLine())                      // INT
        case 0x4C:                                                      // LONG
            let line = try readLine()
            try pushTextInt(line.hasSuffix("L") ? String(line.dropLast()) : line)
        case 0x46:                                                      // FLOAT
            let line = try readLine()
            guard let v = Double(line) else { throw damaged("bad FLOAT '\(line)'") }
            stack.append(.float(v))
        case 0x47:                                                      // BINFLOAT (big-endian)
            var bits: UInt64 = 0
            for b in try read(8) { bits = bits << 8 | UInt64(b) }
            stack.append(.float(Double(bitPattern: bits)))
        case 0x55: stack.append(.bytes(Array(try read(try readInt(1)))))  // SHORT_BINSTRING
        case 0x54: stack.append(.bytes(Array(try read(try readSize(4)))))  // BINSTRING
        case 0x43: stack.append(.bytes(Array(try read(try readInt(1)))))  // SHORT_BINBYTES
        case 0x42: stack.append(.bytes(Array(try read(try readSize(4)))))  // BINBYTES
        case 0x8E, 0x96: stack.append(.bytes(Array(try read(try readSize(8)))))  // BINBYTES8, BYTEARRAY8
        case 0x8C: stack.append(.string(try readUTF8(try readInt(1))))  // SHORT_BINUNICODE
        case 0x58: stack.append(.string(try readUTF8(try readSize(4)))) // BINUNICODE
        case 0x8D: stack.append(.string(try readUTF8(try readSize(8)))) // BINUNICODE8
        case 0x53: stack.append(.bytes(try parseQuoted(try readLine())))   // STRING
        case 0x56: stack.append(.string(try readLine()))                // UNICODE (raw-unicode-escape, ASCII here)
        case 0x29: stack.append(.tuple([]))                             // EMPTY_TUPLE
        case 0x85, 0x86, 0x87:                                          // TUPLE1..3
            let n = Int(op - 0x84)
            stack.append(.tuple(try popN(n)))
        case 0x74: stack.append(.tuple(try popMark()))                  // TUPLE
        case 0x5D: stack.append(.list(PickleList()))                    // EMPTY_LIST
        case 0x6C: stack.append(.list(PickleList(try popMark())))       // LIST
        case 0x7D: stack.append(.dict(PickleDict()))                    // EMPTY_DICT
        case 0x64:                                                      // DICT
            let items = try popMark()
            stack.append(.dict(try makeDict(items)))
        case 0x8F: stack.append(.list(PickleList()))                    // EMPTY_SET
        case 0x91: stack.append(.list(PickleList(try popMark())))       // FROZENSET
        case 0x61:                                                      // APPEND
            let v = try pop()
            try appendItems([v])
        case 0x65, 0x90:                                                // APPENDS, ADDITEMS
            let items = try popMark()   // pop first: the call below reads the new top
            try appendItems(items)
        case 0x73:                                                      // SETITEM
            let v = try pop(), k = try pop()
            try setItems([k, v])
        case 0x75:                                                      // SETITEMS
            let items = try popMark()
            try setItems(items)
        case 0x70: memo[try textIndex(try readLine())] = try top()      // PUT
        case 0x71: memo[try readInt(1)] = try top()                     // BINPUT
        case 0x72: memo[try readInt(4)] = try top()                     // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()                         // MEMOIZE
        case 0x67: try pushMemo(try textIndex(try readLine()))          // GET
        case 0x68: try pushMemo(try readInt(1))                         // BINGET
        case 0x6A: try pushMemo(try readInt(4))                         // LONG_BINGET
        case 0x63:                                                      // GLOBAL
            let module = try readLine(), name = try readLine()
            stack.append(.global(module: module, name: name))
        case 0x93:                                                      // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard let m = module.stringValue, let n = name.stringValue else { throw damaged("STACK_GLOBAL needs two strings") }
            stack.append(.global(module: m, name: n))
        case 0x52:                                                      // REDUCE
            let args = try pop(), callable = try pop()
            stack.append(try PickleReconstructors.call(callable, args: args.sequence ?? [args]))
        case 0x81:                                                      // NEWOBJ
            let args = try pop(), cls = try pop()
            stack.append(try PickleReconstructors.newObject(cls, args: args.sequence ?? []))
        case 0x92:                                                      // NEWOBJ_EX
            _ = try pop()
            let args = try pop(), cls = try pop()
            stack.append(try PickleReconstructors.newObject(cls, args: args.sequence ?? []))
        case 0x69:                                                      // INST
            let module = try readLine(), name = try readLine()
            let args = try popMark()
            stack.append(try PickleReconstructors.newObject(.global(module: module, name: name), args: args))
        case 0x6F:                                                      // OBJ
            var items = try popMark()
            guard !items.isEmpty else { throw damaged("OBJ without a class") }
            let cls = items.removeFirst()
            stack.append(try PickleReconstructors.newObject(cls, args: items))
        case 0x62:                                                      // BUILD
            let state = try pop()
            try PickleReconstructors.build(try top(), state: state)
        case 0x50: stack.append(.persistent(.string(try readLine())))   // PERSID
        case 0x51: stack.append(.persistent(try pop()))                 // BINPERSID
        case 0x30: _ = try pop()                                        // POP
        case 0x31: _ = try popMark()                                    // POP_MARK
        case 0x32: stack.append(try top())                              // DUP
        default:
            throw SiderError(.unsupported, "\(source): pickle opcode 0x\(String(op, radix: 16)) at byte \(pos - 1) is not supported")
        }
    }

    // MARK: - Stack helpers

    private func damaged(_ what: String) -> SiderError {
        SiderError(.badModel, "\(source) is not a readable pickle: \(what) (byte \(pos))")
    }

    private mutating func pop() throws -> PickleValue {
        if let m = marks.last, stack.count <= m { throw damaged("stack underflow below a MARK") }
        guard let v = stack.popLast() else { throw damaged("stack underflow") }
        return v
    }

    private func top() throws -> PickleValue {
        guard let v = stack.last else { throw damaged("empty stack") }
        return v
    }

    private mutating func popN(_ n: Int) throws -> [PickleValue] {
        var items = [PickleValue]()
        for _ in 0..<n { items.append(try pop()) }
        return items.reversed()
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast(), m <= stack.count else { throw damaged("missing MARK") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    private mutating func pushMemo(_ i: Int) throws {
        guard let v = memo[i] else { throw damaged("memo entry \(i) was never stored") }
        stack.append(v)
    }

    private func appendItems(_ items: [PickleValue]) throws {
        guard case .list(let list) = try top() else { throw damaged("APPEND to a \(try top().kindName)") }
        list.append(contentsOf: items)
    }

    private func setItems(_ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw damaged("SETITEMS with an odd number of items") }
        guard case .dict(let dict) = try top() else { throw damaged("SETITEM on a \(try top().kindName)") }
        for i in stride(from: 0, to: items.count, by: 2) { dict.set(items[i], items[i + 1]) }
    }

    private func makeDict(_ items: [PickleValue]) throws -> PickleDict {
        guard items.count % 2 == 0 else { throw damaged("DICT with an odd number of items") }
        let dict = PickleDict()
        for i in stride(from: 0, to: items.count, by: 2) { dict.set(items[i], items[i + 1]) }
        return dict
    }

    private mutating func pushTextInt(_ line: String) throws {
        // Protocol 0 writes booleans as INT "01" / "00".
        if line == "01" { stack.append(.bool(true)); return }
        if line == "00" { stack.append(.bool(false)); return }
        guard let v = Int(line) else { throw damaged("integer '\(line)' out of range") }
        stack.append(.int(v))
    }

    private func textIndex(_ line: String) throws -> Int {
        guard let i = Int(line) else { throw damaged("bad memo index '\(line)'") }
        return i
    }

    // MARK: - Byte readers

    private mutating func readByte() throws -> UInt8 {
        guard pos < bytes.count else { throw damaged("file ends before STOP") }
        defer { pos += 1 }
        return bytes[pos]
    }

    private mutating func read(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - pos else { throw damaged("truncated: \(n) bytes wanted") }
        defer { pos += n }
        return bytes[pos..<(pos + n)]
    }

    /// Little-endian unsigned integer of `n` bytes.
    private mutating func readInt(_ n: Int) throws -> Int {
        var v: UInt64 = 0
        for (i, b) in try read(n).enumerated() { v |= UInt64(b) << UInt64(8 * i) }
        guard v <= UInt64(Int.max) else { throw damaged("length too large") }
        return Int(v)
    }

    private mutating func readSize(_ n: Int) throws -> Int {
        let v = try readInt(n)
        guard v <= bytes.count - pos else { throw damaged("truncated: a \(v)-byte item") }
        return v
    }

    /// Little-endian two's-complement integer of `n` bytes (LONG1/LONG4). Wider than 64 bits
    /// (e.g. torch's magic number) it becomes an approximate `.float`.
    private mutating func readLong(_ n: Int) throws -> PickleValue {
        if n == 0 { return .int(0) }
        let raw = try read(n)
        guard n <= 8 else {
            let negative = (raw.last ?? 0) >= 0x80
            var v = 0.0
            for b in raw.reversed() { v = v * 256 + Double(negative ? 255 - b : b) }
            return .float(negative ? -v - 1 : v)
        }
        var v: UInt64 = 0
        for (i, b) in raw.enumerated() { v |= UInt64(b) << UInt64(8 * i) }
        let shift = UInt64(64 - 8 * n)
        return .int(Int(Int64(bitPattern: v << shift) >> Int64(shift)))
    }

    private mutating func readLine() throws -> String {
        guard let end = bytes[pos...].firstIndex(of: 0x0A) else { throw damaged("unterminated text line") }
        let line = bytes[pos..<end]
        pos = end + 1
        return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
    }

    private mutating func readUTF8(_ n: Int) throws -> String {
        String(decoding: try read(n), as: UTF8.self)
    }

    /// Protocol 0 STRING: a quoted Python literal; simple escapes only.
    private func parseQuoted(_ line: String) throws -> [UInt8] {
        var chars = Array(line.utf8)
        guard chars.count >= 2, let q = chars.first, q == chars.last, q == 0x27 || q == 0x22 else {
            throw damaged("bad STRING literal")
        }
        chars = Array(chars[1..<(chars.count - 1)])
        var out = [UInt8]()
        var i = 0
        while i < chars.count {
            if chars[i] == 0x5C, i + 1 < chars.count {
                let c = chars[i + 1]
                switch c {
                case 0x6E: out.append(0x0A); i += 2
                case 0x74: out.append(0x09); i += 2
                case 0x72: out.append(0x0D); i += 2
                case 0x78 where i + 3 < chars.count:
                    let hex = String(decoding: chars[(i + 2)...(i + 3)], as: UTF8.self)
                    guard let v = UInt8(hex, radix: 16) else { throw damaged("bad \\x escape") }
                    out.append(v); i += 4
                default: out.append(c); i += 2
                }
            } else {
                out.append(chars[i]); i += 1
            }
        }
        return out
    }
}

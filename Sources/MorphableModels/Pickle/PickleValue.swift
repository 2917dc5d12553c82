/// A value decoded from a Python pickle, without running any Python.
///
/// Containers and objects are reference types (`PickleList`, `PickleDict`, `PickleObject`)
/// because the pickle machine memoizes them before filling them (EMPTY_DICT, BINPUT, SETITEMS):
/// a later BINGET must see the filled container. Python 2 `str` values arrive as `.bytes`;
/// `stringValue` reads both `.bytes` (as Latin-1, as `encoding="latin1"` does) and `.string`.
public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case bytes([UInt8])
    case string(String)
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A module-level name (class or function) from GLOBAL / STACK_GLOBAL.
    case global(module: String, name: String)
    case object(PickleObject)
    case array(NDArray)
    /// A persistent id (PERSID / BINPERSID), left for the caller to resolve.
    case persistent(PickleValue)

    /// Text of a `str`/`unicode`/`bytes` value (bytes read as Latin-1), else nil.
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .bytes(let b): return String(b.map { Character(Unicode.Scalar($0)) })
        default: return nil
        }
    }

    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Elements of a tuple or list.
    public var sequence: [PickleValue]? {
        switch self {
        case .tuple(let t): return t
        case .list(let l): return l.items
        default: return nil
        }
    }

    /// A short name of the value's kind for error messages ("dict", "chumpy.ch.Ch", ...).
    public var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .bytes: return "bytes"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let m, let n): return "\(m).\(n)"
        case .object(let o): return o.className
        case .array(let a): return "ndarray\(a.shapeDescription)"
        case .persistent: return "persistent id"
        }
    }
}

/// A Python list (also used for sets, whose order does not matter here).
public final class PickleList {
    public var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A Python dict, in insertion order. Keys are compared by their text (`stringValue`) or integer.
public final class PickleDict {
    public var entries: [(key: PickleValue, value: PickleValue)] = []
    init() {}

    public subscript(_ key: String) -> PickleValue? {
        entries.first { $0.key.stringValue == key }?.value
    }

    public var keys: [String] { entries.compactMap { $0.key.stringValue } }

    func set(_ key: PickleValue, _ value: PickleValue) {
        if let s = key.stringValue, let i = entries.firstIndex(where: { $0.key.stringValue == s }) {
            entries[i].value = value
        } else {
            entries.append((key, value))
        }
    }
}

/// An instance of a class the reader does not turn into a native value: its class, the
/// arguments it was created with (REDUCE / NEWOBJ) and the state BUILD gave it. chumpy `Ch`
/// and scipy sparse matrices arrive like this; `PickleValue.asArray()` knows how to read them.
public final class PickleObject {
    public let className: String
    public let args: [PickleValue]
    public var state: PickleValue = .none
    /// Set when the object is a numpy array rebuilt by `_reconstruct` + BUILD.
    public var array: NDArray?
    /// Elements of a numpy object array (dtype 'O'), in C order.
    public var objectItems: [PickleValue]?

    init(className: String, args: [PickleValue]) {
        self.className = className
        self.args = args
    }
}

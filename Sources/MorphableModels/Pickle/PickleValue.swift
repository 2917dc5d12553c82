import Foundation

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

    /// How deeply containers nest in this value: 0 for scalars and arrays, one more than the
    /// deepest child for tuples and persistent ids, and for lists, dicts and objects the depth
    /// they recorded as items were added (`Unpickler` refuses values deeper than its limit).
    public var nesting: Int {
        switch self {
        case .tuple(let items): return 1 + (items.lazy.map(\.nesting).max() ?? 0)
        case .persistent(let inner): return 1 + inner.nesting
        case .list(let l): return l.depth
        case .dict(let d): return d.depth
        case .object(let o): return o.depth
        default: return 0
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
    public private(set) var items: [PickleValue]
    /// 1 + the deepest item's `nesting`, updated as items are appended.
    public private(set) var depth: Int

    init(_ items: [PickleValue] = []) {
        self.items = items
        depth = 1 + (items.lazy.map(\.nesting).max() ?? 0)
    }

    func append(contentsOf more: [PickleValue]) {
        items.append(contentsOf: more)
        depth = max(depth, 1 + (more.lazy.map(\.nesting).max() ?? 0))
    }

    deinit { PickleTeardown.release(&items) }
}

/// A Python dict, in insertion order. Keys are compared by their text (`stringValue`) or integer.
public final class PickleDict {
    public private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    /// 1 + the deepest key's or value's `nesting`.
    public private(set) var depth = 1
    init() {}

    deinit {
        var children = entries.flatMap { [$0.key, $0.value] }
        entries = []
        PickleTeardown.release(&children)
    }

    public subscript(_ key: String) -> PickleValue? {
        entries.first { $0.key.stringValue == key }?.value
    }

    public var keys: [String] { entries.compactMap { $0.key.stringValue } }

    func set(_ key: PickleValue, _ value: PickleValue) {
        depth = max(depth, 1 + max(key.nesting, value.nesting))
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
    public private(set) var args: [PickleValue]
    public var state: PickleValue = .none { didSet { depth = max(depth, 1 + state.nesting) } }
    /// Set when the object is a numpy array rebuilt by `_reconstruct` + BUILD.
    public var array: NDArray?
    /// Elements of a numpy object array (dtype 'O'), in C order.
    public var objectItems: [PickleValue]? {
        didSet { depth = max(depth, 1 + (objectItems?.lazy.map(\.nesting).max() ?? 0)) }
    }
    /// 1 + the deepest argument's, state's or item's `nesting`.
    public private(set) var depth: Int

    init(className: String, args: [PickleValue]) {
        self.className = className
        self.args = args
        depth = 1 + (args.lazy.map(\.nesting).max() ?? 0)
    }

    deinit {
        var children = args + [state] + (objectItems ?? [])
        args = []
        state = .none
        objectItems = nil
        PickleTeardown.release(&children)
    }
}

/// Frees nested pickle values without recursion. Releasing a container releases its children,
/// which release theirs: a 100 000-deep list (a 200 KB pickle, or a chain built through the
/// memo that no depth count sees) would overflow the stack in that chain of `deinit`s. Instead a
/// container's `deinit` hands its children to this thread's queue, and only the outermost one
/// empties it, one value at a time; tuples and persistent ids are opened there too.
enum PickleTeardown {
    private final class Queue {
        var pending: [PickleValue] = []
        var draining = false
    }

    private static let key = "SIDER.PickleTeardown"

    /// Takes `children` from a container being freed (leaving it empty, so that the queue holds
    /// the only references) and, unless an outer call is already at it, frees the queue.
    static func release(_ children: inout [PickleValue]) {
        guard children.contains(where: { $0.nesting > 0 }) else { return }
        let dictionary = Thread.current.threadDictionary
        let queue: Queue
        if let q = dictionary[key] as? Queue { queue = q } else { queue = Queue(); dictionary[key] = queue }
        queue.pending.append(contentsOf: children)
        children = []
        guard !queue.draining else { return }
        queue.draining = true
        while let value = queue.pending.popLast() {
            switch value {
            case .tuple(let items): queue.pending.append(contentsOf: items)
            case .persistent(let inner): queue.pending.append(inner)
            default: break
            }
            // `value` is released here; a container's own deinit only appends to `pending`.
        }
        queue.draining = false
    }
}

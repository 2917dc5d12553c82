import SiderCore

/// Reading a pickled value as a numeric array, whatever wrapper FLAME's files put around it:
/// a numpy array, a chumpy `Ch` (its state dict holds the array under `x`), a scipy sparse
/// matrix (CSC or CSR state: `data`, `indices`, `indptr`, `_shape`/`shape`; densified),
/// a 0-d object array holding one of these, or (nested) lists of numbers / arrays.
extension PickleValue {
    /// - Parameter name: the key this value came from, for error messages.
    public func asArray(name: String) throws -> NDArray {
        try asArray(name: name, depth: 0)
    }

    /// `depth` counts the wrappers already opened: a cyclic or over-deep value (built through the
    /// memo, which the unpickler's nesting count cannot follow) ends in an error, not a stack overflow.
    private func asArray(name: String, depth: Int) throws -> NDArray {
        guard depth <= Unpickler.maxNesting else {
            throw SiderError(.badModel, "'\(name)' nests deeper than \(Unpickler.maxNesting) levels (damaged or hostile file)")
        }
        switch self {
        case .array(let a):
            return a
        case .int(let i):
            return NDArray(shape: [], values: [Double(i)], dtype: "i8")
        case .float(let f):
            return NDArray(shape: [], values: [f], dtype: "f8")
        case .bool(let b):
            return NDArray(shape: [], values: [b ? 1 : 0], dtype: "b1")
        case .tuple(let items):
            return try Self.stack(items, name: name, depth: depth)
        case .list(let list):
            return try Self.stack(list.items, name: name, depth: depth)
        case .object(let obj):
            if let a = obj.array { return a }
            if let items = obj.objectItems, items.count == 1 { return try items[0].asArray(name: name, depth: depth + 1) }
            if obj.className.hasPrefix("chumpy") {
                // The value lives under 'x'; fall back to the one array-valued entry otherwise.
                guard case .dict(let state) = obj.state else {
                    throw SiderError(.badModel, "'\(name)' is a chumpy \(obj.className) without a state dict")
                }
                if let x = state["x"] { return try x.asArray(name: name, depth: depth + 1) }
                let arrays = state.entries.compactMap { try? $0.value.asArray(name: name, depth: depth + 1) }.filter { !$0.shape.isEmpty }
                guard arrays.count == 1 else {
                    throw SiderError(.badModel, "'\(name)' is a chumpy \(obj.className) without its array 'x'")
                }
                return arrays[0]
            }
            if obj.className.hasPrefix("scipy.sparse") { return try Self.densify(obj, name: name, depth: depth) }
            throw SiderError(.unsupported, "'\(name)' is a \(obj.className), not an array")
        default:
            throw SiderError(.badModel, "'\(name)' is a \(kindName), not an array")
        }
    }

    /// The dict inside this value: a dict, or a 0-d numpy object array holding one (np.save of a dict).
    public func asDict(name: String) throws -> PickleDict {
        var value = self
        for _ in 0...Unpickler.maxNesting {
            guard case .object(let obj) = value, let items = obj.objectItems, items.count == 1 else { break }
            value = items[0]
        }
        switch value {
        case .dict(let d): return d
        case .object(let obj):
            throw SiderError(.badModel, "\(name) holds a \(obj.className), not a dict")
        default:
            throw SiderError(.badModel, "\(name) holds a \(value.kindName), not a dict")
        }
    }

    private static func stack(_ items: [PickleValue], name: String, depth: Int) throws -> NDArray {
        if items.isEmpty { return NDArray(shape: [0], values: []) }
        let parts = try items.map { try $0.asArray(name: name, depth: depth + 1) }
        let inner = parts[0].shape
        guard parts.allSatisfy({ $0.shape == inner }) else {
            throw SiderError(.badModel, "'\(name)' is a ragged list of arrays")
        }
        guard CheckedSize.product(parts.count, parts[0].count, limit: 1 << 28) != nil else {
            throw SiderError(.badModel, "'\(name)' is too large")
        }
        return NDArray(shape: [parts.count] + inner, values: parts.flatMap { $0.values }, dtype: parts[0].dtype)
    }

    /// A scipy `csc_matrix` / `csr_matrix` as a dense row-major array.
    private static func densify(_ obj: PickleObject, name: String, depth: Int) throws -> NDArray {
        guard case .dict(let s) = obj.state else {
            throw SiderError(.badModel, "'\(name)' is a \(obj.className) without a state dict")
        }
        guard let shapeItems = (s["_shape"] ?? s["shape"])?.sequence, shapeItems.count == 2,
              let rows = shapeItems[0].intValue, let cols = shapeItems[1].intValue else {
            throw SiderError(.badModel, "'\(name)' (\(obj.className)) has no 2-D shape")
        }
        guard let dataV = s["data"], let indV = s["indices"], let ptrV = s["indptr"] else {
            throw SiderError(.badModel, "'\(name)' (\(obj.className)) lacks data/indices/indptr")
        }
        let data = try dataV.asArray(name: name + ".data", depth: depth + 1).values
        let indices = try indV.asArray(name: name + ".indices", depth: depth + 1).ints(name: name + ".indices")
        let indptr = try ptrV.asArray(name: name + ".indptr", depth: depth + 1).ints(name: name + ".indptr")
        let format = s["format"]?.stringValue ?? (obj.className.contains("csr") ? "csr" : "csc")
        let csc = format == "csc"
        let major = csc ? cols : rows, minor = csc ? rows : cols
        guard let cells = CheckedSize.product(rows, cols, limit: 1 << 28),
              indptr.count - 1 == major, indices.count == data.count, indptr.last == data.count else {
            throw SiderError(.badModel, "'\(name)' (\(obj.className)) has inconsistent sparse arrays")
        }
        var dense = [Double](repeating: 0, count: cells)
        for m in 0..<major {
            guard indptr[m] >= 0, indptr[m] <= indptr[m + 1] else { throw SiderError(.badModel, "'\(name)' has a decreasing indptr") }
            for p in indptr[m]..<indptr[m + 1] {
                let n = indices[p]
                guard n >= 0, n < minor else { throw SiderError(.badModel, "'\(name)' has an index out of range") }
                let (r, c) = csc ? (n, m) : (m, n)
                dense[r * cols + c] += data[p]
            }
        }
        return NDArray(shape: [rows, cols], values: dense, dtype: "f8")
    }
}

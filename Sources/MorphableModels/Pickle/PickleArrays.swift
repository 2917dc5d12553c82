import SiderCore

/// Reading a pickled value as a numeric array, whatever wrapper FLAME's files put around it:
/// a numpy array, a chumpy `Ch` (its state dict holds the array under `x`), a scipy sparse
/// matrix (CSC or CSR state: `data`, `indices`, `indptr`, `_shape`/`shape`; densified),
/// a 0-d object array holding one of these, or (nested) lists of numbers / arrays.
extension PickleValue {
    /// - Parameter name: the key this value came from, for error messages.
    public func asArray(name: String) throws -> NDArray {
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
            return try Self.stack(items, name: name)
        case .list(let list):
            return try Self.stack(list.items, name: name)
        case .object(let obj):
            if let a = obj.array { return a }
            if let items = obj.objectItems, items.count == 1 { return try items[0].asArray(name: name) }
            if obj.className.hasPrefix("chumpy") {
                guard case .dict(let state) = obj.state, let x = state["x"] else {
                    throw SiderError(.badModel, "'\(name)' is a chumpy \(obj.className) without its array 'x'")
                }
                return try x.asArray(name: name)
            }
            if obj.className.hasPrefix("scipy.sparse") { return try Self.densify(obj, name: name) }
            throw SiderError(.unsupported, "'\(name)' is a \(obj.className), not an array")
        default:
            throw SiderError(.badModel, "'\(name)' is a \(kindName), not an array")
        }
    }

    /// The dict inside this value: a dict, or a 0-d numpy object array holding one (np.save of a dict).
    public func asDict(name: String) throws -> PickleDict {
        switch self {
        case .dict(let d): return d
        case .object(let obj):
            if let items = obj.objectItems, items.count == 1 { return try items[0].asDict(name: name) }
            throw SiderError(.badModel, "\(name) holds a \(obj.className), not a dict")
        default:
            throw SiderError(.badModel, "\(name) holds a \(kindName), not a dict")
        }
    }

    private static func stack(_ items: [PickleValue], name: String) throws -> NDArray {
        if items.isEmpty { return NDArray(shape: [0], values: []) }
        let parts = try items.map { try $0.asArray(name: name) }
        let inner = parts[0].shape
        guard parts.allSatisfy({ $0.shape == inner }) else {
            throw SiderError(.badModel, "'\(name)' is a ragged list of arrays")
        }
        return NDArray(shape: [parts.count] + inner, values: parts.flatMap { $0.values }, dtype: parts[0].dtype)
    }

    /// A scipy `csc_matrix` / `csr_matrix` as a dense row-major array.
    private static func densify(_ obj: PickleObject, name: String) throws -> NDArray {
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
        let data = try dataV.asArray(name: name + ".data").values
        let indices = try indV.asArray(name: name + ".indices").ints(name: name + ".indices")
        let indptr = try ptrV.asArray(name: name + ".indptr").ints(name: name + ".indptr")
        let format = s["format"]?.stringValue ?? (obj.className.contains("csr") ? "csr" : "csc")
        let csc = format == "csc"
        let major = csc ? cols : rows, minor = csc ? rows : cols
        guard indptr.count == major + 1, indices.count == data.count, indptr.last == data.count,
              rows >= 0, cols >= 0, rows * cols <= 1 << 28 else {
            throw SiderError(.badModel, "'\(name)' (\(obj.className)) has inconsistent sparse arrays")
        }
        var dense = [Double](repeating: 0, count: rows * cols)
        for m in 0..<major {
            guard indptr[m] <= indptr[m + 1] else { throw SiderError(.badModel, "'\(name)' has a decreasing indptr") }
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

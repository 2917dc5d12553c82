import SiderCore

/// What REDUCE, NEWOBJ and BUILD mean for the callables found in FLAME's files, interpreted
/// without Python:
/// - numpy arrays: `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')` followed by BUILD
///   with `(version, shape, dtype, is_fortran, raw bytes | object list)`; protocol 5's
///   `numpy.core.numeric._frombuffer(bytes, dtype, shape, order)`; numpy scalars
///   (`multiarray.scalar(dtype, bytes)`); `numpy.dtype(('f8', 0, 1))` + BUILD with the byte order.
///   Both `numpy.core` (numpy 1) and `numpy._core` (numpy 2) module names are accepted.
/// - `copy_reg._reconstructor(cls, object, None)` (protocols 0/1 new-style objects), `_codecs.encode`
///   (bytes pickled by Python 3 with protocol ≤ 2), `set`, `collections.OrderedDict`.
/// - PyTorch tensors pickled inside ordinary pickles (`TorchTensors`);
/// - anything else (chumpy `Ch`, scipy sparse matrices): a `PickleObject` with args and state.
enum PickleReconstructors {
    static func call(_ callable: PickleValue, args: [PickleValue]) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw SiderError(.unsupported, "pickle REDUCE on a \(callable.kindName), not a class or function")
        }
        let numpyCore = module.hasPrefix("numpy.core.") || module.hasPrefix("numpy._core.")
        switch (module, name) {
        case _ where numpyCore && name == "_reconstruct":
            return .object(PickleObject(className: "numpy.ndarray", args: args))
        case ("numpy", "dtype"):
            return .object(PickleObject(className: "numpy.dtype", args: args))
        case _ where numpyCore && name == "_frombuffer":
            return try frombuffer(args)
        case _ where numpyCore && name == "scalar":
            return try scalar(args)
        case ("copy_reg", "_reconstructor"), ("copyreg", "_reconstructor"):
            guard let cls = args.first else { throw SiderError(.badModel, "copy_reg._reconstructor without a class") }
            return try newObject(cls, args: [])
        case ("torch._utils", "_rebuild_tensor_v2"):
            return .array(try TorchTensors.rebuildTensor(args))
        case ("torch.storage", "_load_from_bytes"), ("torch", "_load_from_bytes"):
            guard case .bytes(let raw) = args.first else { throw SiderError(.badModel, "torch storage without bytes") }
            let storage = PickleObject(className: "torch.storage", args: [])
            storage.array = try TorchTensors.loadFromBytes(raw)
            return .object(storage)
        case ("_codecs", "encode"):
            guard let text = args.first?.stringValue else { throw SiderError(.badModel, "_codecs.encode without text") }
            return .bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        case ("__builtin__", "set"), ("builtins", "set"), ("__builtin__", "frozenset"), ("builtins", "frozenset"),
             ("__builtin__", "list"), ("builtins", "list"):
            return .list(PickleList(args.first?.sequence ?? []))
        case ("collections", "OrderedDict"), ("__builtin__", "dict"), ("builtins", "dict"):
            return .dict(PickleDict())
        default:
            return .object(PickleObject(className: "\(module).\(name)", args: args))
        }
    }

    static func newObject(_ cls: PickleValue, args: [PickleValue]) throws -> PickleValue {
        guard case .global(let module, let name) = cls else {
            throw SiderError(.unsupported, "pickle NEWOBJ on a \(cls.kindName), not a class")
        }
        if name == "OrderedDict" || (name == "dict" && (module == "builtins" || module == "__builtin__")) {
            return .dict(PickleDict())
        }
        return .object(PickleObject(className: "\(module).\(name)", args: args))
    }

    /// BUILD: numpy arrays decode their state; dicts merge a dict state; objects keep it.
    static func build(_ target: PickleValue, state: PickleValue) throws {
        switch target {
        case .object(let obj):
            obj.state = state
            if obj.className == "numpy.ndarray" { try setArrayState(obj, state) }
        case .dict(let dict):
            if case .dict(let s) = state { for e in s.entries { dict.set(e.key, e.value) } }
        default:
            throw SiderError(.badModel, "pickle BUILD on a \(target.kindName)")
        }
    }

    // MARK: numpy

    /// `ndarray.__setstate__`: (version, shape, dtype, is_fortran, data) or the 4-tuple without version.
    private static func setArrayState(_ obj: PickleObject, _ state: PickleValue) throws {
        guard var items = state.sequence, items.count == 4 || items.count == 5 else {
            throw SiderError(.badModel, "numpy array state is a \(state.kindName), not a 4/5-tuple")
        }
        if items.count == 5 { items.removeFirst() }
        guard let shapeItems = items[0].sequence else { throw SiderError(.badModel, "numpy array state without a shape") }
        let shape = try shapeItems.map { v -> Int in
            guard let i = v.intValue, i >= 0 else { throw SiderError(.badModel, "numpy array shape holds \(v.kindName)") }
            return i
        }
        let descr = try dtypeDescr(items[1])
        let fortran = items[2].intValue == 1
        switch items[3] {
        case .bytes(let raw):
            obj.array = try NDArray.decode(raw: raw[...], descr: descr, shape: shape, fortran: fortran)
        case .string(let text):  // Python 2 str decoded as text by the writer: code points are bytes.
            let raw = text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            obj.array = try NDArray.decode(raw: raw[...], descr: descr, shape: shape, fortran: fortran)
        case .list(let list):
            obj.objectItems = list.items
            if descr.dropFirst().first != "O" && descr.first != "O",
               let numbers = try? list.items.map({ try scalarNumber($0) }) {
                guard CheckedSize.product(shape) == numbers.count else {
                    throw SiderError(.badModel, "numpy array of shape \(shape) holds \(numbers.count) values")
                }
                obj.array = NDArray(shape: shape, values: numbers, dtype: String(descr.drop { "<>|=".contains($0) }))
            }
        default:
            throw SiderError(.badModel, "numpy array data is a \(items[3].kindName)")
        }
    }

    /// The dtype string with byte order, e.g. "<f8", from a `numpy.dtype` object.
    static func dtypeDescr(_ value: PickleValue) throws -> String {
        guard case .object(let obj) = value, obj.className == "numpy.dtype",
              let type = obj.args.first?.stringValue else {
            throw SiderError(.badModel, "numpy dtype expected, found \(value.kindName)")
        }
        var order = "<"
        if let st = obj.state.sequence, st.count > 1, let o = st[1].stringValue { order = o }
        if type.first.map({ "<>|=".contains($0) }) == true { return type }
        return (order == ">" ? ">" : "<") + type
    }

    private static func frombuffer(_ args: [PickleValue]) throws -> PickleValue {
        guard args.count >= 3, case .bytes(let raw) = args[0], let shapeItems = args[2].sequence else {
            throw SiderError(.badModel, "numpy _frombuffer with unexpected arguments")
        }
        let shape = shapeItems.compactMap { $0.intValue }
        let fortran = args.count > 3 && args[3].stringValue == "F"
        return .array(try NDArray.decode(raw: raw[...], descr: try dtypeDescr(args[1]), shape: shape, fortran: fortran))
    }

    private static func scalar(_ args: [PickleValue]) throws -> PickleValue {
        guard args.count == 2, case .bytes(let raw) = args[1] else {
            throw SiderError(.badModel, "numpy scalar with unexpected arguments")
        }
        let a = try NDArray.decode(raw: raw[...], descr: try dtypeDescr(args[0]), shape: [], fortran: false)
        let v = a.values[0]
        return a.dtype.first == "f" ? .float(v) : Int(exactly: v).map { .int($0) } ?? .float(v)
    }

    private static func scalarNumber(_ v: PickleValue) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let f): return f
        case .bool(let b): return b ? 1 : 0
        default: throw SiderError(.badModel, "not a number")
        }
    }
}

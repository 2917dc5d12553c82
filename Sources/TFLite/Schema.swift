import SiderCore

// The parts of TensorFlow Lite's `schema.fbs` the interpreter reads, decoded from a `FlatBuffer`.
// Field indices below are the schema's declaration order (the vtable slot is 4 + 2·index).

/// Element type of a tensor (`tflite.TensorType`).
public enum TensorElementType: Int8, Sendable, CustomStringConvertible {
    case float32 = 0, float16 = 1, int32 = 2, uint8 = 3, int64 = 4, string = 5, bool = 6, int16 = 7,
         complex64 = 8, int8 = 9, float64 = 10

    /// Bytes per element (0 for variable-size strings).
    var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16, .int16: return 2
        case .uint8, .int8, .bool: return 1
        case .int64, .float64, .complex64: return 8
        case .string: return 0
        }
    }

    public var description: String {
        switch self {
        case .float32: return "FLOAT32"
        case .float16: return "FLOAT16"
        case .int32: return "INT32"
        case .uint8: return "UINT8"
        case .int64: return "INT64"
        case .string: return "STRING"
        case .bool: return "BOOL"
        case .int16: return "INT16"
        case .complex64: return "COMPLEX64"
        case .int8: return "INT8"
        case .float64: return "FLOAT64"
        }
    }
}

/// `tflite.QuantizationParameters`: real = scale · (q − zeroPoint), per tensor or per channel
/// along `quantizedDimension`.
struct QuantizationDef: Sendable {
    var scale: [Float]
    var zeroPoint: [Int64]
    var quantizedDimension: Int
}

/// `tflite.DimensionMetadata`: a dense dimension of `denseSize`, or a CSR-compressed one
/// (`segments[i]..<segments[i+1]` index into `indices`, which hold coordinates).
struct DimensionMetadataDef: Sendable {
    var isSparse: Bool
    var denseSize: Int
    var segments: [Int]
    var indices: [Int]
}

/// `tflite.SparsityParameters`.
struct SparsityDef: Sendable {
    var traversalOrder: [Int]
    var blockMap: [Int]
    var dimensions: [DimensionMetadataDef]
}

/// `tflite.Tensor`: shape, element type, index of its data buffer (0 or empty = not constant),
/// optional quantisation and sparsity.
struct TensorDef: Sendable {
    var name: String
    var shape: [Int]
    var type: TensorElementType
    var buffer: Int
    var quantization: QuantizationDef?
    var sparsity: SparsityDef?

    var elementCount: Int { shape.reduce(1, *) }
}

/// `tflite.Operator`: which operator code, its tensor indices (−1 = optional input absent) and
/// its `builtin_options` union (type tag and table).
struct OperatorDef: Sendable {
    var opcodeIndex: Int
    var inputs: [Int]
    var outputs: [Int]
    var optionsType: UInt8
    var options: FBTable?
}

/// `tflite.OperatorCode`, with the effective builtin code of either schema field.
struct OperatorCodeDef: Sendable {
    var builtinCode: Int32
    var customCode: String?
    var version: Int32
}

/// `tflite.SubGraph`: tensors, graph inputs/outputs and operators in execution order.
struct SubgraphDef: Sendable {
    var name: String
    var tensors: [TensorDef]
    var inputs: [Int]
    var outputs: [Int]
    var operators: [OperatorDef]
}

/// `tflite.Model`, decoded and validated: every index points into its array, every shape is
/// non-negative and small enough, every buffer lies inside the file.
struct ModelDef: Sendable {
    var version: UInt32
    var operatorCodes: [OperatorCodeDef]
    var subgraphs: [SubgraphDef]
    var buffers: [ArraySlice<UInt8>]

    init(_ fb: FlatBuffer) throws {
        let root = try fb.root(identifier: "TFL3")
        version = try root.scalar(0, default: UInt32(0))
        operatorCodes = try root.tables(1) { t in
            // builtin_code (int32) superseded deprecated_builtin_code (int8) at code 127; files
            // written by old converters only set the deprecated one, so take the larger.
            let deprecated = Int32(try t.scalar(0, default: Int8(0)))
            let builtin = try t.scalar(3, default: Int32(0))
            return OperatorCodeDef(builtinCode: max(deprecated, builtin), customCode: try t.string(1),
                                   version: try t.scalar(2, default: Int32(1)))
        }
        buffers = try root.tables(4) { b in
            let data = try b.bytes(0)
            let offset = try b.scalar(1, default: UInt64(0))
            let size = try b.scalar(2, default: UInt64(0))
            // The large-model form: data stored after the flatbuffer, offset from the file start
            // (valid only when offset > 1).
            if data.isEmpty, offset > 1 {
                guard offset <= UInt64(fb.bytes.count), size <= UInt64(fb.bytes.count) - offset else {
                    throw fb.fail("buffer at offset \(offset) of \(size) bytes lies outside the file")
                }
                return fb.bytes[Int(offset)..<Int(offset + size)]
            }
            return data
        }
        subgraphs = try root.tables(2) { try ModelDef.subgraph($0) }
        guard !subgraphs.isEmpty else { throw fb.fail("no subgraphs") }
        try validate(fb)
    }

    private static func subgraph(_ t: FBTable) throws -> SubgraphDef {
        SubgraphDef(name: try t.string(4) ?? "",
                    tensors: try t.tables(0) { try tensor($0) },
                    inputs: try t.ints(1, as: Int32.self).map(Int.init),
                    outputs: try t.ints(2, as: Int32.self).map(Int.init),
                    operators: try t.tables(3) { o in
                        OperatorDef(opcodeIndex: Int(try o.scalar(0, default: UInt32(0))),
                                    inputs: try o.ints(1, as: Int32.self).map(Int.init),
                                    outputs: try o.ints(2, as: Int32.self).map(Int.init),
                                    optionsType: try o.scalar(3, default: UInt8(0)),
                                    options: try o.table(4))
                    })
    }

    private static func tensor(_ t: FBTable) throws -> TensorDef {
        let rawType = try t.scalar(1, default: Int8(0))
        guard let type = TensorElementType(rawValue: rawType) else {
            throw t.fb.fail("unknown tensor type \(rawType)")
        }
        var quant: QuantizationDef?
        if let q = try t.table(4) {
            let scale = try q.floats(2)
            if !scale.isEmpty {
                quant = QuantizationDef(scale: scale, zeroPoint: try q.ints(3, as: Int64.self),
                                        quantizedDimension: Int(try q.scalar(6, default: Int32(0))))
            }
        }
        var sparsity: SparsityDef?
        if let s = try t.table(6) {
            sparsity = SparsityDef(traversalOrder: try s.ints(0, as: Int32.self).map(Int.init),
                                   blockMap: try s.ints(1, as: Int32.self).map(Int.init),
                                   dimensions: try s.tables(2) { try dimension($0) })
        }
        return TensorDef(name: try t.string(3) ?? "",
                         shape: try t.ints(0, as: Int32.self).map(Int.init),
                         type: type,
                         buffer: Int(try t.scalar(2, default: UInt32(0))),
                         quantization: quant, sparsity: sparsity)
    }

    private static func dimension(_ d: FBTable) throws -> DimensionMetadataDef {
        // array_segments / array_indices are unions of Int32Vector (1), Uint16Vector (2),
        // Uint8Vector (3), each a table whose field 0 is `values`.
        func indexVector(typeField: Int, valueField: Int) throws -> [Int] {
            let kind = try d.scalar(typeField, default: UInt8(0))
            guard kind != 0, let table = try d.table(valueField) else { return [] }
            switch kind {
            case 1: return try table.ints(0, as: Int32.self).map(Int.init)
            case 2: return try table.ints(0, as: UInt16.self).map(Int.init)
            case 3: return try table.ints(0, as: UInt8.self).map(Int.init)
            default: throw d.fb.fail("unknown sparse index vector type \(kind)")
            }
        }
        return DimensionMetadataDef(isSparse: try d.scalar(0, default: Int8(0)) == 1,
                                    denseSize: Int(try d.scalar(1, default: Int32(0))),
                                    segments: try indexVector(typeField: 2, valueField: 3),
                                    indices: try indexVector(typeField: 4, valueField: 5))
    }

    private func validate(_ fb: FlatBuffer) throws {
        for g in subgraphs {
            let nt = g.tensors.count
            for t in g.tensors {
                guard t.shape.allSatisfy({ $0 >= 0 && $0 < 1 << 24 }), t.shape.count <= 8 else {
                    throw fb.fail("tensor \(t.name) has shape \(t.shape)")
                }
                let (n, overflow) = t.shape.reduce((1, false)) { acc, d in
                    let r = acc.0.multipliedReportingOverflow(by: d)
                    return (r.partialValue, acc.1 || r.overflow)
                }
                guard !overflow, n < 1 << 28 else { throw fb.fail("tensor \(t.name) is too large") }
                guard t.buffer < buffers.count else {
                    throw fb.fail("tensor \(t.name) uses buffer \(t.buffer) of \(buffers.count)")
                }
            }
            func check(_ list: [Int], _ what: String, optional: Bool = false) throws {
                for i in list where !(0..<nt).contains(i) && !(optional && i == -1) {
                    throw fb.fail("\(what) refers to tensor \(i) of \(nt)")
                }
            }
            try check(g.inputs, "subgraph input")
            try check(g.outputs, "subgraph output")
            for (k, op) in g.operators.enumerated() {
                guard op.opcodeIndex < operatorCodes.count else {
                    throw fb.fail("operator \(k) uses opcode \(op.opcodeIndex) of \(operatorCodes.count)")
                }
                try check(op.inputs, "operator \(k) input", optional: true)
                try check(op.outputs, "operator \(k) output")
            }
        }
    }
}

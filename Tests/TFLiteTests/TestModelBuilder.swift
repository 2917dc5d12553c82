import Foundation
@testable import TFLite

/// One tensor of a test model; `data` makes it a constant.
struct TestTensor {
    var shape: [Int]
    var type: Int8 = 0
    var data: [UInt8]? = nil
    var name: String = ""
    var extra: [Int: FBValue] = [:]

    static func float(_ shape: [Int], _ values: [Float]? = nil) -> TestTensor {
        TestTensor(shape: shape, type: 0, data: values.map(floatBytes))
    }
    static func half(_ shape: [Int], _ values: [Float]) -> TestTensor {
        TestTensor(shape: shape, type: 1, data: values.flatMap { v -> [UInt8] in
            let h = Float16(v).bitPattern
            return [UInt8(h & 0xFF), UInt8(h >> 8)]
        })
    }
    static func int32(_ shape: [Int], _ values: [Int32]) -> TestTensor {
        TestTensor(shape: shape, type: 2, data: values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } })
    }
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
}

struct TestOperator {
    var code: Int32
    var inputs: [Int]
    var outputs: [Int]
    var optionsType: UInt8 = 0
    var options: [Int: FBValue]? = nil
}

/// Serialises a one-subgraph TFLite model following `schema.fbs`.
/// `deprecatedCodes`: write operator codes only in `deprecated_builtin_code` (old files).
func buildModel(tensors: [TestTensor], operators: [TestOperator], inputs: [Int], outputs: [Int],
                deprecatedCodes: Bool = false, extraBuffers: [FBValue] = []) -> Data {
    // Buffer 0 is the empty sentinel; `extraBuffers` follow it (indices 1…), then tensor data.
    var buffers: [FBValue] = [.table([:])] + extraBuffers
    var tensorTables: [FBValue] = []
    for (i, t) in tensors.enumerated() {
        var fields: [Int: FBValue] = [0: .ints(t.shape.map(Int32.init)), 1: .i8(t.type),
                                      3: .string(t.name.isEmpty ? "t\(i)" : t.name)]
        if let d = t.data {
            buffers.append(.table([0: .bytes(d)]))
            fields[2] = .u32(UInt32(buffers.count - 1))
        }
        for (k, v) in t.extra { fields[k] = v }
        tensorTables.append(.table(fields))
    }
    var codes: [Int32] = []
    var opTables: [FBValue] = []
    for op in operators {
        if !codes.contains(op.code) { codes.append(op.code) }
        var fields: [Int: FBValue] = [0: .u32(UInt32(codes.firstIndex(of: op.code)!)),
                                      1: .ints(op.inputs.map(Int32.init)), 2: .ints(op.outputs.map(Int32.init))]
        if let o = op.options {
            fields[3] = .u8(op.optionsType)
            fields[4] = .table(o)
        }
        opTables.append(.table(fields))
    }
    let codeTables: [FBValue] = codes.map { c in
        deprecatedCodes ? .table([0: .i8(Int8(c)), 2: .i32(1)])
                        : .table([0: .i8(Int8(min(c, 127))), 2: .i32(1), 3: .i32(c)])
    }
    let subgraph: FBValue = .table([0: .tables(tensorTables), 1: .ints(inputs.map(Int32.init)),
                                    2: .ints(outputs.map(Int32.init)), 3: .tables(opTables), 4: .string("main")])
    let model: FBValue = .table([0: .u32(3), 1: .tables(codeTables), 2: .tables([subgraph]),
                                 3: .string("test model"), 4: .tables(buffers)])
    return Data(FBWriter.build(root: model, identifier: "TFL3"))
}

/// Builds a one-operator model whose non-constant tensors (in order) are the graph inputs and
/// whose last tensor is the output, runs it and returns the output.
func runOneOperator(code: Int32, tensors: [TestTensor], optionsType: UInt8 = 0, options: [Int: FBValue]? = nil,
                    inputs: [[Float]], deprecatedCodes: Bool = false) throws -> [Float] {
    let out = tensors.count - 1
    let graphInputs = tensors.indices.filter { $0 != out && tensors[$0].data == nil }
    let op = TestOperator(code: code, inputs: Array(tensors.indices.dropLast()), outputs: [out],
                          optionsType: optionsType, options: options)
    let data = buildModel(tensors: tensors, operators: [op], inputs: graphInputs, outputs: [out],
                          deprecatedCodes: deprecatedCodes)
    let model = try TFLiteModel(data: data, name: "test.tflite")
    return try Interpreter(model: model).invoke(inputs)[0]
}

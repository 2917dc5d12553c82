import Foundation
import SiderCore

/// Name, shape and element type of a model input or output.
public struct TensorInfo: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let shape: [Int]
    public let type: TensorElementType

    /// Number of elements (product of `shape`).
    public var elementCount: Int { shape.reduce(1, *) }

    public var description: String { "\(name) \(shape.map(String.init).joined(separator: "×")) \(type)" }
}

/// A TensorFlow Lite model file, parsed and validated (first subgraph is the one run).
///
/// Owns the decoded schema (`ModelDef`); an `Interpreter` plans and runs it.
public struct TFLiteModel: Sendable {
    /// File name (or the name given with the data), used in messages.
    public let name: String
    /// `Model.version` of the file (3 for current converters).
    public let version: UInt32
    let def: ModelDef

    /// Reads and validates a `.tflite` file.
    public init(contentsOf url: URL) throws {
        let data = try AtomicFile.read(url)
        try self.init(data: data, name: url.lastPathComponent)
    }

    /// Parses and validates a model held in memory. Throws `.badModel` for anything that is not
    /// a well-formed TFLite flatbuffer.
    public init(data: Data, name: String = "model data") throws {
        self.name = name
        def = try ModelDef(FlatBuffer([UInt8](data), fileName: name))
        version = def.version
    }

    var graph: SubgraphDef { def.subgraphs[0] }

    private func info(_ i: Int) -> TensorInfo {
        let t = graph.tensors[i]
        return TensorInfo(name: t.name, shape: t.shape, type: t.type)
    }

    /// The graph inputs, in the order `Interpreter.invoke` takes them.
    public var inputs: [TensorInfo] { graph.inputs.map(info) }
    /// The graph outputs, in the order `Interpreter.invoke` returns them.
    public var outputs: [TensorInfo] { graph.outputs.map(info) }

    /// The operator name of each node, in execution order (e.g. "CONV_2D"; custom operators as
    /// "CUSTOM:name").
    public var operatorNames: [String] {
        graph.operators.map { operatorName(def.operatorCodes[$0.opcodeIndex]) }
    }

    /// Each distinct operator name with how many nodes use it, sorted by name.
    public var operatorCounts: [(name: String, count: Int)] {
        Dictionary(operatorNames.map { ($0, 1) }, uniquingKeysWith: +)
            .sorted { $0.key < $1.key }.map { (name: $0.key, count: $0.value) }
    }

    /// Each distinct tensor element type with how many tensors have it.
    public var tensorTypeCounts: [(type: TensorElementType, count: Int)] {
        Dictionary(graph.tensors.map { ($0.type, 1) }, uniquingKeysWith: +)
            .sorted { $0.key.rawValue < $1.key.rawValue }.map { (type: $0.key, count: $0.value) }
    }

    /// Number of tensors that carry sparsity parameters (stored compressed).
    public var sparseTensorCount: Int { graph.tensors.filter { $0.sparsity != nil }.count }

    func operatorName(_ code: OperatorCodeDef) -> String {
        code.builtinCode == BuiltinOperator.custom ? "CUSTOM:\(code.customCode ?? "?")"
                                                    : BuiltinOperator.name(code.builtinCode)
    }
}

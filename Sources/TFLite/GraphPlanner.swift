import SiderCore

/// Owns every float buffer an interpreter uses; freed when the interpreter goes.
final class TensorStorage {
    private(set) var allocations: [UnsafeMutablePointer<Float>] = []

    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        allocations.append(p)
        return p
    }

    deinit { for p in allocations { p.deallocate() } }
}

/// A model turned into a list of kernels at interpreter creation:
/// 1. constant tensors are decoded once; DENSIFY and DEQUANTIZE of constants are folded
///    (float16 / quantised / sparse weights become dense float32);
/// 2. standalone activation nodes are folded into their producers (`Fusion`);
/// 3. the remaining (runtime) operators get float32 buffers assigned by liveness: a buffer is
///    reused once the last operator reading its tensor has run (best fit, grown as needed);
/// 4. each kernel is built with its tensors' pointers and pre-arranged weights.
struct GraphPlan {
    /// Each kernel with its operator name and a label "#node NAME input shapes → output shape".
    var kernels: [(name: String, label: String, kernel: any Kernel)] = []
    var inputs: [(pointer: UnsafeMutablePointer<Float>, count: Int)] = []
    var outputs: [(pointer: UnsafeMutablePointer<Float>, count: Int)] = []
    let scratch: UnsafeMutablePointer<Float>
    /// Owns the buffers behind every pointer above.
    let storage: TensorStorage

    /// Upper bound on the floats of tensor memory (and of scratch) one interpreter may plan: 1 GiB.
    static let maxFloats = 1 << 28

    /// Operators that are evaluated once at planning time when their input is constant.
    private static let foldable: Set<Int32> = [BuiltinOperator.densify, BuiltinOperator.dequantize]

    init(model: TFLiteModel) throws {
        let graph = model.graph
        let tensors = graph.tensors
        let file = model.name
        func bad(_ why: String) -> SiderError { SiderError(.badModel, "damaged TFLite model \(file): \(why)") }

        // 1. Constants, and folding.
        var constants: [Int: ConstData] = [:]
        for (i, t) in tensors.enumerated() {
            let bytes = model.def.buffers[t.buffer]
            guard !bytes.isEmpty else { continue }
            guard let value = try ConstData.decode(bytes, type: t.type, expected: t.sparsity == nil ? t.elementCount : nil) else {
                throw bad("tensor \(t.name) of shape \(t.shape) \(t.type) has \(bytes.count) bytes of data")
            }
            constants[i] = value
        }
        var runtimeOps: [(index: Int, op: OperatorDef, code: Int32, name: String)] = []
        for (k, op) in graph.operators.enumerated() {
            let codeDef = model.def.operatorCodes[op.opcodeIndex]
            let name = model.operatorName(codeDef)
            guard KernelFactory.supports(codeDef.builtinCode) else {
                throw SiderError(.unsupported, "unsupported TFLite operator \(name) (code \(codeDef.builtinCode)) in \(file)")
            }
            if GraphPlan.foldable.contains(codeDef.builtinCode), let x = op.inputs.first, x >= 0, let value = constants[x] {
                guard op.outputs.count == 1 else { throw bad("operator \(k) (\(name)) needs one output") }
                let out = op.outputs[0]
                do {
                    if codeDef.builtinCode == BuiltinOperator.densify {
                        let dense = try densify(value, tensor: tensors[x])
                        guard dense.count == tensors[out].elementCount else { throw bad("DENSIFY output size mismatch") }
                        constants[out] = dense
                    } else {
                        guard tensors[x].sparsity == nil else { throw bad("DEQUANTIZE of a sparse tensor") }
                        let v = try dequantize(value, tensor: tensors[x])
                        guard v.count == tensors[out].elementCount else { throw bad("DEQUANTIZE output size mismatch") }
                        constants[out] = .float(v)
                    }
                } catch let e as SiderError {
                    throw SiderError(e.kind, "\(file): operator \(k) (\(name)): \(e.message)")
                }
                continue
            }
            for x in op.inputs where x >= 0 && tensors[x].sparsity != nil {
                throw SiderError(.unsupported, "\(file): operator \(k) (\(name)) reads sparse tensor \(tensors[x].name) directly")
            }
            runtimeOps.append((k, op, codeDef.builtinCode, name))
        }

        // Activation nodes folded into their producers.
        let (fusions, absorbed) = Fusion.plan(ops: runtimeOps, tensors: tensors, constants: constants,
                                              graphOutputs: Set(graph.outputs))
        runtimeOps = runtimeOps.compactMap { r in
            if absorbed.contains(r.index) { return nil }
            guard let f = fusions[r.index] else { return r }
            var op = r.op
            op.outputs = [f.output]
            return (r.index, op, r.code, r.name + "+" + f.consumerName)
        }

        // 3. Buffers for runtime tensors, by liveness.
        var lastUse: [Int: Int] = [:]
        for (i, r) in runtimeOps.enumerated() {
            for x in r.op.inputs where x >= 0 && constants[x] == nil { lastUse[x] = i }
        }
        for t in graph.outputs { lastUse[t] = Int.max }
        var bufferOf: [Int: Int] = [:]
        var capacities: [Int] = []
        var free: [Int] = []
        func assign(_ t: Int) throws {
            guard tensors[t].type == .float32 else {
                throw SiderError(.unsupported, "\(file): runtime tensor \(tensors[t].name) is \(tensors[t].type); only FLOAT32 is supported")
            }
            let need = tensors[t].elementCount
            if let fit = free.filter({ capacities[$0] >= need }).min(by: { capacities[$0] < capacities[$1] }) {
                bufferOf[t] = fit
                free.removeAll { $0 == fit }
            } else if let grow = free.max(by: { capacities[$0] < capacities[$1] }) {
                capacities[grow] = need
                bufferOf[t] = grow
                free.removeAll { $0 == grow }
            } else {
                capacities.append(need)
                bufferOf[t] = capacities.count - 1
            }
        }
        func release(_ t: Int) {
            if let b = bufferOf[t], !free.contains(b) { free.append(b) }
        }
        for t in graph.inputs where bufferOf[t] == nil && constants[t] == nil { try assign(t) }
        for t in graph.inputs where lastUse[t] == nil { release(t) }
        var written = Set(graph.inputs)
        for (i, r) in runtimeOps.enumerated() {
            for x in r.op.inputs where x >= 0 && constants[x] == nil && !written.contains(x) {
                throw bad("operator \(r.index) (\(r.name)) reads \(tensors[x].name) before any operator writes it")
            }
            written.formUnion(r.op.outputs)
            for y in r.op.outputs {
                guard constants[y] == nil, bufferOf[y] == nil else { throw bad("tensor \(tensors[y].name) is written twice") }
                try assign(y)
            }
            for x in Set(r.op.inputs) where x >= 0 && lastUse[x] == i { release(x) }
            for y in r.op.outputs where lastUse[y] == nil { release(y) }
        }
        // A damaged file could ask for absurd buffers: bound the arena (real models need ~10⁷ floats).
        guard capacities.reduce(0, +) <= GraphPlan.maxFloats else {
            throw SiderError(.unsupported, "\(file) needs more than \(GraphPlan.maxFloats) floats of tensor memory")
        }
        let storage = TensorStorage()
        let buffers = capacities.map { storage.allocate($0) }
        var constStorage: [Int: UnsafeMutablePointer<Float>] = [:]
        func pointer(_ t: Int) throws -> UnsafeMutablePointer<Float> {
            if let b = bufferOf[t] { return buffers[b] }
            if let p = constStorage[t] { return p }
            switch constants[t] {
            case .float(let v)?:
                let p = storage.allocate(v.count)
                p.update(from: v, count: v.count)
                constStorage[t] = p
                return p
            case .int?:
                throw bad("integer constant \(tensors[t].name) used as float data")
            case nil:
                throw bad("tensor \(tensors[t].name) is read before any operator writes it")
            }
        }

        // 4. Kernels.
        var scratchCount = 0
        for r in runtimeOps {
            var ctx = NodeContext(op: r.op, index: r.index, name: r.name, fileName: file, tensors: tensors,
                                  constants: constants, storage: pointer)
            ctx.fusion = fusions[r.index]
            let kernel = try KernelFactory.make(code: r.code, ctx)
            guard kernel.scratchCount <= GraphPlan.maxFloats else {
                throw SiderError(.unsupported, "\(file): operator \(r.index) (\(r.name)) needs too much scratch memory")
            }
            scratchCount = max(scratchCount, kernel.scratchCount)
            let shapes = r.op.inputs.filter { $0 >= 0 && constants[$0] == nil }.map { tensors[$0].shape.map(String.init).joined(separator: "×") }
            let label = "#\(r.index) \(r.name) \(shapes.joined(separator: ", ")) → \(r.op.outputs.map { tensors[$0].shape.map(String.init).joined(separator: "×") }.joined(separator: ", "))"
            kernels.append((r.name, label, kernel))
        }
        inputs = try graph.inputs.map { (try pointer($0), tensors[$0].elementCount) }
        outputs = try graph.outputs.map { (try pointer($0), tensors[$0].elementCount) }
        scratch = storage.allocate(scratchCount)
        self.storage = storage
    }
}

/// Maps builtin operator codes to kernels.
enum KernelFactory {
    private static let supported: Set<Int32> = {
        typealias B = BuiltinOperator
        return [B.add, B.averagePool2D, B.concatenation, B.conv2D, B.depthwiseConv2D, B.depthToSpace,
                B.dequantize, B.logistic, B.maxPool2D, B.mul, B.relu, B.reluN1To1, B.relu6, B.reshape,
                B.resizeBilinear, B.tanh, B.pad, B.prelu, B.densify]
    }()

    static func supports(_ code: Int32) -> Bool { supported.contains(code) }

    static func make(code: Int32, _ ctx: NodeContext) throws -> any Kernel {
        switch code {
        case BuiltinOperator.conv2D: return try Conv2DKernel(ctx)
        case BuiltinOperator.depthwiseConv2D: return try DepthwiseConv2DKernel(ctx)
        case BuiltinOperator.maxPool2D: return try Pool2DKernel(ctx, mode: .max)
        case BuiltinOperator.averagePool2D: return try Pool2DKernel(ctx, mode: .average)
        case BuiltinOperator.add: return try BinaryKernel(ctx, op: .add)
        case BuiltinOperator.mul: return try BinaryKernel(ctx, op: .mul)
        case BuiltinOperator.prelu: return try BinaryKernel(ctx, op: .prelu)
        case BuiltinOperator.relu: return try UnaryKernel(ctx, op: .activation(.relu))
        case BuiltinOperator.relu6: return try UnaryKernel(ctx, op: .activation(.relu6))
        case BuiltinOperator.reluN1To1: return try UnaryKernel(ctx, op: .activation(.reluN1To1))
        case BuiltinOperator.tanh: return try UnaryKernel(ctx, op: .activation(.tanh))
        case BuiltinOperator.logistic: return try UnaryKernel(ctx, op: .logistic)
        case BuiltinOperator.reshape: return try ReshapeKernel(ctx)
        case BuiltinOperator.pad: return try PadKernel(ctx)
        case BuiltinOperator.concatenation: return try ConcatenationKernel(ctx)
        case BuiltinOperator.depthToSpace: return try DepthToSpaceKernel(ctx)
        case BuiltinOperator.resizeBilinear: return try ResizeBilinearKernel(ctx)
        case BuiltinOperator.dequantize, BuiltinOperator.densify:
            throw SiderError(.unsupported, "\(ctx.fileName): operator \(ctx.index) (\(ctx.name)) on a non-constant tensor is not supported")
        default:
            throw SiderError(.unsupported, "unsupported TFLite operator \(ctx.name) (code \(code)) in \(ctx.fileName)")
        }
    }
}

import SiderCore

/// A standalone activation node folded into the node that produces its input, saving one pass
/// over memory: CONV_2D / DEPTHWISE_CONV_2D / ADD (fused activation NONE) followed by RELU,
/// RELU6 or RELU_N1_TO_1 take that activation; ADD followed by PRELU with one slope per channel
/// (last dimension) applies y = v ≥ 0 ? v : α·v to its result. Only when the intermediate tensor
/// has no other reader and is not a graph output.
struct Fusion {
    /// The activation node's output, which the producer now writes.
    var output: Int
    var activation: Activation?
    var alpha: [Float]?
    /// Name of the activation node, for profiling labels ("ADD+PRELU").
    var consumerName: String

    /// The fusions to apply, keyed by the producer's model operator index, and the model operator
    /// indices of the activation nodes they absorb.
    static func plan(ops: [(index: Int, op: OperatorDef, code: Int32, name: String)], tensors: [TensorDef],
                     constants: [Int: ConstData], graphOutputs: Set<Int>) -> (fusions: [Int: Fusion], absorbed: Set<Int>) {
        typealias B = BuiltinOperator
        var readers: [Int: Int] = [:]
        var producer: [Int: Int] = [:]
        for (p, r) in ops.enumerated() {
            for x in Set(r.op.inputs) where x >= 0 { readers[x, default: 0] += 1 }
            for y in r.op.outputs { producer[y] = p }
        }
        var fusions: [Int: Fusion] = [:]
        var absorbed: Set<Int> = []
        let clamps: [Int32: Activation] = [B.relu: .relu, B.relu6: .relu6, B.reluN1To1: .reluN1To1]
        for r in ops {
            guard clamps[r.code] != nil || r.code == B.prelu, r.op.outputs.count == 1,
                  let t = r.op.inputs.first, t >= 0, readers[t] == 1, !graphOutputs.contains(t),
                  let p = producer[t] else { continue }
            let src = ops[p]
            let out = r.op.outputs[0]
            guard src.op.outputs == [t], fusions[src.index] == nil, !absorbed.contains(src.index),
                  tensors[out].shape == tensors[t].shape, fusedActivationIsNone(src) else { continue }
            if let act = clamps[r.code], [B.conv2D, B.depthwiseConv2D, B.add].contains(src.code) {
                fusions[src.index] = Fusion(output: out, activation: act, alpha: nil, consumerName: r.name)
                absorbed.insert(r.index)
            } else if r.code == B.prelu, src.code == B.add, r.op.inputs.count == 2,
                      case .float(let alpha)? = constants[r.op.inputs[1]],
                      let channels = tensors[t].shape.last, alpha.count == channels,
                      tensors[r.op.inputs[1]].shape.last == channels {
                fusions[src.index] = Fusion(output: out, activation: nil, alpha: alpha, consumerName: r.name)
                absorbed.insert(r.index)
            }
        }
        return (fusions, absorbed)
    }

    /// Whether the producer's own fused activation is NONE (field 3 of Conv2DOptions, 4 of
    /// DepthwiseConv2DOptions, 0 of AddOptions; absent options mean NONE).
    private static func fusedActivationIsNone(_ r: (index: Int, op: OperatorDef, code: Int32, name: String)) -> Bool {
        let field: Int
        switch r.code {
        case BuiltinOperator.conv2D: field = 3
        case BuiltinOperator.depthwiseConv2D: field = 4
        case BuiltinOperator.add: field = 0
        default: return false
        }
        guard let options = r.op.options else { return true }
        return (try? options.scalar(field, default: Int8(0))) == 0
    }
}

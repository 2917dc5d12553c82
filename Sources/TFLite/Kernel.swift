import SiderCore

/// One planned operator: pointers to its tensors' storage were resolved at planning time, so
/// `run` only computes. `scratchCount` floats of shared scratch are passed to `run`.
protocol Kernel {
    var scratchCount: Int { get }
    func run(scratch: UnsafeMutablePointer<Float>)
}

extension Kernel {
    var scratchCount: Int { 0 }
}

/// What a kernel builder sees of its node: the tensors' shapes, constant values and storage.
struct NodeContext {
    let op: OperatorDef
    let index: Int
    let name: String
    let fileName: String
    let tensors: [TensorDef]
    let constants: [Int: ConstData]
    /// Float storage of a tensor (runtime or constant), stable for the interpreter's lifetime.
    let storage: (Int) throws -> UnsafeMutablePointer<Float>
    /// Set when the planner fused the following activation node into this one (see `Fusion`):
    /// the kernel writes that node's output and applies its activation / PReLU slopes.
    var fusion: Fusion? = nil
    var fusedAlpha: [Float]? { fusion?.alpha }

    func fail(_ why: String) -> SiderError {
        SiderError(.badModel, "\(fileName): operator \(index) (\(name)): \(why)")
    }

    /// Tensor id of input `i`; throws if missing (or optional and absent, i.e. −1).
    func input(_ i: Int) throws -> Int {
        guard i < op.inputs.count, op.inputs[i] >= 0 else { throw fail("missing input \(i)") }
        return op.inputs[i]
    }

    /// Tensor id of input `i`, or nil if absent.
    func optionalInput(_ i: Int) -> Int? {
        i < op.inputs.count && op.inputs[i] >= 0 ? op.inputs[i] : nil
    }

    func output(_ i: Int = 0) throws -> Int {
        guard i < op.outputs.count else { throw fail("missing output \(i)") }
        if i == 0, let f = fusion { return f.output }
        return op.outputs[i]
    }

    func shape(_ t: Int) -> [Int] { tensors[t].shape }

    /// Shape of a tensor that must have rank 4 (NHWC).
    func shape4(_ t: Int) throws -> (n: Int, h: Int, w: Int, c: Int) {
        let s = tensors[t].shape
        guard s.count == 4 else { throw fail("tensor \(tensors[t].name) has shape \(s), expected rank 4") }
        return (s[0], s[1], s[2], s[3])
    }

    func constFloats(_ t: Int) throws -> [Float] {
        guard case .float(let v)? = constants[t] else { throw fail("tensor \(tensors[t].name) must be a float constant") }
        return v
    }

    func constInts(_ t: Int) throws -> [Int] {
        guard case .int(let v)? = constants[t] else { throw fail("tensor \(tensors[t].name) must be an integer constant") }
        return v
    }

    /// The options table, checked to be of union type `type` (nil when absent).
    func options(_ type: UInt8) throws -> FBTable? {
        guard let o = op.options else { return nil }
        guard op.optionsType == type else { throw fail("options of type \(op.optionsType), expected \(type)") }
        return o
    }

    func activation(_ code: Int8) throws -> Activation {
        if let a = fusion?.activation { return a }
        return try Activation(code: code, op: name)
    }
}

/// `tflite.Padding` and the output size / leading pad it implies along one axis:
/// SAME: out = ⌈in / s⌉, pad = max((out − 1)·s + k_eff − in, 0) / 2 (floor, the rest after);
/// VALID: out = ⌈(in − k_eff + 1) / s⌉, pad = 0, with k_eff = (k − 1)·d + 1.
enum Padding: Int8 {
    case same = 0, valid = 1

    func geometry(input: Int, kernel: Int, stride: Int, dilation: Int) -> (out: Int, padBefore: Int) {
        let eff = (kernel - 1) * dilation + 1
        switch self {
        case .same:
            let out = (input + stride - 1) / stride
            return (out, max((out - 1) * stride + eff - input, 0) / 2)
        case .valid:
            return (max((input - eff + stride) / stride, 0), 0)
        }
    }
}

/// Spatial window parameters shared by convolutions and pooling, with checked output size.
struct Window: Sendable {
    var kh: Int, kw: Int, sh: Int, sw: Int, dh: Int, dw: Int
    var padTop: Int, padLeft: Int

    init(ctx: NodeContext, padding code: Int8, input: (h: Int, w: Int), output: (h: Int, w: Int),
         kernel: (h: Int, w: Int), stride: (h: Int, w: Int), dilation: (h: Int, w: Int)) throws {
        guard let padding = Padding(rawValue: code) else { throw ctx.fail("unknown padding \(code)") }
        guard stride.h >= 1, stride.w >= 1, dilation.h >= 1, dilation.w >= 1, kernel.h >= 1, kernel.w >= 1 else {
            throw ctx.fail("bad stride \(stride), dilation \(dilation) or kernel \(kernel)")
        }
        let gh = padding.geometry(input: input.h, kernel: kernel.h, stride: stride.h, dilation: dilation.h)
        let gw = padding.geometry(input: input.w, kernel: kernel.w, stride: stride.w, dilation: dilation.w)
        guard gh.out == output.h, gw.out == output.w else {
            throw ctx.fail("output \(output.h)×\(output.w) does not match the computed \(gh.out)×\(gw.out)")
        }
        (kh, kw, sh, sw, dh, dw) = (kernel.h, kernel.w, stride.h, stride.w, dilation.h, dilation.w)
        (padTop, padLeft) = (gh.padBefore, gw.padBefore)
    }
}

/// Operands and options shared by CONV_2D and DEPTHWISE_CONV_2D: input x (NHWC), constant
/// weights, optional constant bias, output y; options padding (field 0), stride w/h (1, 2),
/// the fused activation and dilation w/h at the given fields.
struct ConvolutionSetup {
    let x: Int, y: Int
    let input: (n: Int, h: Int, w: Int, c: Int)
    let output: (n: Int, h: Int, w: Int, c: Int)
    let weightShape: [Int]
    let weights: [Float]
    let bias: [Float]?
    let window: Window
    let activation: Activation

    init(_ ctx: NodeContext, optionsType: UInt8, activationField: Int, dilationWField: Int,
         weightsFit: ([Int], (n: Int, h: Int, w: Int, c: Int), (n: Int, h: Int, w: Int, c: Int)) -> Bool) throws {
        x = try ctx.input(0)
        y = try ctx.output()
        let wt = try ctx.input(1)
        input = try ctx.shape4(x)
        output = try ctx.shape4(y)
        weightShape = ctx.shape(wt)
        guard weightShape.count == 4, output.n == input.n, weightsFit(weightShape, input, output) else {
            throw ctx.fail("weights \(weightShape) do not fit input \(ctx.shape(x)) → output \(ctx.shape(y))")
        }
        let opts = try ctx.options(optionsType)
        func int(_ field: Int) throws -> Int { Int(try opts?.scalar(field, default: Int32(1)) ?? 1) }
        window = try Window(ctx: ctx, padding: try opts?.scalar(0, default: Int8(0)) ?? 0,
                            input: (input.h, input.w), output: (output.h, output.w),
                            kernel: (weightShape[1], weightShape[2]), stride: (try int(2), try int(1)),
                            dilation: (try int(dilationWField + 1), try int(dilationWField)))
        activation = try ctx.activation(try opts?.scalar(activationField, default: Int8(0)) ?? 0)
        weights = try ctx.constFloats(wt)
        if let b = ctx.optionalInput(2) {
            let values = try ctx.constFloats(b)
            guard values.count == output.c else { throw ctx.fail("bias has \(values.count) values for \(output.c) channels") }
            bias = values
        } else {
            bias = nil
        }
    }
}

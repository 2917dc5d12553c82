import Foundation
import SiderCore

/// Binary elementwise operators with NumPy-style broadcasting (shapes right-aligned; a size-1
/// dimension repeats): ADD y = act(a + b), MUL y = act(a · b), PRELU y = a ≥ 0 ? a : α·a with α = b.
/// A following PRELU with a per-channel α may be fused in by the planner (`fusedAlpha`): then
/// y = φ(act(a ∘ b)) with φ(v) = v ≥ 0 ? v : α[channel]·v.
struct BinaryKernel: Kernel {
    enum Op { case add, mul, prelu }
    let op: Op
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let activation: Activation
    /// Fused PReLU slopes along the last dimension, if any.
    let alpha: [Float]?
    let outShape: [Int]
    /// Element strides of a and b over `outShape` (0 along broadcast dimensions).
    let aStrides: [Int], bStrides: [Int]
    let sameShape: Bool
    /// b is a vector along the last dimension, a has the output's shape.
    let bIsChannelVector: Bool

    init(_ ctx: NodeContext, op: Op) throws {
        self.op = op
        let ta = try ctx.input(0), tb = try ctx.input(1), y = try ctx.output()
        let outShape = ctx.shape(y)
        self.outShape = outShape
        let sa = ctx.shape(ta), sb = ctx.shape(tb)
        func strides(_ s: [Int]) throws -> [Int] {
            guard s.count <= outShape.count else { throw ctx.fail("cannot broadcast \(s) to \(outShape)") }
            let padded = [Int](repeating: 1, count: outShape.count - s.count) + s
            var st = [Int](repeating: 0, count: padded.count)
            var acc = 1
            for d in stride(from: padded.count - 1, through: 0, by: -1) {
                guard padded[d] == outShape[d] || padded[d] == 1 else {
                    throw ctx.fail("cannot broadcast \(s) to \(outShape)")
                }
                st[d] = padded[d] == 1 ? 0 : acc
                acc *= padded[d]
            }
            return st
        }
        aStrides = try strides(sa)
        bStrides = try strides(sb)
        let count = outShape.reduce(1, *)
        sameShape = sa.reduce(1, *) == count && sb.reduce(1, *) == count
        let last = outShape.last ?? 1
        bIsChannelVector = sa.reduce(1, *) == count && sb.reduce(1, *) == last && (sb.last ?? 1) == last
        switch op {
        case .add: activation = try ctx.activation(try ctx.options(11)?.scalar(0, default: Int8(0)) ?? 0)
        case .mul: activation = try ctx.activation(try ctx.options(21)?.scalar(0, default: Int8(0)) ?? 0)
        case .prelu: activation = .none
        }
        alpha = ctx.fusedAlpha
        if let al = alpha, al.count != last { throw ctx.fail("fused PReLU has \(al.count) slopes for \(last) channels") }
        a = try ctx.storage(ta)
        b = try ctx.storage(tb)
        output = try ctx.storage(y)
    }

    @inline(__always)
    private func combine(_ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
        switch op {
        case .add: return activation.apply(x + y)
        case .mul: return activation.apply(x * y)
        case .prelu: return x.replacing(with: x * y, where: x .< 0)
        }
    }

    @inline(__always)
    private func combine(_ x: Float, _ y: Float) -> Float {
        switch op {
        case .add: return activation.apply(x + y)
        case .mul: return activation.apply(x * y)
        case .prelu: return x < 0 ? x * y : x
        }
    }

    /// y[i] = f(a[i], b[i]) for i < n.
    private func flat(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            storeSIMD(combine(loadSIMD(x + i), loadSIMD(y + i)), out + i)
            i += 8
        }
        while i < n { out[i] = combine(x[i], y[i]); i += 1 }
    }

    /// The fused PReLU on one row of `alpha.count` channels (still in cache).
    private func slope(_ row: UnsafeMutablePointer<Float>, _ alpha: UnsafePointer<Float>, _ n: Int) {
        var i = 0
        while i + 8 <= n {
            let v = loadSIMD(row + i)
            storeSIMD(v.replacing(with: v * loadSIMD(alpha + i), where: v .< 0), row + i)
            i += 8
        }
        while i < n { if row[i] < 0 { row[i] *= alpha[i] }; i += 1 }
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        let count = outShape.reduce(1, *)
        let last = max(outShape.last ?? 1, 1)
        if let alpha {
            alpha.withUnsafeBufferPointer { al in
                for r in 0..<(count / last) {
                    let o = r * last
                    if sameShape { flat(a + o, b + o, output + o, last) }
                    else if bIsChannelVector { flat(a + o, b, output + o, last) }
                    else { broadcastRows(r..<(r + 1)) }
                    slope(output + o, al.baseAddress!, last)
                }
            }
            return
        }
        if sameShape {
            flat(a, b, output, count)
        } else if bIsChannelVector {
            for r in 0..<(count / last) { flat(a + r * last, b, output + r * last, last) }
        } else {
            broadcastRows(0..<(count / last))
        }
    }

    /// General broadcast over the given rows (all dimensions but the last), innermost dimension
    /// with its own strides.
    private func broadcastRows(_ rows: Range<Int>) {
        let rank = outShape.count
        guard rank > 0 else { output[0] = combine(a[0], b[0]); return }
        let last = outShape[rank - 1]
        let sa = aStrides[rank - 1], sb = bStrides[rank - 1]
        for row in rows {
            var oa = 0, ob = 0, rest = row
            for d in stride(from: rank - 2, through: 0, by: -1) {
                let i = rest % outShape[d]
                rest /= outShape[d]
                oa += i * aStrides[d]
                ob += i * bStrides[d]
            }
            let o = row * last
            for j in 0..<last { output[o + j] = combine(a[oa + j * sa], b[ob + j * sb]) }
        }
    }
}

/// Standalone activations: RELU, RELU6, RELU_N1_TO_1, TANH, and LOGISTIC y = 1 / (1 + e^(−x)).
struct UnaryKernel: Kernel {
    enum Op { case activation(Activation), logistic }
    let op: Op
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let count: Int

    init(_ ctx: NodeContext, op: Op) throws {
        self.op = op
        let x = try ctx.input(0), y = try ctx.output()
        count = ctx.tensors[y].elementCount
        guard ctx.tensors[x].elementCount == count else { throw ctx.fail("input and output sizes differ") }
        input = try ctx.storage(x)
        output = try ctx.storage(y)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        if input != output { output.update(from: input, count: count) }
        switch op {
        case .activation(let act): act.apply(output, count: count)
        case .logistic: for i in 0..<count { output[i] = 1 / (1 + Foundation.exp(-output[i])) }
        }
    }
}

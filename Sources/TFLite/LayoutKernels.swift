import SiderCore

/// RESHAPE: the same elements in row-major order under the output's (static) shape.
struct ReshapeKernel: Kernel {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let count: Int

    init(_ ctx: NodeContext) throws {
        let x = try ctx.input(0), y = try ctx.output()
        count = ctx.tensors[y].elementCount
        guard ctx.tensors[x].elementCount == count else {
            throw ctx.fail("cannot reshape \(ctx.shape(x)) to \(ctx.shape(y))")
        }
        input = try ctx.storage(x)
        output = try ctx.storage(y)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        if input != output { output.update(from: input, count: count) }
    }
}

/// PAD: y = x placed at offset `before[d]` in each dimension d, zeros elsewhere
/// (paddings is a constant [rank, 2] integer tensor of (before, after)). Rank ≤ 4.
struct PadKernel: Kernel {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    /// Input and output shapes and leading pads, all as 4-D (leading 1s / 0s).
    let inShape: [Int], outShape: [Int], before: [Int]

    init(_ ctx: NodeContext) throws {
        let x = try ctx.input(0), y = try ctx.output()
        let pads = try ctx.constInts(try ctx.input(1))
        let si = ctx.shape(x), so = ctx.shape(y)
        let rank = si.count
        guard rank <= 4, so.count == rank, pads.count == 2 * rank else {
            throw ctx.fail("paddings \(pads) do not fit input \(si)")
        }
        for d in 0..<rank where pads[2 * d] < 0 || pads[2 * d + 1] < 0 || si[d] + pads[2 * d] + pads[2 * d + 1] != so[d] {
            throw ctx.fail("paddings \(pads) do not take \(si) to \(so)")
        }
        let lead = 4 - rank
        inShape = [Int](repeating: 1, count: lead) + si
        outShape = [Int](repeating: 1, count: lead) + so
        before = [Int](repeating: 0, count: lead) + (0..<rank).map { pads[2 * $0] }
        input = try ctx.storage(x)
        output = try ctx.storage(y)
    }

    /// One pass over the output: each element is written once, either copied or zeroed.
    func run(scratch: UnsafeMutablePointer<Float>) {
        let (h, w, c) = (inShape[1], inShape[2], inShape[3])
        let (on, oh, ow, oc) = (outShape[0], outShape[1], outShape[2], outShape[3])
        let (pb, py, px, pc) = (before[0], before[1], before[2], before[3])
        let cAfter = oc - c - pc
        for ob in 0..<on {
            for oy in 0..<oh {
                let dstRow = output + (ob * oh + oy) * ow * oc
                let b = ob - pb, y = oy - py
                guard b >= 0, b < inShape[0], y >= 0, y < h else {
                    dstRow.update(repeating: 0, count: ow * oc)
                    continue
                }
                let srcRow = input + (b * h + y) * w * c
                dstRow.update(repeating: 0, count: px * oc)
                if c == oc {
                    (dstRow + px * oc).update(from: srcRow, count: w * c)
                } else {
                    var d = dstRow + px * oc
                    for x in 0..<w {
                        for k in 0..<pc { d[k] = 0 }
                        d += pc
                        let s = srcRow + x * c
                        for k in 0..<c { d[k] = s[k] }
                        d += c
                        for k in 0..<cAfter { d[k] = 0 }
                        d += cAfter
                    }
                }
                (dstRow + (px + w) * oc).update(repeating: 0, count: (ow - px - w) * oc)
            }
        }
    }
}

/// CONCATENATION along `axis` (negative counts from the end), then the fused activation.
struct ConcatenationKernel: Kernel {
    let inputs: [(pointer: UnsafeMutablePointer<Float>, chunk: Int)]
    let output: UnsafeMutablePointer<Float>
    let outer: Int, count: Int
    let activation: Activation

    init(_ ctx: NodeContext) throws {
        let y = try ctx.output()
        let so = ctx.shape(y)
        let opts = try ctx.options(10)
        var axis = Int(try opts?.scalar(0, default: Int32(0)) ?? 0)
        if axis < 0 { axis += so.count }
        guard axis >= 0, axis < so.count else { throw ctx.fail("axis \(axis) for rank \(so.count)") }
        activation = try ctx.activation(try opts?.scalar(1, default: Int8(0)) ?? 0)
        var list: [(UnsafeMutablePointer<Float>, Int)] = []
        var total = 0
        for i in 0..<ctx.op.inputs.count {
            let t = try ctx.input(i)
            let s = ctx.shape(t)
            guard s.count == so.count, (0..<s.count).allSatisfy({ $0 == axis || s[$0] == so[$0] }) else {
                throw ctx.fail("input \(s) does not fit output \(so) along axis \(axis)")
            }
            total += s[axis]
            list.append((try ctx.storage(t), s[axis...].reduce(1, *)))
        }
        guard total == so[axis] else { throw ctx.fail("inputs sum to \(total) along axis \(axis), output has \(so[axis])") }
        inputs = list
        outer = so[..<axis].reduce(1, *)
        count = so.reduce(1, *)
        output = try ctx.storage(y)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        var dst = output
        for o in 0..<outer {
            for (p, chunk) in inputs {
                dst.update(from: p + o * chunk, count: chunk)
                dst += chunk
            }
        }
        activation.apply(output, count: count)
    }
}

/// DEPTH_TO_SPACE (NHWC, block size s): y[n, h·s + dy, w·s + dx, c] = x[n, h, w, (dy·s + dx)·C + c].
struct DepthToSpaceKernel: Kernel {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let n: Int, h: Int, w: Int, c: Int, block: Int

    init(_ ctx: NodeContext) throws {
        let x = try ctx.input(0), y = try ctx.output()
        let (n, h, w, ci) = try ctx.shape4(x)
        let (on, oh, ow, oc) = try ctx.shape4(y)
        block = Int(try ctx.options(94)?.scalar(0, default: Int32(0)) ?? 0)
        guard block >= 1, on == n, oh == h * block, ow == w * block, oc * block * block == ci else {
            throw ctx.fail("block \(block) does not take \(ctx.shape(x)) to \(ctx.shape(y))")
        }
        input = try ctx.storage(x)
        output = try ctx.storage(y)
        (self.n, self.h, self.w, self.c) = (n, h, w, oc)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        let s = block, ow = w * s
        for b in 0..<n {
            for y in 0..<h {
                for x in 0..<w {
                    let src = input + ((b * h + y) * w + x) * c * s * s
                    for dy in 0..<s {
                        for dx in 0..<s {
                            let dst = output + ((b * h * s + y * s + dy) * ow + x * s + dx) * c
                            dst.update(from: src + (dy * s + dx) * c, count: c)
                        }
                    }
                }
            }
        }
    }
}

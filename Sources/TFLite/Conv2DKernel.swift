import SiderCore

/// CONV_2D on NHWC float tensors:
/// y[n,oy,ox,o] = act(b[o] + Σ_{kh,kw,c} x[n, oy·s_h − pad_t + kh·d_h, ox·s_w − pad_l + kw·d_w, c] · W[o,kh,kw,c]),
/// taps outside the input contributing 0.
///
/// Computed as one GEMM Y (P×O) = X̂ (P×K) · Ŵ (K×O), P = N·OH·OW, K = KH·KW·C, with Ŵ the
/// weights transposed once at planning time and X̂ the im2col matrix (a 1×1, stride-1 convolution
/// uses the input itself as X̂).
struct Conv2DKernel: Kernel {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    /// Ŵ, K×O row-major.
    let weights: [Float]
    let bias: [Float]?
    let activation: Activation
    let n: Int, h: Int, w: Int, c: Int, oh: Int, ow: Int, o: Int
    let window: Window

    var k: Int { window.kh * window.kw * c }
    var isPointwise: Bool {
        window.kh == 1 && window.kw == 1 && window.sh == 1 && window.sw == 1 && window.padTop == 0 && window.padLeft == 0
    }
    var scratchCount: Int { isPointwise ? 0 : n * oh * ow * k }

    init(_ ctx: NodeContext) throws {
        let x = try ctx.input(0), wt = try ctx.input(1), y = try ctx.output()
        let (n, h, w, c) = try ctx.shape4(x)
        let (on, oh, ow, o) = try ctx.shape4(y)
        let ws = ctx.shape(wt)
        guard ws.count == 4, ws[0] == o, ws[3] == c, on == n else {
            throw ctx.fail("weights \(ws) do not fit input \(ctx.shape(x)) → output \(ctx.shape(y))")
        }
        let opts = try ctx.options(1)
        window = try Window(ctx: ctx, padding: try opts?.scalar(0, default: Int8(0)) ?? 0,
                            input: (h, w), output: (oh, ow), kernel: (ws[1], ws[2]),
                            stride: (Int(try opts?.scalar(2, default: Int32(1)) ?? 1), Int(try opts?.scalar(1, default: Int32(1)) ?? 1)),
                            dilation: (Int(try opts?.scalar(5, default: Int32(1)) ?? 1), Int(try opts?.scalar(4, default: Int32(1)) ?? 1)))
        activation = try ctx.activation(try opts?.scalar(3, default: Int8(0)) ?? 0)
        let raw = try ctx.constFloats(wt)
        let kk = ws[1] * ws[2] * c
        var t = [Float](repeating: 0, count: raw.count)
        for oc in 0..<o { for j in 0..<kk { t[j * o + oc] = raw[oc * kk + j] } }
        weights = t
        if let b = ctx.optionalInput(2) {
            let bv = try ctx.constFloats(b)
            guard bv.count == o else { throw ctx.fail("bias has \(bv.count) values for \(o) channels") }
            bias = bv
        } else {
            bias = nil
        }
        input = try ctx.storage(x)
        output = try ctx.storage(y)
        (self.n, self.h, self.w, self.c, self.oh, self.ow, self.o) = (n, h, w, c, oh, ow, o)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        let p = n * oh * ow, k = self.k
        let a: UnsafeMutablePointer<Float>
        if isPointwise {
            a = input
        } else {
            im2col(into: scratch)
            a = scratch
        }
        weights.withUnsafeBufferPointer { wb in
            BLAS.sgemm(m: p, n: o, k: k, a: a, lda: k, b: wb.baseAddress!, ldb: o, c: output, ldc: o)
        }
        if let bias {
            bias.withUnsafeBufferPointer { addBiasAndActivate(output, rows: p, n: o, bias: $0.baseAddress, activation: activation) }
        } else {
            addBiasAndActivate(output, rows: p, n: o, bias: nil, activation: activation)
        }
    }

    /// X̂[(n,oy,ox), (kh,kw,c)] = x[n, iy, ix, c] or 0 outside the input.
    private func im2col(into col: UnsafeMutablePointer<Float>) {
        let k = self.k, c = self.c, win = window
        let src = SendablePointer(input), dst = SendablePointer(col)
        let (h, w, oh, ow) = (self.h, self.w, self.oh, self.ow)
        parallelFor(n * oh, minChunk: 16) { rows in
            for row in rows {
                let b = row / oh, oy = row % oh
                for ox in 0..<ow {
                    var d = dst.base + ((row * ow) + ox) * k
                    for kh in 0..<win.kh {
                        let iy = oy * win.sh - win.padTop + kh * win.dh
                        for kw in 0..<win.kw {
                            let ix = ox * win.sw - win.padLeft + kw * win.dw
                            if iy >= 0, iy < h, ix >= 0, ix < w {
                                d.update(from: src.base + ((b * h + iy) * w + ix) * c, count: c)
                            } else {
                                d.update(repeating: 0, count: c)
                            }
                            d += c
                        }
                    }
                }
            }
        }
    }
}

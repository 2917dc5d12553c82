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
        let setup = try ConvolutionSetup(ctx, optionsType: 1, activationField: 3, dilationWField: 4) { ws, x, y in
            ws[0] == y.c && ws[3] == x.c
        }
        let (n, h, w, c) = setup.input
        let (oh, ow, o) = (setup.output.h, setup.output.w, setup.output.c)
        let kk = setup.weightShape[1] * setup.weightShape[2] * c
        var t = [Float](repeating: 0, count: setup.weights.count)
        for oc in 0..<o { for j in 0..<kk { t[j * o + oc] = setup.weights[oc * kk + j] } }
        weights = t
        bias = setup.bias
        window = setup.window
        activation = setup.activation
        input = try ctx.storage(setup.x)
        output = try ctx.storage(setup.y)
        (self.n, self.h, self.w, self.c, self.oh, self.ow, self.o) = (n, h, w, c, oh, ow, o)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        let p = n * oh * ow, k = self.k
        guard p > 0, o > 0 else { return }
        if k > 0 {
            let a = isPointwise ? input : scratch
            if !isPointwise { im2col(into: scratch) }
            // One OpenBLAS thread: its results depend on its thread count (the core count by
            // default), and the landmarks — hence everything downstream — must not.
            weights.withUnsafeBufferPointer { wb in
                BLAS.singleThreaded {
                    BLAS.sgemm(m: p, n: o, k: k, a: a, lda: k, b: wb.baseAddress!, ldb: o, c: output, ldc: o)
                }
            }
        } else {
            output.update(repeating: 0, count: p * o)  // an empty sum
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
                            let inside = iy >= 0 && iy < h && ix >= 0 && ix < w
                            if c >= 16 {
                                if inside { d.update(from: src.base + ((b * h + iy) * w + ix) * c, count: c) }
                                else { d.update(repeating: 0, count: c) }
                            } else if inside {
                                // Few channels (first layers): a plain loop beats a memmove call.
                                let s = src.base + ((b * h + iy) * w + ix) * c
                                for j in 0..<c { d[j] = s[j] }
                            } else {
                                for j in 0..<c { d[j] = 0 }
                            }
                            d += c
                        }
                    }
                }
            }
        }
    }
}

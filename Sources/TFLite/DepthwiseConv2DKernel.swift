import SiderCore

/// DEPTHWISE_CONV_2D on NHWC float tensors with depth multiplier M (output channel q = c·M + m):
/// y[n,oy,ox,q] = act(b[q] + Σ_{kh,kw} x[n, oy·s_h − pad_t + kh·d_h, ox·s_w − pad_l + kw·d_w, q / M] · W[0,kh,kw,q]).
///
/// Direct loops over NHWC: rows of the output are spread over the cores; each pixel accumulates
/// 8 channels at a time in SIMD registers over the taps that fall inside the input.
struct DepthwiseConv2DKernel: Kernel, @unchecked Sendable {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    /// W as [KH·KW][OC].
    let weights: [Float]
    /// b, zeros when the model has none.
    let bias: [Float]
    let activation: Activation
    let n: Int, h: Int, w: Int, c: Int, oh: Int, ow: Int, oc: Int
    let window: Window

    init(_ ctx: NodeContext) throws {
        let setup = try ConvolutionSetup(ctx, optionsType: 2, activationField: 4, dilationWField: 5) { ws, x, y in
            ws[0] == 1 && ws[3] == y.c && x.c > 0 && y.c % x.c == 0
        }
        let (n, h, w, c) = setup.input
        let (oh, ow, oc) = (setup.output.h, setup.output.w, setup.output.c)
        weights = setup.weights
        bias = setup.bias ?? [Float](repeating: 0, count: oc)
        window = setup.window
        activation = setup.activation
        input = try ctx.storage(setup.x)
        output = try ctx.storage(setup.y)
        (self.n, self.h, self.w, self.c, self.oh, self.ow, self.oc) = (n, h, w, c, oh, ow, oc)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        let src = SendableConstPointer(UnsafePointer(input)), dst = SendablePointer(output)
        weights.withUnsafeBufferPointer { wb in
            bias.withUnsafeBufferPointer { bb in
                let wp = SendableConstPointer(wb.baseAddress!), bp = SendableConstPointer(bb.baseAddress!)
                parallelFor(n * oh, minChunk: 4) { rows in
                    for row in rows {
                        if oc == c {
                            self.rowMultiplier1(row, src.base, dst.base, wp.base, bp.base)
                        } else {
                            self.rowGeneral(row, src.base, dst.base, wp.base, bp.base)
                        }
                    }
                }
            }
        }
    }

    /// One output row, M = 1: per pixel, per 8-channel block, Σ over the valid taps.
    @inline(__always)
    private func rowMultiplier1(_ row: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                _ wt: UnsafePointer<Float>, _ b: UnsafePointer<Float>) {
        let win = window, c = self.c
        let batch = row / oh, oy = row % oh
        let iy0 = oy * win.sh - win.padTop
        // Valid kernel rows: 0 ≤ iy0 + kh·d_h < h.
        let khLo = iy0 >= 0 ? 0 : (-iy0 + win.dh - 1) / win.dh
        let khHi = min(win.kh, (h - iy0 + win.dh - 1) / win.dh)
        let plane = x + batch * h * w * c
        for ox in 0..<ow {
            let ix0 = ox * win.sw - win.padLeft
            let kwLo = ix0 >= 0 ? 0 : (-ix0 + win.dw - 1) / win.dw
            let kwHi = min(win.kw, (w - ix0 + win.dw - 1) / win.dw)
            let out = y + (row * ow + ox) * c
            let fullRow3 = win.kw == 3 && kwLo == 0 && kwHi == 3
            let fullRow5 = win.kw == 5 && kwLo == 0 && kwHi == 5
            var ch = 0
            while ch + 8 <= c {
                var acc = loadSIMD(b + ch)
                if fullRow3 || fullRow5 {
                    // Interior pixel of a 3- or 5-wide kernel: the taps of each kernel row unrolled.
                    let step = win.dw * c
                    for kh in khLo..<khHi {
                        let line = plane + ((iy0 + kh * win.dh) * w + ix0) * c + ch
                        let wline = wt + kh * win.kw * c + ch
                        if fullRow3 {
                            accumulateRow(&acc, line, wline, step: step, c: c, taps: 3)
                        } else {
                            accumulateRow(&acc, line, wline, step: step, c: c, taps: 5)
                        }
                    }
                } else if khLo < khHi && kwLo < kwHi {
                    for kh in khLo..<khHi {
                        let line = plane + ((iy0 + kh * win.dh) * w) * c + ch
                        let wline = wt + kh * win.kw * c + ch
                        for kw in kwLo..<kwHi {
                            acc += loadSIMD(line + (ix0 + kw * win.dw) * c) * loadSIMD(wline + kw * c)
                        }
                    }
                }
                storeSIMD(activation.apply(acc), out + ch)
                ch += 8
            }
            while ch < c {
                var acc = b[ch]
                if khLo < khHi && kwLo < kwHi {
                    for kh in khLo..<khHi {
                        for kw in kwLo..<kwHi {
                            acc += plane[((iy0 + kh * win.dh) * w + ix0 + kw * win.dw) * c + ch] * wt[(kh * win.kw + kw) * c + ch]
                        }
                    }
                }
                out[ch] = activation.apply(acc)
                ch += 1
            }
        }
    }

    /// acc += Σ_k x[k·step] · w[k·c] over `taps` taps; with a literal `taps` the loop unrolls.
    @inline(__always)
    private func accumulateRow(_ acc: inout SIMD8<Float>, _ line: UnsafePointer<Float>, _ wline: UnsafePointer<Float>,
                               step: Int, c: Int, taps: Int) {
        for k in 0..<taps { acc += loadSIMD(line + k * step) * loadSIMD(wline + k * c) }
    }

    /// One output row, any depth multiplier (scalar).
    private func rowGeneral(_ row: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                            _ wt: UnsafePointer<Float>, _ b: UnsafePointer<Float>) {
        let win = window, m = oc / c
        let batch = row / oh, oy = row % oh
        for ox in 0..<ow {
            for q in 0..<oc {
                var acc = b[q]
                for kh in 0..<win.kh {
                    let iy = oy * win.sh - win.padTop + kh * win.dh
                    guard iy >= 0, iy < h else { continue }
                    for kw in 0..<win.kw {
                        let ix = ox * win.sw - win.padLeft + kw * win.dw
                        guard ix >= 0, ix < w else { continue }
                        acc += x[((batch * h + iy) * w + ix) * c + q / m] * wt[(kh * win.kw + kw) * oc + q]
                    }
                }
                y[(row * ow + ox) * oc + q] = activation.apply(acc)
            }
        }
    }
}

import SiderCore

/// MAX_POOL_2D and AVERAGE_POOL_2D on NHWC: over the window taps that fall inside the input
/// (padding is ignored, never counted as 0), y = act(max x) or act(mean x).
struct Pool2DKernel: Kernel {
    enum Mode { case max, average }
    let mode: Mode
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let activation: Activation
    let n: Int, h: Int, w: Int, c: Int, oh: Int, ow: Int
    let window: Window

    init(_ ctx: NodeContext, mode: Mode) throws {
        self.mode = mode
        let x = try ctx.input(0), y = try ctx.output()
        let (n, h, w, c) = try ctx.shape4(x)
        let (on, oh, ow, oc) = try ctx.shape4(y)
        guard on == n, oc == c else { throw ctx.fail("output \(ctx.shape(y)) does not fit input \(ctx.shape(x))") }
        guard let opts = try ctx.options(5) else { throw ctx.fail("missing pooling options") }
        window = try Window(ctx: ctx, padding: try opts.scalar(0, default: Int8(0)),
                            input: (h, w), output: (oh, ow),
                            kernel: (Int(try opts.scalar(4, default: Int32(0))), Int(try opts.scalar(3, default: Int32(0)))),
                            stride: (Int(try opts.scalar(2, default: Int32(0))), Int(try opts.scalar(1, default: Int32(0)))),
                            dilation: (1, 1))
        activation = try ctx.activation(try opts.scalar(5, default: Int8(0)))
        input = try ctx.storage(x)
        output = try ctx.storage(y)
        (self.n, self.h, self.w, self.c, self.oh, self.ow) = (n, h, w, c, oh, ow)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        let win = window
        for b in 0..<n {
            for oy in 0..<oh {
                let iy0 = oy * win.sh - win.padTop
                let yLo = max(iy0, 0), yHi = min(iy0 + win.kh, h)
                for ox in 0..<ow {
                    let ix0 = ox * win.sw - win.padLeft
                    let xLo = max(ix0, 0), xHi = min(ix0 + win.kw, w)
                    let out = output + ((b * oh + oy) * ow + ox) * c
                    let taps = max(yHi - yLo, 0) * max(xHi - xLo, 0)
                    out.update(repeating: taps == 0 ? 0 : (mode == .max ? -.infinity : 0), count: c)
                    if taps > 0 {
                        for iy in yLo..<yHi {
                            for ix in xLo..<xHi {
                                let src = input + ((b * h + iy) * w + ix) * c
                                if mode == .max {
                                    for ch in 0..<c { out[ch] = max(out[ch], src[ch]) }
                                } else {
                                    for ch in 0..<c { out[ch] += src[ch] }
                                }
                            }
                        }
                        if mode == .average {
                            let inv = 1 / Float(taps)
                            for ch in 0..<c { out[ch] *= inv }
                        }
                    }
                    activation.apply(out, count: c)
                }
            }
        }
    }
}

import SiderCore

/// RESIZE_BILINEAR (NHWC) with TFLite's coordinate rules. Per axis, scale = (in−1)/(out−1) when
/// `align_corners` (and out > 1), else in/out; the source coordinate is
/// u = (o + ½)·scale − ½ with `half_pixel_centers`, else o·scale; u₀ = max(⌊u⌋, 0),
/// u₁ = min(⌈u⌉, in−1), and y mixes the 4 neighbours with weights (u − u₀), 1 − (u − u₀).
struct ResizeBilinearKernel: Kernel {
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let n: Int, h: Int, w: Int, c: Int, oh: Int, ow: Int
    /// Per output row / column: (lower index, upper index, fraction).
    let rows: [(Int, Int, Float)], cols: [(Int, Int, Float)]

    init(_ ctx: NodeContext) throws {
        let x = try ctx.input(0), y = try ctx.output()
        let (n, h, w, c) = try ctx.shape4(x)
        let (on, oh, ow, oc) = try ctx.shape4(y)
        guard on == n, oc == c, h > 0 || oh == 0, w > 0 || ow == 0 else { throw ctx.fail("output \(ctx.shape(y)) does not fit input \(ctx.shape(x))") }
        if let sizeTensor = ctx.optionalInput(1), ctx.constants[sizeTensor] != nil {
            let size = try ctx.constInts(sizeTensor)
            guard size == [oh, ow] else { throw ctx.fail("size \(size) differs from the output \(oh)×\(ow)") }
        }
        let opts = try ctx.options(15)
        let align = try opts?.bool(2) ?? false
        let halfPixel = try opts?.bool(3) ?? false
        func table(_ input: Int, _ out: Int) -> [(Int, Int, Float)] {
            let scale = align && out > 1 ? Float(input - 1) / Float(out - 1) : Float(input) / Float(out)
            return (0..<out).map { o in
                let u = halfPixel ? (Float(o) + 0.5) * scale - 0.5 : Float(o) * scale
                let lo = max(Int(u.rounded(.down)), 0)
                let hi = min(Int(u.rounded(.up)), input - 1)
                return (lo, hi, u - Float(lo))
            }
        }
        rows = table(h, oh)
        cols = table(w, ow)
        input = try ctx.storage(x)
        output = try ctx.storage(y)
        (self.n, self.h, self.w, self.c, self.oh, self.ow) = (n, h, w, c, oh, ow)
    }

    func run(scratch: UnsafeMutablePointer<Float>) {
        for b in 0..<n {
            let plane = input + b * h * w * c
            for (oy, (y0, y1, fy)) in rows.enumerated() {
                for (ox, (x0, x1, fx)) in cols.enumerated() {
                    let p00 = plane + (y0 * w + x0) * c, p01 = plane + (y0 * w + x1) * c
                    let p10 = plane + (y1 * w + x0) * c, p11 = plane + (y1 * w + x1) * c
                    let out = output + ((b * oh + oy) * ow + ox) * c
                    let w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx
                    for ch in 0..<c {
                        out[ch] = p00[ch] * w00 + p10[ch] * w10 + p01[ch] * w01 + p11[ch] * w11
                    }
                }
            }
        }
    }
}

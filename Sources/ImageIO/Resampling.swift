import SiderCore

/// Geometric resampling of `RGBImage`: bilinear point sampling, crop, resize and affine warp.
///
/// Coordinates are continuous: x = 0 is the left edge of pixel column 0 and pixel (i, j) has its
/// centre at (i + 0.5, j + 0.5). Bilinear sampling at (x, y) interpolates the four pixel centres
/// around it; outside the outermost centres the edge pixels are repeated (clamp-to-edge).
extension RGBImage {
    /// Bilinear colour at continuous coordinates (x, y), clamped to the image edge.
    @inlinable public func sample(x: Float, y: Float) -> SIMD3<Float> {
        guard width > 0, height > 0 else { return .zero }
        return pixels.withUnsafeBufferPointer { buf in
            Bilinear.sample(buf.baseAddress!, width: width, height: height, x: x, y: y)
        }
    }

    /// The region [x, x+width) × [y, y+height) in pixel indices; parts outside the image are
    /// filled with `border`.
    public func cropped(x: Int, y: Int, width cw: Int, height ch: Int, border: SIMD3<Float> = .zero) -> RGBImage {
        let cw = max(0, cw), ch = max(0, ch)
        var out = RGBImage(width: cw, height: ch, fill: border)
        let x0 = max(0, x), x1 = min(width, x + cw)
        guard x0 < x1 else { return out }
        let n = (x1 - x0) * 3
        for row in max(0, y)..<max(max(0, y), min(height, y + ch)) {
            let s = (row * width + x0) * 3, d = ((row - y) * cw + (x0 - x)) * 3
            out.pixels.replaceSubrange(d..<(d + n), with: pixels[s..<(s + n)])
        }
        return out
    }

    /// Resamples to `width`×`height` (pixel centres aligned: output centre i maps to input
    /// (i + 0.5)·s where s = input/output size). Per axis, enlarging or shrinking by at most 2×
    /// is bilinear; shrinking by more than 2× is an exact area average over each output pixel's
    /// footprint (fractional coverage at its ends), so downscaling does not alias.
    public func resized(width ow: Int, height oh: Int) -> RGBImage {
        guard ow > 0, oh > 0, width > 0, height > 0 else {
            return RGBImage(width: max(0, ow), height: max(0, oh), pixels: [Float](repeating: 0, count: max(0, ow) * max(0, oh) * 3))
        }
        if ow == width && oh == height { return self }
        let fx = AxisFilter(source: width, target: ow), fy = AxisFilter(source: height, target: oh)
        // Horizontal pass: every source row → ow columns.
        var tmp = [Float](repeating: 0, count: height * ow * 3)
        let w = width
        pixels.withUnsafeBufferPointer { srcBuf in
            tmp.withUnsafeMutableBufferPointer { tmpBuf in
                let src = SendableConstPointer(srcBuf.baseAddress!), dst = SendablePointer(tmpBuf.baseAddress!)
                parallelFor(height, minChunk: 8) { rows in
                    for y in rows {
                        let srow = src.advanced(by: y * w * 3), drow = dst.advanced(by: y * ow * 3)
                        fx.apply(columns: ow) { i, k, wt in
                            let s = srow + 3 * k
                            drow[3 * i] += wt * s[0]; drow[3 * i + 1] += wt * s[1]; drow[3 * i + 2] += wt * s[2]
                        }
                    }
                }
            }
        }
        // Vertical pass: oh output rows, each a weighted sum of tmp rows.
        var out = [Float](repeating: 0, count: oh * ow * 3)
        let rowLen = ow * 3
        tmp.withUnsafeBufferPointer { tmpBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                let src = SendableConstPointer(tmpBuf.baseAddress!), dst = SendablePointer(outBuf.baseAddress!)
                parallelFor(oh, minChunk: 8) { rows in
                    for j in rows {
                        let drow = dst.advanced(by: j * rowLen)
                        fy.taps(of: j) { k, wt in
                            let srow = src.advanced(by: k * rowLen)
                            for c in 0..<rowLen { drow[c] += wt * srow[c] }
                        }
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }

    /// Affine warp: output pixel centre p = (i + 0.5, j + 0.5) takes the bilinear input colour at
    /// `m.apply(p)` — `m` maps OUTPUT coordinates to INPUT coordinates. Points falling outside the
    /// input rectangle [0, width] × [0, height] get `border`; with `border: nil` the edge pixels
    /// are repeated instead (clamp-to-edge everywhere).
    ///
    /// With `prefilter` (default) a map that shrinks by more than 2× along both output axes first
    /// area-averages the input down (see `resized`) so that the warp does not alias.
    public func warpedAffine(_ m: AffineTransform2D, width ow: Int, height oh: Int,
                             border: SIMD3<Float>? = .zero, prefilter: Bool = true) -> RGBImage {
        let shrink = min((m.a * m.a + m.d * m.d).squareRoot(), (m.b * m.b + m.e * m.e).squareRoot())
        if prefilter, shrink > 2, width > 1, height > 1 {
            let sw = max(1, Int((Float(width) / shrink).rounded())), sh = max(1, Int((Float(height) / shrink).rounded()))
            let small = resized(width: sw, height: sh)
            let toSmall = AffineTransform2D.scale(Float(sw) / Float(width), Float(sh) / Float(height))
            return small.warpedAffine(toSmall * m, width: ow, height: oh, border: border, prefilter: false)
        }
        let ow = max(0, ow), oh = max(0, oh)
        var out = [Float](repeating: 0, count: ow * oh * 3)
        guard width > 0, height > 0 else { return RGBImage(width: ow, height: oh, fill: border ?? .zero) }
        let w = width, h = height
        // Without a border colour the accepted rectangle is unbounded: everything clamps to the edge.
        let fw = border == nil ? Float.infinity : Float(width), fh = border == nil ? Float.infinity : Float(height)
        let lo: Float = border == nil ? -.infinity : 0, fill = border ?? .zero
        pixels.withUnsafeBufferPointer { srcBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                let src = SendableConstPointer(srcBuf.baseAddress!), dst = SendablePointer(outBuf.baseAddress!)
                parallelFor(oh, minChunk: 4) { rows in
                    for j in rows {
                        for i in 0..<ow {
                            let p = m.apply(SIMD2(Float(i) + 0.5, Float(j) + 0.5))
                            let inside = p.x >= lo && p.y >= lo && p.x <= fw && p.y <= fh
                            let c = inside ? Bilinear.sample(src.base, width: w, height: h, x: p.x, y: p.y) : fill
                            let o = (j * ow + i) * 3
                            dst[o] = c.x; dst[o + 1] = c.y; dst[o + 2] = c.z
                        }
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }
}

/// Bilinear interpolation between pixel centres with clamp-to-edge.
public enum Bilinear {
    @inlinable
    public static func sample(_ p: UnsafePointer<Float>, width w: Int, height h: Int, x: Float, y: Float) -> SIMD3<Float> {
        let fx = min(max(x - 0.5, 0), Float(w - 1)), fy = min(max(y - 0.5, 0), Float(h - 1))
        let x0 = Int(fx), y0 = Int(fy)
        let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
        let tx = fx - Float(x0), ty = fy - Float(y0)
        func px(_ xi: Int, _ yi: Int) -> SIMD3<Float> {
            let o = (yi * w + xi) * 3
            return SIMD3(p[o], p[o + 1], p[o + 2])
        }
        let top = px(x0, y0) * (1 - tx) + px(x1, y0) * tx
        let bottom = px(x0, y1) * (1 - tx) + px(x1, y1) * tx
        return top * (1 - ty) + bottom * ty
    }
}

/// One axis of a separable resampling filter: for every output index, the source indices and
/// weights (summing to 1) that produce it. Bilinear (2 taps) unless shrinking by more than 2×,
/// then a box filter with the exact fractional coverage of [i·s, (i+1)·s).
struct AxisFilter: Sendable {
    let taps: Int
    let index: [Int]
    let weight: [Float]

    init(source n: Int, target m: Int) {
        let s = Double(n) / Double(m)
        if s <= 2 {
            taps = 2
            var idx = [Int](repeating: 0, count: 2 * m), wt = [Float](repeating: 0, count: 2 * m)
            for i in 0..<m {
                let x = min(max((Double(i) + 0.5) * s - 0.5, 0), Double(n - 1))
                let x0 = Int(x), t = Float(x - Double(x0))
                idx[2 * i] = x0; idx[2 * i + 1] = min(x0 + 1, n - 1)
                wt[2 * i] = 1 - t; wt[2 * i + 1] = t
            }
            index = idx; weight = wt
        } else {
            let t = Int(s.rounded(.up)) + 1
            taps = t
            var idx = [Int](repeating: 0, count: t * m), wt = [Float](repeating: 0, count: t * m)
            for i in 0..<m {
                let lo = Double(i) * s, hi = min(Double(i + 1) * s, Double(n))
                var k = Int(lo.rounded(.down)), slot = 0
                while Double(k) < hi, slot < t, k < n {
                    let cover = min(hi, Double(k + 1)) - max(lo, Double(k))
                    idx[t * i + slot] = k
                    wt[t * i + slot] = Float(cover / (hi - lo))
                    slot += 1; k += 1
                }
                for r in slot..<t { idx[t * i + r] = min(k, n - 1) }   // zero-weight padding
            }
            index = idx; weight = wt
        }
    }

    /// Calls `body(outputIndex, sourceIndex, weight)` for every tap of every output index < `columns`.
    @inline(__always) func apply(columns: Int, _ body: (Int, Int, Float) -> Void) {
        for i in 0..<columns { taps(of: i) { k, w in body(i, k, w) } }
    }

    @inline(__always) func taps(of i: Int, _ body: (Int, Float) -> Void) {
        for r in 0..<taps where weight[taps * i + r] != 0 { body(index[taps * i + r], weight[taps * i + r]) }
    }
}

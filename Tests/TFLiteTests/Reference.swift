import Foundation

/// Naive reference implementations (plain loops, Double) of the TFLite operators, written from
/// the schema's definitions, to compare the interpreter's kernels against.
enum Reference {
    /// (output size, leading pad) for SAME / VALID along one axis.
    static func geometry(_ input: Int, _ k: Int, _ s: Int, _ d: Int, same: Bool) -> (Int, Int) {
        let eff = (k - 1) * d + 1
        if same {
            let out = Int((Double(input) / Double(s)).rounded(.up))
            return (out, max((out - 1) * s + eff - input, 0) / 2)
        }
        return (Int((Double(input - eff + 1) / Double(s)).rounded(.up)), 0)
    }

    static func act(_ v: Double, _ a: Int8) -> Double {
        switch a {
        case 1: return max(v, 0)
        case 2: return min(max(v, -1), 1)
        case 3: return min(max(v, 0), 6)
        case 4: return tanh(v)
        default: return v
        }
    }

    /// x: [n,h,w,c], weights [o,kh,kw,c] → [n,oh,ow,o].
    static func conv2d(_ x: [Float], _ xs: [Int], _ wt: [Float], _ ws: [Int], _ bias: [Float],
                       stride: (Int, Int), dilation: (Int, Int), same: Bool, act a: Int8) -> ([Float], [Int]) {
        let (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
        let (o, kh, kw) = (ws[0], ws[1], ws[2])
        let (oh, pt) = geometry(h, kh, stride.0, dilation.0, same: same)
        let (ow, pl) = geometry(w, kw, stride.1, dilation.1, same: same)
        var y = [Float](repeating: 0, count: n * oh * ow * o)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for q in 0..<o {
            var s = Double(bias[q])
            for i in 0..<kh { for j in 0..<kw { for ch in 0..<c {
                let iy = oy * stride.0 - pt + i * dilation.0, ix = ox * stride.1 - pl + j * dilation.1
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                s += Double(x[((b * h + iy) * w + ix) * c + ch]) * Double(wt[((q * kh + i) * kw + j) * c + ch])
            } } }
            y[((b * oh + oy) * ow + ox) * o + q] = Float(act(s, a))
        } } } }
        return (y, [n, oh, ow, o])
    }

    /// x: [n,h,w,c], weights [1,kh,kw,c·m] → [n,oh,ow,c·m].
    static func depthwise(_ x: [Float], _ xs: [Int], _ wt: [Float], _ ws: [Int], _ bias: [Float],
                          stride: (Int, Int), dilation: (Int, Int), same: Bool, act a: Int8) -> ([Float], [Int]) {
        let (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
        let (kh, kw, oc) = (ws[1], ws[2], ws[3])
        let m = oc / c
        let (oh, pt) = geometry(h, kh, stride.0, dilation.0, same: same)
        let (ow, pl) = geometry(w, kw, stride.1, dilation.1, same: same)
        var y = [Float](repeating: 0, count: n * oh * ow * oc)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c { for mm in 0..<m {
            let q = ch * m + mm
            var s = Double(bias[q])
            for i in 0..<kh { for j in 0..<kw {
                let iy = oy * stride.0 - pt + i * dilation.0, ix = ox * stride.1 - pl + j * dilation.1
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                s += Double(x[((b * h + iy) * w + ix) * c + ch]) * Double(wt[(i * kw + j) * oc + q])
            } }
            y[((b * oh + oy) * ow + ox) * oc + q] = Float(act(s, a))
        } } } } }
        return (y, [n, oh, ow, oc])
    }

    static func pool(_ x: [Float], _ xs: [Int], k: (Int, Int), stride: (Int, Int), same: Bool, max isMax: Bool) -> ([Float], [Int]) {
        let (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
        let (oh, pt) = geometry(h, k.0, stride.0, 1, same: same)
        let (ow, pl) = geometry(w, k.1, stride.1, 1, same: same)
        var y = [Float](repeating: 0, count: n * oh * ow * c)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c {
            var best = -Double.infinity, sum = 0.0, cnt = 0
            for i in 0..<k.0 { for j in 0..<k.1 {
                let iy = oy * stride.0 - pt + i, ix = ox * stride.1 - pl + j
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                let v = Double(x[((b * h + iy) * w + ix) * c + ch])
                best = max(best, v); sum += v; cnt += 1
            } }
            y[((b * oh + oy) * ow + ox) * c + ch] = Float(isMax ? best : sum / Double(cnt))
        } } } }
        return (y, [n, oh, ow, c])
    }

    /// Broadcast binary op over right-aligned shapes.
    static func broadcast(_ a: [Float], _ sa: [Int], _ b: [Float], _ sb: [Int], _ f: (Double, Double) -> Double) -> ([Float], [Int]) {
        let rank = max(sa.count, sb.count)
        let pa = [Int](repeating: 1, count: rank - sa.count) + sa
        let pb = [Int](repeating: 1, count: rank - sb.count) + sb
        let so = (0..<rank).map { max(pa[$0], pb[$0]) }
        func flat(_ idx: [Int], _ s: [Int]) -> Int {
            var o = 0
            for d in 0..<rank { o = o * s[d] + (s[d] == 1 ? 0 : idx[d]) }
            return o
        }
        let count = so.reduce(1, *)
        var y = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var idx = [Int](repeating: 0, count: rank), r = i
            for d in stride(from: rank - 1, through: 0, by: -1) { idx[d] = r % so[d]; r /= so[d] }
            y[i] = Float(f(Double(a[flat(idx, pa)]), Double(b[flat(idx, pb)])))
        }
        return (y, so)
    }

    static func resizeBilinear(_ x: [Float], _ xs: [Int], oh: Int, ow: Int, align: Bool, halfPixel: Bool) -> [Float] {
        let (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
        func src(_ o: Int, _ inSize: Int, _ outSize: Int) -> (Int, Int, Double) {
            let scale = align && outSize > 1 ? Double(inSize - 1) / Double(outSize - 1) : Double(inSize) / Double(outSize)
            let u = halfPixel ? (Double(o) + 0.5) * scale - 0.5 : Double(o) * scale
            let lo = max(Int(floor(u)), 0), hi = min(Int(ceil(u)), inSize - 1)
            return (lo, hi, u - Double(lo))
        }
        var y = [Float](repeating: 0, count: n * oh * ow * c)
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c {
            let (y0, y1, fy) = src(oy, h, oh), (x0, x1, fx) = src(ox, w, ow)
            func at(_ yy: Int, _ xx: Int) -> Double { Double(x[((b * h + yy) * w + xx) * c + ch]) }
            let v = at(y0, x0) * (1 - fy) * (1 - fx) + at(y1, x0) * fy * (1 - fx) + at(y0, x1) * (1 - fy) * fx + at(y1, x1) * fy * fx
            y[((b * oh + oy) * ow + ox) * c + ch] = Float(v)
        } } } }
        return y
    }
}

/// Deterministic test data in [−1, 1).
func testValues(_ count: Int, seed: UInt64) -> [Float] {
    var s = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return Float(Double(s >> 11) / Double(1 << 53)) * 2 - 1
    }
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

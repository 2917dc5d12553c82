/// Vectorised elementary functions on `SIMD8<Float>` for the activation loops.
///
/// `exp` uses Cody–Waite range reduction x = k·ln2 + r, |r| ≤ ln2/2, a degree-7 Taylor
/// polynomial for eʳ (truncation < 6e-9 relative) and 2ᵏ assembled in the exponent bits.
/// `log1pUnit(t)` = log(1 + t) for t ∈ [0, 1] uses s = t/(2 + t), log(1+t) = 2·atanh(s) =
/// 2(s + s³/3 + … + s¹¹/11), s ≤ 1/3, truncation < 1e-7.
/// `sinCos` reduces x = k·π/2 + r, |r| ≤ π/4 (π/2 in three parts, exact products for |k| < 2¹⁶),
/// evaluates Cephes' minimax polynomials for sin r and cos r and swaps/negates by k mod 4.
/// All are checked against Foundation in the tests (~2 ulp; sin/cos to 2e-7 absolute for |x| ≤ 100).
public enum VectorMath {
    public typealias V = SIMD8<Float>

    /// a·b + c: one fused multiply–add per lane where the build targets FMA (`SIDER_FMA`, set by
    /// Package.swift with AVX2), else a multiply and an add (a fused one would be a libm call).
    @inlinable @inline(__always)
    public static func madd(_ a: V, _ b: V, _ c: V) -> V {
        #if SIDER_FMA
        return c.addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }

    @inlinable @inline(__always)
    public static func exp(_ x: V) -> V {
        // (selects, not clamped(): the generic pointwiseMin/Max are not inlined)
        let lo = V(repeating: -87.0), hi = V(repeating: 88.0)
        let xc = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
        // t = x·log2(e) + 1.5·2²³: its low mantissa bits hold k = round(x·log2 e).
        let magic = V(repeating: 12582912.0)
        let t = xc * V(repeating: 1.44269504088896341) + magic
        let k = t - magic
        let r = xc - k * V(repeating: 0.693145751953125) - k * V(repeating: 1.428606765330187e-06)
        var p = V(repeating: 1.0 / 5040.0)
        p = madd(p, r, V(repeating: 1.0 / 720.0))
        p = madd(p, r, V(repeating: 1.0 / 120.0))
        p = madd(p, r, V(repeating: 1.0 / 24.0))
        p = madd(p, r, V(repeating: 1.0 / 6.0))
        p = madd(p, r, V(repeating: 0.5))
        p = madd(p, r, V(repeating: 1.0))
        p = madd(p, r, V(repeating: 1.0))
        let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self)
        let scaleBits = (bits &<< 23) &+ SIMD8<UInt32>(repeating: 0x3F80_0000)
        return p * unsafeBitCast(scaleBits, to: V.self)
    }

    /// log(1 + t) for t in [0, 1].
    @inlinable @inline(__always)
    public static func log1pUnit(_ t: V) -> V {
        let s = t / (V(repeating: 2.0) + t)
        let s2 = s * s
        var p = V(repeating: 1.0 / 11.0)
        p = madd(p, s2, V(repeating: 1.0 / 9.0))
        p = madd(p, s2, V(repeating: 1.0 / 7.0))
        p = madd(p, s2, V(repeating: 1.0 / 5.0))
        p = madd(p, s2, V(repeating: 1.0 / 3.0))
        p = madd(p, s2, V(repeating: 1.0))
        return V(repeating: 2.0) * s * p
    }

    /// (sin x, cos x), for |x| up to about 10⁴ (positional-encoding angles are ≤ 2^{L−1}·|x|).
    @inlinable @inline(__always)
    public static func sinCos(_ x: V) -> (sin: V, cos: V) {
        let magic = V(repeating: 12582912.0)
        let t = x * V(repeating: 0.636619772367581343) + magic   // low bits: k = round(2x/π)
        let k = t - magic
        let r = x - k * V(repeating: 1.5703125) - k * V(repeating: 4.837512969970703125e-4)
            - k * V(repeating: 7.54978995489188216e-8)
        let z = r * r
        var ps = V(repeating: -1.9515295891e-4)
        ps = madd(ps, z, V(repeating: 8.3321608736e-3))
        ps = madd(ps, z, V(repeating: -1.6666654611e-1))
        let sr = ps * z * r + r
        var pc = V(repeating: 2.443315711809948e-5)
        pc = madd(pc, z, V(repeating: -1.388731625493765e-3))
        pc = madd(pc, z, V(repeating: 4.166664568298827e-2))
        let cr = pc * z * z - V(repeating: 0.5) * z + V(repeating: 1)
        let q = unsafeBitCast(t, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 3)
        let odd = (q & SIMD8<UInt32>(repeating: 1)) .!= SIMD8<UInt32>(repeating: 0)
        var sn = sr.replacing(with: cr, where: odd)
        var cs = cr.replacing(with: sr, where: odd)
        let sinNeg = q .>= SIMD8<UInt32>(repeating: 2)                       // q = 2, 3
        let cosNeg = (q .== SIMD8<UInt32>(repeating: 1)) .| (q .== SIMD8<UInt32>(repeating: 2))
        sn = sn.replacing(with: -sn, where: sinNeg)
        cs = cs.replacing(with: -cs, where: cosNeg)
        return (sn, cs)
    }

    /// sin and cos of `count` values (`sin` may be `x` itself).
    @inlinable
    public static func sinCos(_ x: UnsafePointer<Float>, count: Int, sin: UnsafeMutablePointer<Float>,
                              cos: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let (s, c) = sinCos(load(x + i))
            store(s, sin + i); store(c, cos + i)
            i += 8
        }
        guard i < count else { return }
        var v = V(repeating: 0)
        for j in 0..<(count - i) { v[j] = x[i + j] }
        let (s, c) = sinCos(v)
        for j in 0..<(count - i) { sin[i + j] = s[j]; cos[i + j] = c[j] }
    }

    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inlinable @inline(__always)
    public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
}

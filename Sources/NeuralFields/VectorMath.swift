/// Vectorised elementary functions on `SIMD8<Float>` for the activation loops.
///
/// `exp` uses Cody–Waite range reduction x = k·ln2 + r, |r| ≤ ln2/2, a degree-7 Taylor
/// polynomial for eʳ (truncation < 6e-9 relative) and 2ᵏ assembled in the exponent bits.
/// `log1pUnit(t)` = log(1 + t) for t ∈ [0, 1] uses s = t/(2 + t), log(1+t) = 2·atanh(s) =
/// 2(s + s³/3 + … + s¹¹/11), s ≤ 1/3, truncation < 1e-7.
/// Both are checked against Foundation in the tests to ~2 ulp.
public enum VectorMath {
    public typealias V = SIMD8<Float>

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
        p = p * r + V(repeating: 1.0 / 720.0)
        p = p * r + V(repeating: 1.0 / 120.0)
        p = p * r + V(repeating: 1.0 / 24.0)
        p = p * r + V(repeating: 1.0 / 6.0)
        p = p * r + V(repeating: 0.5)
        p = p * r + V(repeating: 1.0)
        p = p * r + V(repeating: 1.0)
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
        p = p * s2 + V(repeating: 1.0 / 9.0)
        p = p * s2 + V(repeating: 1.0 / 7.0)
        p = p * s2 + V(repeating: 1.0 / 5.0)
        p = p * s2 + V(repeating: 1.0 / 3.0)
        p = p * s2 + V(repeating: 1.0)
        return V(repeating: 2.0) * s * p
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

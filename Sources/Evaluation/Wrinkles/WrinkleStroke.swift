#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of relief (or paint) in the face plane (`ScanFaceFrame`): a polyline c(t) with
/// arc length t ∈ [0, L], a half-width w and end tapers. Its unit profile at a plane point q is
///
///   s(q) = τ(t*) · β(r/w),  r = ‖q − c(t*)‖ the distance to the polyline, t* its closest point,
///   β(ρ) = (1 − ρ²)³ for ρ < 1, else 0   (a compact bump, C² at ρ = 1, full width at half
///                                        maximum 0.91·w),
///   τ(t) = ½(1 − cos(π·min(t, L − t)/e)) for min(t, L − t) < e, else 1, e = `taper`·L,
///
/// so s ∈ [0, 1] is exactly 0 farther than w from the curve and beyond its ends.
public struct WrinkleStroke: Sendable, Equatable {
    public var points: [SIMD2<Float>]
    public var halfWidth: Float
    /// Fraction of the length over which each end fades in.
    public var taper: Float

    public init(points: [SIMD2<Float>], halfWidth: Float, taper: Float = 0.25) {
        self.points = points; self.halfWidth = halfWidth; self.taper = taper
    }

    /// A straight stroke from `a` to `b`.
    public static func line(_ a: SIMD2<Float>, _ b: SIMD2<Float>, halfWidth: Float, taper: Float = 0.25) -> WrinkleStroke {
        WrinkleStroke(points: [a, b], halfWidth: halfWidth, taper: taper)
    }

    /// The quadratic Bézier through `a` (t = 0), `m` (t = ½) and `b` (t = 1), sampled at `samples` points.
    public static func curve(_ a: SIMD2<Float>, through m: SIMD2<Float>, to b: SIMD2<Float>, halfWidth: Float,
                             taper: Float = 0.25, samples: Int = 24) -> WrinkleStroke {
        let control = 2 * m - (a + b) / 2
        let pts = (0..<samples).map { k -> SIMD2<Float> in
            let t = Float(k) / Float(samples - 1)
            return (1 - t) * (1 - t) * a + 2 * (1 - t) * t * control + t * t * b
        }
        return WrinkleStroke(points: pts, halfWidth: halfWidth, taper: taper)
    }

    public var length: Float {
        zip(points, points.dropFirst()).reduce(0) { $0 + Self.norm($1.1 - $1.0) }
    }

    /// Axis-aligned bounds of the stroke's support (the polyline grown by w).
    public var bounds: (lo: SIMD2<Float>, hi: SIMD2<Float>) {
        var lo = points[0], hi = points[0]
        for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        return (lo - halfWidth, hi + halfWidth)
    }

    /// s(q) ∈ [0, 1] (see the type's comment).
    public func profile(_ q: SIMD2<Float>) -> Float {
        guard points.count >= 2, halfWidth > 0 else { return 0 }
        let (lo, hi) = bounds
        guard q.x >= lo.x, q.y >= lo.y, q.x <= hi.x, q.y <= hi.y else { return 0 }
        var best = Float.infinity, bestT: Float = 0, along: Float = 0
        for (a, b) in zip(points, points.dropFirst()) {
            let ab = b - a
            let l2 = (ab * ab).sum()
            let s = l2 > 0 ? min(max(((q - a) * ab).sum() / l2, 0), 1) : 0
            let d = Self.norm(q - (a + s * ab))
            if d < best { best = d; bestT = along + s * l2.squareRoot() }
            along += l2.squareRoot()
        }
        let rho = best / halfWidth
        guard rho < 1 else { return 0 }
        let bump = (1 - rho * rho) * (1 - rho * rho) * (1 - rho * rho)
        let end = min(bestT, along - bestT), fade = taper * along
        let tau: Float = fade > 0 && end < fade ? 0.5 * (1 - cosf(.pi * end / fade)) : 1
        return tau * bump
    }

    static func norm(_ v: SIMD2<Float>) -> Float { (v * v).sum().squareRoot() }
}

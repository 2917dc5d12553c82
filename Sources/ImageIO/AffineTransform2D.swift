/// A 2×3 affine map of the plane, p' = A·p + t:
///
///     x' = a·x + b·y + c
///     y' = d·x + e·y + f
///
/// Used by `RGBImage.warpedAffine`, where it maps OUTPUT continuous pixel coordinates to INPUT
/// ones (x = 0 is the left edge of the first pixel; pixel centres at integer + 0.5).
public struct AffineTransform2D: Sendable, Equatable {
    public var a, b, c, d, e, f: Float

    public init(a: Float, b: Float, c: Float, d: Float, e: Float, f: Float) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.e = e; self.f = f
    }

    /// From a row-major 2×3 matrix [[a, b, c], [d, e, f]].
    public init(rows: [[Float]]) {
        self.init(a: rows[0][0], b: rows[0][1], c: rows[0][2], d: rows[1][0], e: rows[1][1], f: rows[1][2])
    }

    public static let identity = AffineTransform2D(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0)

    public static func translation(_ tx: Float, _ ty: Float) -> AffineTransform2D {
        AffineTransform2D(a: 1, b: 0, c: tx, d: 0, e: 1, f: ty)
    }

    public static func scale(_ sx: Float, _ sy: Float) -> AffineTransform2D {
        AffineTransform2D(a: sx, b: 0, c: 0, d: 0, e: sy, f: 0)
    }

    /// Rotation by `angle` radians about the origin (counter-clockwise in x-right/y-up terms,
    /// clockwise on screen where y points down).
    public static func rotation(_ angle: Float) -> AffineTransform2D {
        let cs = cosf(angle), sn = sinf(angle)
        return AffineTransform2D(a: cs, b: -sn, c: 0, d: sn, e: cs, f: 0)
    }

    @inlinable public func apply(_ p: SIMD2<Float>) -> SIMD2<Float> {
        SIMD2(a * p.x + b * p.y + c, d * p.x + e * p.y + f)
    }

    /// `self ∘ other`: apply `other` first, then `self`.
    public static func * (l: AffineTransform2D, r: AffineTransform2D) -> AffineTransform2D {
        AffineTransform2D(a: l.a * r.a + l.b * r.d, b: l.a * r.b + l.b * r.e, c: l.a * r.c + l.b * r.f + l.c,
                          d: l.d * r.a + l.e * r.d, e: l.d * r.b + l.e * r.e, f: l.d * r.c + l.e * r.f + l.f)
    }

    public var determinant: Float { a * e - b * d }

    /// The inverse map, or nil when the linear part is singular.
    public var inverse: AffineTransform2D? {
        let det = determinant
        guard det != 0, det.isFinite else { return nil }
        let ia = e / det, ib = -b / det, id = -d / det, ie = a / det
        return AffineTransform2D(a: ia, b: ib, c: -(ia * c + ib * f), d: id, e: ie, f: -(id * c + ie * f))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 3×3 single-precision matrix (row-major storage), used for rotations of meshes and cameras.
///
/// `m * v` is the usual matrix–vector product: (m·v)ᵢ = Σⱼ mᵢⱼ vⱼ. Rotations act on column vectors.
public struct Matrix3x3: Sendable, Equatable, Hashable {
    /// Rows r0, r1, r2.
    public var rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)

    public init(rows r0: SIMD3<Float>, _ r1: SIMD3<Float>, _ r2: SIMD3<Float>) {
        rows = (r0, r1, r2)
    }

    public static let identity = Matrix3x3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))

    /// Rotation by `angle` radians about the (normalised) `axis`, right-handed (Rodrigues).
    public static func rotation(axis: SIMD3<Float>, angle: Float) -> Matrix3x3 {
        let len = (axis * axis).sum().squareRoot()
        guard len > 0 else { return .identity }
        let k = axis / len
        let c = cosf(angle), s = sinf(angle), t = 1 - c
        return Matrix3x3(
            rows: SIMD3(t * k.x * k.x + c, t * k.x * k.y - s * k.z, t * k.x * k.z + s * k.y),
            SIMD3(t * k.x * k.y + s * k.z, t * k.y * k.y + c, t * k.y * k.z - s * k.x),
            SIMD3(t * k.x * k.z - s * k.y, t * k.y * k.z + s * k.x, t * k.z * k.z + c))
    }

    public var transposed: Matrix3x3 {
        let (a, b, c) = rows
        return Matrix3x3(rows: SIMD3(a.x, b.x, c.x), SIMD3(a.y, b.y, c.y), SIMD3(a.z, b.z, c.z))
    }

    public var determinant: Float {
        let (a, b, c) = rows
        return (a * cross(b, c)).sum()
    }

    public static func * (m: Matrix3x3, v: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3((m.rows.0 * v).sum(), (m.rows.1 * v).sum(), (m.rows.2 * v).sum())
    }

    public static func * (a: Matrix3x3, b: Matrix3x3) -> Matrix3x3 {
        let bt = b.transposed
        func row(_ r: SIMD3<Float>) -> SIMD3<Float> { SIMD3((r * bt.rows.0).sum(), (r * bt.rows.1).sum(), (r * bt.rows.2).sum()) }
        return Matrix3x3(rows: row(a.rows.0), row(a.rows.1), row(a.rows.2))
    }

    public static func == (a: Matrix3x3, b: Matrix3x3) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2
    }

    public func hash(into h: inout Hasher) {
        h.combine(rows.0); h.combine(rows.1); h.combine(rows.2)
    }
}

/// Vector helpers shared by the geometry code (internal, so they never clash with other modules).
@inline(__always) func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

@inline(__always) func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) func length(_ a: SIMD3<Float>) -> Float { (a * a).sum().squareRoot() }

/// `a / |a|`, or zero for a zero vector.
@inline(__always) func normalized(_ a: SIMD3<Float>) -> SIMD3<Float> {
    let l = length(a)
    return l > 0 ? a / l : .zero
}

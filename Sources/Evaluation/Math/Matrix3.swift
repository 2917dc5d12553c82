/// A 3×3 double-precision matrix (row-major) for the small rigid/similarity algebra of the
/// evaluation: rotations, cross-covariances, the 7-parameter normal equations' blocks.
///
/// Double precision keeps the alignment exact to far below a micrometre on scans in millimetres.
public struct Matrix3: Sendable, Equatable, Codable {
    /// Rows r0, r1, r2.
    public var r0: SIMD3<Double>, r1: SIMD3<Double>, r2: SIMD3<Double>

    public init(rows r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    public static let identity = Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))
    public static let zero = Matrix3(rows: .zero, .zero, .zero)

    /// Row-major entries.
    public var entries: [Double] { [r0.x, r0.y, r0.z, r1.x, r1.y, r1.z, r2.x, r2.y, r2.z] }

    public subscript(row: Int, col: Int) -> Double {
        get {
            switch row { case 0: return r0[col]; case 1: return r1[col]; default: return r2[col] }
        }
        set {
            switch row { case 0: r0[col] = newValue; case 1: r1[col] = newValue; default: r2[col] = newValue }
        }
    }

    public var transposed: Matrix3 {
        Matrix3(rows: SIMD3(r0.x, r1.x, r2.x), SIMD3(r0.y, r1.y, r2.y), SIMD3(r0.z, r1.z, r2.z))
    }

    public var determinant: Double {
        (r0 * cross(r1, r2)).sum()
    }

    public var trace: Double { r0.x + r1.y + r2.z }

    public static func * (m: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((m.r0 * v).sum(), (m.r1 * v).sum(), (m.r2 * v).sum())
    }

    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        let bt = b.transposed
        return Matrix3(rows: SIMD3((a.r0 * bt.r0).sum(), (a.r0 * bt.r1).sum(), (a.r0 * bt.r2).sum()),
                       SIMD3((a.r1 * bt.r0).sum(), (a.r1 * bt.r1).sum(), (a.r1 * bt.r2).sum()),
                       SIMD3((a.r2 * bt.r0).sum(), (a.r2 * bt.r1).sum(), (a.r2 * bt.r2).sum()))
    }

    /// The rotation exp([ω]×) by the Rodrigues formula: angle |ω| about ω/|ω|.
    public static func rotation(axisAngle w: SIMD3<Double>) -> Matrix3 {
        let theta = (w * w).sum().squareRoot()
        if theta < 1e-12 {
            // First order: I + [ω]×.
            return Matrix3(rows: SIMD3(1, -w.z, w.y), SIMD3(w.z, 1, -w.x), SIMD3(-w.y, w.x, 1))
        }
        let k = w / theta
        let c = cos(theta), s = sin(theta), v = 1 - c
        return Matrix3(rows: SIMD3(c + k.x * k.x * v, k.x * k.y * v - k.z * s, k.x * k.z * v + k.y * s),
                       SIMD3(k.y * k.x * v + k.z * s, c + k.y * k.y * v, k.y * k.z * v - k.x * s),
                       SIMD3(k.z * k.x * v - k.y * s, k.z * k.y * v + k.x * s, c + k.z * k.z * v))
    }

    /// The rotation of a unit quaternion (w, x, y, z); the quaternion is normalised first.
    public static func rotation(quaternion q: SIMD4<Double>) -> Matrix3 {
        let n = q / (q * q).sum().squareRoot()
        let w = n.x, x = n.y, y = n.z, z = n.w
        return Matrix3(rows: SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
                       SIMD3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
                       SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)))
    }

    /// Rotation angle in radians of a rotation matrix (0…π).
    public var rotationAngle: Double {
        acos(max(-1, min(1, (trace - 1) / 2)))
    }
}

@inlinable func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inlinable func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }

@inlinable func length(_ a: SIMD3<Double>) -> Double { (a * a).sum().squareRoot() }

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 3×3 rotation matrix over any `ADScalar`, row-major (`m[3·r + c]`).
public struct Mat3<S: ADScalar>: Sendable {
    public var m: [S]

    public init(_ m: [S]) { self.m = m }

    public static var identity: Mat3 {
        Mat3([S(1), S(0), S(0), S(0), S(1), S(0), S(0), S(0), S(1)])
    }

    @inlinable public subscript(r: Int, c: Int) -> S { m[3 * r + c] }

    public static func * (a: Mat3, b: Mat3) -> Mat3 {
        var out = [S](repeating: S(0), count: 9)
        for r in 0..<3 {
            for c in 0..<3 { out[3 * r + c] = a[r, 0] * b[0, c] + a[r, 1] * b[1, c] + a[r, 2] * b[2, c] }
        }
        return Mat3(out)
    }

    public func apply(_ v: (S, S, S)) -> (S, S, S) {
        (m[0] * v.0 + m[1] * v.1 + m[2] * v.2,
         m[3] * v.0 + m[4] * v.1 + m[5] * v.2,
         m[6] * v.0 + m[7] * v.1 + m[8] * v.2)
    }

    /// Rodrigues' formula for an axis-angle vector r (angle θ = |r|):
    /// R = I + a·[r]ₓ + b·[r]ₓ², a = sin θ / θ, b = (1 − cos θ) / θ².
    /// Near θ = 0 the Taylor series of a and b is used, so values and derivatives stay exact
    /// (the derivative at r = 0 is [eᵢ]ₓ).
    public static func rodrigues(_ x: S, _ y: S, _ z: S) -> Mat3 {
        let t2 = x * x + y * y + z * z
        let a: S, b: S
        if t2.value < 1e-8 {
            a = S(1) - t2 / S(6) + t2 * t2 / S(120)
            b = S(0.5) - t2 / S(24) + t2 * t2 / S(720)
        } else {
            let theta = S(t2.value.squareRoot())
            // θ as a function of r: carry derivatives through t2 (dθ = dt2 / 2θ).
            let th = theta + (t2 - S(t2.value)) / (S(2) * theta)
            a = S.sin(th) / th
            b = (S(1) - S.cos(th)) / t2
        }
        let xx = x * x, yy = y * y, zz = z * z, xy = x * y, xz = x * z, yz = y * z
        // [r]ₓ² = r rᵀ − θ² I
        return Mat3([S(1) + b * (xx - t2), b * xy - a * z, b * xz + a * y,
                     b * xy + a * z, S(1) + b * (yy - t2), b * yz - a * x,
                     b * xz - a * y, b * yz + a * x, S(1) + b * (zz - t2)])
    }

    /// The rotation about the vertical axis of `rot_mat_to_euler` (the FLAME fitting code's head
    /// yaw for choosing the contour): atan2(−R₂₀, √(R₀₀² + R₁₀²)), in radians.
    public var yaw: Double {
        let r00 = m[0].value, r10 = m[3].value, r20 = m[6].value
        return atan2Double(-r20, (r00 * r00 + r10 * r10).squareRoot())
    }
}

import Foundation
@inline(__always) func atan2Double(_ y: Double, _ x: Double) -> Double { atan2(y, x) }

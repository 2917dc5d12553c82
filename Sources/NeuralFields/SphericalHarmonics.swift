/// Second-order spherical-harmonics irradiance (Ramamoorthi & Hanrahan 2001), the lighting
/// model of DECA and of HavenFeng/photometric_optimization.
///
/// For a unit normal n = (x, y, z) the nine basis functions, with the irradiance convolution's
/// constants Kₖ folded in, are
///   Y = K ⊙ [1, x, y, z, xy, xz, yz, x² − y², 3z² − 1],
///   K = [0.886227, 1.023328 ×3, 0.858086 ×3, 0.429043, 0.247708],
/// and the irradiance of channel c is S_c(n) = Σₖ ℓₖ꜀·Yₖ(n) (9 × 3 coefficients ℓ).
/// `jacobian` gives ∂Yₖ/∂n (the normal's normalisation is the caller's).
public enum SphericalHarmonics {
    public static let count = 9

    /// Writes the nine Yₖ(n) to `y`.
    public static func basis(_ n: SIMD3<Float>, into y: UnsafeMutablePointer<Float>) {
        let x = n.x, yy = n.y, z = n.z
        y[0] = 0.886227
        y[1] = 1.023328 * x
        y[2] = 1.023328 * yy
        y[3] = 1.023328 * z
        y[4] = 0.858086 * x * yy
        y[5] = 0.858086 * x * z
        y[6] = 0.858086 * yy * z
        y[7] = 0.429043 * (x * x - yy * yy)
        y[8] = 0.247708 * (3 * z * z - 1)
    }

    /// ∂Yₖ/∂n for k = 0…8, written to `d` (9 vectors).
    public static func jacobian(_ n: SIMD3<Float>, into d: UnsafeMutablePointer<SIMD3<Float>>) {
        let x = n.x, y = n.y, z = n.z
        d[0] = .zero
        d[1] = SIMD3(1.023328, 0, 0)
        d[2] = SIMD3(0, 1.023328, 0)
        d[3] = SIMD3(0, 0, 1.023328)
        d[4] = 0.858086 * SIMD3(y, x, 0)
        d[5] = 0.858086 * SIMD3(z, 0, x)
        d[6] = 0.858086 * SIMD3(0, z, y)
        d[7] = 0.429043 * SIMD3(2 * x, -2 * y, 0)
        d[8] = 0.247708 * SIMD3(0, 0, 6 * z)
    }
}

/// The uniform cubic B-spline, the basis of the smooth lattices (`MeshDistanceGrid`'s tricubic
/// distance field, the detail stage's bicubic height field): C², so values, gradients and
/// Hessians are continuous. A value at lattice coordinate p is Σₖ cₖ·B(p − k); on the cell
/// ⌊p⌋ only the nodes ⌊p⌋ − 1 … ⌊p⌋ + 2 contribute.
public enum CubicBSpline {
    /// The four weights at fraction t ∈ [0, 1) (nodes −1, 0, 1, 2) and their first and second
    /// derivatives in t.
    @inline(__always)
    public static func basis(_ t: Float) -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) {
        let s = 1 - t, t2 = t * t, t3 = t2 * t
        let w = SIMD4(s * s * s, 3 * t3 - 6 * t2 + 4, -3 * t3 + 3 * t2 + 3 * t + 1, t3) / 6
        let d = SIMD4(-s * s, 3 * t2 - 4 * t, -3 * t2 + 2 * t + 1, t2) / 2
        let dd = SIMD4(s, 3 * t - 2, 1 - 3 * t, t)
        return (w, d, dd)
    }
}

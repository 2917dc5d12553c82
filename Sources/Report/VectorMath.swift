/// Small vector helpers (Geometry keeps its own internal).
@inline(__always) func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
@inline(__always) func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) func length(_ a: SIMD3<Float>) -> Float { (a * a).sum().squareRoot() }
@inline(__always) func length(_ a: SIMD2<Float>) -> Float { (a * a).sum().squareRoot() }
/// a/‖a‖, zero for the zero vector.
@inline(__always) func normalize(_ a: SIMD3<Float>) -> SIMD3<Float> {
    let l = length(a)
    return l > 0 ? a / l : .zero
}

import SiderPipeline

/// Exact SDFs for tests: f(p) = ‖p − c‖ − r and f(p) = n·p − d.
struct SphereSDF: BatchedSDF {
    var center: SIMD3<Float>
    var radius: Float
    func sdf(_ points: [SIMD3<Float>]) -> [Float] {
        points.map { p in let d = p - center; return (d * d).sum().squareRoot() - radius }
    }
}

struct PlaneSDF: BatchedSDF {
    var normal: SIMD3<Float>   // unit, pointing to the free side
    var offset: Float
    func sdf(_ points: [SIMD3<Float>]) -> [Float] { points.map { ($0 * normal).sum() - offset } }
}

/// Overestimates the distance by a factor (a "bad" learned SDF) to exercise the bracket path.
struct ScaledSDF<Base: BatchedSDF>: BatchedSDF {
    var base: Base
    var factor: Float
    func sdf(_ points: [SIMD3<Float>]) -> [Float] { base.sdf(points).map { $0 * factor } }
}

/// Analytic ray–sphere intersection from the origin: smallest t > 0 with ‖t·v − c‖ = r.
func raySphere(_ v: SIMD3<Float>, _ c: SIMD3<Float>, _ r: Float) -> Float? {
    let b = (v * c).sum(), cc = (c * c).sum() - r * r
    let disc = b * b - cc
    guard disc >= 0 else { return nil }
    return b - disc.squareRoot()
}

func maxAbsDiff(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float { max(abs(a.x - b.x), abs(a.y - b.y)) }

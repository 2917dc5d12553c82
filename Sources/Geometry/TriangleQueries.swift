/// Exact point–triangle and ray–triangle queries, the leaf tests of `MeshBVH`.
public enum TriangleQueries {
    /// The point of triangle (a, b, c) closest to `p`, with its barycentric weights (wa, wb, wc)
    /// (point = wa·a + wb·b + wc·c, weights ≥ 0, summing to 1).
    ///
    /// Ericson, Real-Time Collision Detection §5.1.5: classify `p` against the Voronoi regions
    /// of the vertices, then the edges, else project onto the face plane.
    @inline(__always)
    public static func closestPoint(to p: SIMD3<Float>, a: SIMD3<Float>, b: SIMD3<Float>, c: SIMD3<Float>)
        -> (point: SIMD3<Float>, barycentric: SIMD3<Float>) {
        let ab = b - a, ac = c - a, ap = p - a
        let d1 = dot(ab, ap), d2 = dot(ac, ap)
        if d1 <= 0 && d2 <= 0 { return (a, SIMD3(1, 0, 0)) }                  // vertex region A
        let bp = p - b
        let d3 = dot(ab, bp), d4 = dot(ac, bp)
        if d3 >= 0 && d4 <= d3 { return (b, SIMD3(0, 1, 0)) }                 // vertex region B
        let vc = d1 * d4 - d3 * d2
        if vc <= 0 && d1 >= 0 && d3 <= 0 {                                    // edge region AB
            let v = d1 / (d1 - d3)
            return (a + v * ab, SIMD3(1 - v, v, 0))
        }
        let cp = p - c
        let d5 = dot(ab, cp), d6 = dot(ac, cp)
        if d6 >= 0 && d5 <= d6 { return (c, SIMD3(0, 0, 1)) }                 // vertex region C
        let vb = d5 * d2 - d1 * d6
        if vb <= 0 && d2 >= 0 && d6 <= 0 {                                    // edge region AC
            let w = d2 / (d2 - d6)
            return (a + w * ac, SIMD3(1 - w, 0, w))
        }
        let va = d3 * d6 - d5 * d4
        if va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0 {                      // edge region BC
            let w = (d4 - d3) / ((d4 - d3) + (d5 - d6))
            return (b + w * (c - b), SIMD3(0, 1 - w, w))
        }
        let denom = va + vb + vc                                              // face region
        guard denom != 0 else {
            // Degenerate (zero-area) triangle: fall back to the closest of its edges.
            return degenerateClosest(p, a, b, c)
        }
        let v = vb / denom, w = vc / denom
        return (a + ab * v + ac * w, SIMD3(1 - v - w, v, w))
    }

    private static func degenerateClosest(_ p: SIMD3<Float>, _ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>)
        -> (point: SIMD3<Float>, barycentric: SIMD3<Float>) {
        func seg(_ x: SIMD3<Float>, _ y: SIMD3<Float>) -> (SIMD3<Float>, Float) {
            let d = y - x
            let l2 = dot(d, d)
            let t = l2 > 0 ? min(max(dot(p - x, d) / l2, 0), 1) : 0
            return (x + t * d, t)
        }
        let (pab, tab) = seg(a, b), (pbc, tbc) = seg(b, c), (pca, tca) = seg(c, a)
        let dab = length(p - pab), dbc = length(p - pbc), dca = length(p - pca)
        if dab <= dbc && dab <= dca { return (pab, SIMD3(1 - tab, tab, 0)) }
        if dbc <= dca { return (pbc, SIMD3(0, 1 - tbc, tbc)) }
        return (pca, SIMD3(tca, 0, 1 - tca))
    }

    /// Two-sided ray–triangle intersection (Möller–Trumbore): the ray parameter t of
    /// origin + t·direction and the barycentric weights of the hit, or nil when the ray misses
    /// or is parallel to the plane.
    @inline(__always)
    public static func intersect(origin: SIMD3<Float>, direction: SIMD3<Float>,
                                 a: SIMD3<Float>, b: SIMD3<Float>, c: SIMD3<Float>)
        -> (t: Float, barycentric: SIMD3<Float>)? {
        let e1 = b - a, e2 = c - a
        let pv = cross(direction, e2)
        let det = dot(e1, pv)
        if abs(det) < 1e-20 { return nil }
        let inv = 1 / det
        let tv = origin - a
        // A small tolerance on the barycentric tests keeps rays through shared edges and
        // vertices from slipping between neighbouring triangles through rounding.
        let eps: Float = 1e-6
        let u = dot(tv, pv) * inv
        if u < -eps || u > 1 + eps { return nil }
        let qv = cross(tv, e1)
        let v = dot(direction, qv) * inv
        if v < -eps || u + v > 1 + eps { return nil }
        let t = dot(e2, qv) * inv
        let uc = min(max(u, 0), 1), vc = min(max(v, 0), 1 - uc)
        return (t, SIMD3(1 - uc - vc, uc, vc))
    }
}

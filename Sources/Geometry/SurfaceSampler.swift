import SiderCore

/// Points drawn uniformly over a mesh's surface, with their triangles' unit normals.
public struct SurfaceSamples: Sendable {
    public var points: [SIMD3<Float>]
    public var normals: [SIMD3<Float>]
    /// Index into `mesh.faces` of each point's triangle.
    public var triangles: [Int32]
}

/// Area-weighted uniform surface sampling: a triangle is chosen with probability area/total
/// (binary search in the cumulative areas), then a point inside it with r1, r2 ~ U[0,1):
/// p = (1 − √r1)·a + √r1(1 − r2)·b + √r1·r2·c, which is uniform over the triangle.
/// Deterministic given the seed.
extension TriangleMesh {
    public func sampleSurface(count: Int, seed: UInt64) -> SurfaceSamples {
        var rng = SeededGenerator(seed: seed)
        return sampleSurface(count: count, using: &rng)
    }

    public func sampleSurface(count: Int, using rng: inout SeededGenerator) -> SurfaceSamples {
        let areas = faceAreas()
        var cum = [Double](repeating: 0, count: areas.count)
        var total = 0.0
        for (i, a) in areas.enumerated() { total += Double(a); cum[i] = total }
        guard total > 0, count > 0 else { return SurfaceSamples(points: [], normals: [], triangles: []) }
        let fn = faceNormals()
        var out = SurfaceSamples(points: [], normals: [], triangles: [])
        out.points.reserveCapacity(count); out.normals.reserveCapacity(count); out.triangles.reserveCapacity(count)
        for _ in 0..<count {
            let target = Double(rng.uniform()) * total
            var lo = 0, hi = cum.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cum[mid] > target { hi = mid } else { lo = mid + 1 }
            }
            let r1 = rng.uniform().squareRoot(), r2 = rng.uniform()
            let (a, b, c) = corners(lo)
            out.points.append((1 - r1) * a + r1 * (1 - r2) * b + r1 * r2 * c)
            out.normals.append(fn[lo])
            out.triangles.append(Int32(lo))
        }
        return out
    }
}

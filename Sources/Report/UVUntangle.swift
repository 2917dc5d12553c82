import Geometry

/// Removes folds from a per-vertex UV layout made by projection.
///
/// A projection along the view folds wherever the surface turns away from that view (the inner
/// lips, the sides of the nostrils, a rim that curls back): those triangles land flipped on top
/// of their neighbours, so two surface points would share texels. Each flipped triangle's
/// vertices are moved to the mean of their mesh neighbours' coordinates (Gauss–Seidel, a local
/// Tutte relaxation: with positive weights it cannot create new folds inside the region once the
/// region's rim is valid); when folds persist, the region grows by one ring of neighbours
/// every `growEvery` sweeps. The rest of the layout is left exactly as projected.
enum UVUntangle {
    static let growEvery = 20
    static let maxSweeps = 400

    /// The untangled coordinates and how many triangles are still folded (0 in practice).
    static func untangle(_ uv: [SIMD2<Float>], mesh: TriangleMesh) -> (uv: [SIMD2<Float>], folded: Int) {
        var uv = uv
        let faces = mesh.faces
        func area(_ f: SIMD3<Int32>) -> Float {
            let a = uv[Int(f.x)], b = uv[Int(f.y)], c = uv[Int(f.z)]
            return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
        }
        let positive = faces.reduce(0) { $0 + (area($1) > 0 ? 1 : 0) }
        let sign: Float = 2 * positive >= faces.count ? 1 : -1
        func flipped() -> [SIMD3<Int32>] { faces.filter { sign * area($0) <= 0 } }
        var bad = flipped()
        guard !bad.isEmpty else { return (uv, 0) }
        let (offsets, neighbours) = mesh.vertexNeighbours()
        var region = Set<Int32>()
        for sweep in 0..<maxSweeps {
            for f in bad { region.formUnion([f.x, f.y, f.z]) }
            if sweep > 0 && sweep % growEvery == 0 {
                var ring = region
                for v in region { for k in offsets[Int(v)]..<offsets[Int(v) + 1] { ring.insert(neighbours[k]) } }
                region = ring
            }
            for v in region.sorted() {
                let lo = offsets[Int(v)], hi = offsets[Int(v) + 1]
                guard hi > lo else { continue }
                var sum = SIMD2<Float>.zero
                for k in lo..<hi { sum += uv[Int(neighbours[k])] }
                uv[Int(v)] = sum / Float(hi - lo)
            }
            bad = flipped()
            if bad.isEmpty { break }
        }
        return (uv, bad.count)
    }
}

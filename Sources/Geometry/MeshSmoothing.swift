/// Taubin λ|μ smoothing (Taubin 1995): alternate a shrinking step x ← x + λ·L(x) and an
/// inflating step x ← x + μ·L(x) (μ < −λ < 0), where L(x)ᵥ = mean of v's neighbours − xᵥ is the
/// uniform ("umbrella") Laplacian. Low-pass filtering without the shrinkage of plain Laplacian
/// smoothing. Boundary vertices are held fixed when `fixBoundary` is true.
extension TriangleMesh {
    public func smoothedTaubin(iterations: Int, lambda: Float = 0.5, mu: Float = -0.53,
                               fixBoundary: Bool = true) -> TriangleMesh {
        guard iterations > 0, !faces.isEmpty else { return self }
        let (offsets, nbr) = vertexNeighbours()
        var fixed = [Bool](repeating: false, count: vertices.count)
        if fixBoundary { for e in boundaryEdges() { fixed[Int(e.x)] = true; fixed[Int(e.y)] = true } }
        var x = vertices
        var next = x
        func step(_ factor: Float) {
            for v in 0..<x.count where !fixed[v] {
                let lo = offsets[v], hi = offsets[v + 1]
                guard hi > lo else { continue }
                var mean = SIMD3<Float>.zero
                for k in lo..<hi { mean += x[Int(nbr[k])] }
                mean /= Float(hi - lo)
                next[v] = x[v] + factor * (mean - x[v])
            }
            swap(&x, &next)
            next = x
        }
        for _ in 0..<iterations {
            step(lambda)
            step(mu)
        }
        var m = self
        m.vertices = x
        if normals != nil { m.normals = m.vertexNormals() }
        return m
    }
}

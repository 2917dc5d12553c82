/// Subdivision: every triangle becomes four through new vertices on its edges.
///
/// Midpoint: edge vertex = (a + b)/2, old vertices stay. Loop (1987): interior edge vertex
/// = 3/8(a + b) + 1/8(c + d) (c, d opposite the edge), boundary edge vertex = (a + b)/2; an
/// interior old vertex of valence n moves to (1 − nβ)v + β Σ neighbours with
/// β = (5/8 − (3/8 + cos(2π/n)/4)²)/n, a boundary vertex to 3/4 v + 1/8 (its two boundary
/// neighbours). Normals are dropped (recompute with `withVertexNormals()`); uvs are averaged
/// linearly (midpoint rule) in both schemes.
extension TriangleMesh {
    /// One level of midpoint subdivision (shape unchanged, 4× the triangles).
    public func subdividedMidpoint() -> TriangleMesh { subdivided(loop: false) }

    /// One level of Loop subdivision (smooths towards the limit surface, 4× the triangles).
    public func subdividedLoop() -> TriangleMesh { subdivided(loop: true) }

    private func subdivided(loop: Bool) -> TriangleMesh {
        // Edge table: undirected edge → new vertex index, plus opposite vertices for Loop.
        var edgeIndex: [SIMD2<Int32>: Int32] = [:]
        edgeIndex.reserveCapacity(faces.count * 3 / 2)
        var edgeEnds: [SIMD2<Int32>] = []
        var edgeOpp: [SIMD2<Int32>] = []       // up to two opposite vertices (−1 = none)
        let nv = Int32(vertices.count)
        var newFaces: [SIMD3<Int32>] = []
        newFaces.reserveCapacity(faces.count * 4)
        func edge(_ a: Int32, _ b: Int32, _ opp: Int32) -> Int32 {
            let key = SIMD2(min(a, b), max(a, b))
            if let e = edgeIndex[key] {
                let k = Int(e - nv)
                if edgeOpp[k].y < 0 { edgeOpp[k].y = opp }
                return e
            }
            let e = nv + Int32(edgeEnds.count)
            edgeIndex[key] = e
            edgeEnds.append(key)
            edgeOpp.append(SIMD2(opp, -1))
            return e
        }
        for f in faces {
            let ab = edge(f.x, f.y, f.z), bc = edge(f.y, f.z, f.x), ca = edge(f.z, f.x, f.y)
            newFaces.append(SIMD3(f.x, ab, ca))
            newFaces.append(SIMD3(f.y, bc, ab))
            newFaces.append(SIMD3(f.z, ca, bc))
            newFaces.append(SIMD3(ab, bc, ca))
        }
        var out = vertices
        out.reserveCapacity(vertices.count + edgeEnds.count)
        let counts = loop ? edgeFaceCounts() : [:]
        for (k, e) in edgeEnds.enumerated() {
            let a = vertices[Int(e.x)], b = vertices[Int(e.y)]
            let o = edgeOpp[k]
            if loop && o.y >= 0 && counts[e] == 2 {
                out.append(0.375 * (a + b) + 0.125 * (vertices[Int(o.x)] + vertices[Int(o.y)]))
            } else {
                out.append(0.5 * (a + b))
            }
        }
        if loop { out.replaceSubrange(0..<vertices.count, with: loopVertexPositions(counts)) }
        var uvOut: [SIMD2<Float>]?
        if let uv = uvs {
            uvOut = uv + edgeEnds.map { 0.5 * (uv[Int($0.x)] + uv[Int($0.y)]) }
        }
        return TriangleMesh(vertices: out, faces: newFaces, normals: nil, uvs: uvOut)
    }

    /// Loop's repositioning of the original vertices.
    private func loopVertexPositions(_ counts: [SIMD2<Int32>: Int]) -> [SIMD3<Float>] {
        let (offsets, nbr) = vertexNeighbours()
        var boundaryNbrs = [[Int32]](repeating: [], count: vertices.count)
        for (e, c) in counts where c == 1 {
            boundaryNbrs[Int(e.x)].append(e.y)
            boundaryNbrs[Int(e.y)].append(e.x)
        }
        return (0..<vertices.count).map { v in
            let p = vertices[v]
            let bn = boundaryNbrs[v]
            if !bn.isEmpty {
                guard bn.count == 2 else { return p } // non-manifold corner: keep
                return 0.75 * p + 0.125 * (vertices[Int(bn[0])] + vertices[Int(bn[1])])
            }
            let n = offsets[v + 1] - offsets[v]
            guard n > 0 else { return p }
            let c = 0.375 + 0.25 * cosf(2 * .pi / Float(n))
            let beta = (0.625 - c * c) / Float(n)
            var sum = SIMD3<Float>.zero
            for k in offsets[v]..<offsets[v + 1] { sum += vertices[Int(nbr[k])] }
            return (1 - Float(n) * beta) * p + beta * sum
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

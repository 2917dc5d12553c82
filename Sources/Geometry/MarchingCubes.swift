import SiderCore

/// Marching cubes (Lorensen & Cline 1987) on a `ScalarGrid`: the iso-surface {x : f(x) = iso}
/// as an indexed triangle mesh.
///
/// Each lattice edge whose end values straddle `iso` gets one vertex at the linear zero crossing
/// x = p₀ + t(p₁ − p₀), t = (f₀ − iso)/(f₀ − f₁); cubes look their vertices up by global edge
/// id, so vertices are shared between neighbouring cubes (no duplicates) and the mesh is
/// crack-free; on a surface closed inside the grid it is watertight. Triangles come from
/// `MarchingCubesTable` and are oriented so that normals (b−a)×(c−a) point towards increasing
/// f (outwards for an SDF that is negative inside). Values < iso count as inside. Both passes
/// (edge vertices, cube triangles) run over z-slabs across the cores; the output order is
/// deterministic. `normals` are left nil (use `withVertexNormals()`). Where the field is
/// exactly `iso` at a lattice point, the vertices of the edges meeting there coincide in space
/// (still distinct indices, so the mesh stays combinatorially watertight) and some triangles
/// have zero area.
public enum MarchingCubes {
    public static func extract(_ grid: ScalarGrid, isoLevel: Float = 0, clip: BoundingBox? = nil) throws -> TriangleMesh {
        let L = grid.layout
        try L.validate()
        guard grid.values.allSatisfy({ $0.isFinite }) else {
            throw SiderError(.numerical, "marching cubes: the grid holds NaN or infinite values")
        }
        let nx = L.dims.x, ny = L.dims.y, nz = L.dims.z
        let values = grid.values.map { $0 - isoLevel }

        // Pass 1: one vertex per sign-changing lattice edge, per z-slice, ids increasing.
        var sliceIds = [[Int]](repeating: [], count: nz)
        var sliceVerts = [[SIMD3<Float>]](repeating: [], count: nz)
        sliceIds.withUnsafeMutableBufferPointer { ib in
            sliceVerts.withUnsafeMutableBufferPointer { vb in
                let ids = SendablePointer(ib.baseAddress!), verts = SendablePointer(vb.baseAddress!)
                parallelFor(nz) { range in
                    for k in range {
                        var idList: [Int] = [], vList: [SIMD3<Float>] = []
                        for j in 0..<ny {
                            for i in 0..<nx {
                                let a = L.index(i, j, k)
                                let fa = values[a]
                                let p0 = L.point(i, j, k)
                                // The +x, +y, +z lattice edges leaving (i, j, k).
                                for axis in 0..<3 {
                                    let b: Int
                                    var q = SIMD3(i, j, k)
                                    switch axis {
                                    case 0: guard i + 1 < nx else { continue }; b = a + 1; q.x += 1
                                    case 1: guard j + 1 < ny else { continue }; b = a + nx; q.y += 1
                                    default: guard k + 1 < nz else { continue }; b = a + nx * ny; q.z += 1
                                    }
                                    let fb = values[b]
                                    guard (fa < 0) != (fb < 0) else { continue }
                                    let t = fa / (fa - fb)
                                    idList.append(3 * a + axis)
                                    vList.append(p0 + t * (L.point(q.x, q.y, q.z) - p0))
                                }
                            }
                        }
                        ids[k] = idList
                        verts[k] = vList
                    }
                }
            }
        }
        let sliceStart = sliceIds.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let edgeIds = sliceIds.flatMap { $0 }
        let vertices = sliceVerts.flatMap { $0 }

        // Pass 2: triangles per cube slab, edge vertices found by binary search in their slices.
        var slabTris = [[SIMD3<Int32>]](repeating: [], count: nz - 1)
        let table = MarchingCubesTable.flatTriangles, tableStart = MarchingCubesTable.flatStart
        // Linear offsets of the cube corners from the base point, and of the 12 edge ids
        // (3·point + axis) from 3·base.
        let cornerDelta = (0..<8).map { c -> Int in
            let o = MarchingCubesTable.cornerOffset(c)
            return o.x + nx * (o.y + ny * o.z)
        }
        let edgeDelta = MarchingCubesTable.edgeCorners.enumerated().map { e, c in 3 * cornerDelta[c.0] + e / 4 }
        slabTris.withUnsafeMutableBufferPointer { tb in
            let tris = SendablePointer(tb.baseAddress!)
            parallelFor(nz - 1) { range in
                for k in range {
                    var out: [SIMD3<Int32>] = []
                    var ids = [Int32](repeating: 0, count: 12)
                    var done = [Bool](repeating: false, count: 12)
                    let lo = sliceStart[k], hi = sliceStart[min(k + 2, nz)]
                    func vertex(_ id: Int) -> Int32 {
                        var a = lo, b = hi
                        while a < b {
                            let m = (a + b) >> 1
                            if edgeIds[m] < id { a = m + 1 } else { b = m }
                        }
                        return Int32(a)
                    }
                    for j in 0..<(ny - 1) {
                        for i in 0..<(nx - 1) {
                            let base = L.index(i, j, k)
                            var mask = 0
                            for c in 0..<8 where values[base + cornerDelta[c]] < 0 { mask |= 1 << c }
                            guard mask != 0 && mask != 255 else { continue }
                            for e in 0..<12 { done[e] = false }
                            var t = tableStart[mask]
                            while t < tableStart[mask + 1] {
                                var tri = SIMD3<Int32>.zero
                                for n in 0..<3 {
                                    let e = Int(table[t + n])
                                    if !done[e] {
                                        ids[e] = vertex(3 * base + edgeDelta[e])
                                        done[e] = true
                                    }
                                    tri[n] = ids[e]
                                }
                                out.append(tri)
                                t += 3
                            }
                        }
                    }
                    tris[k] = out
                }
            }
        }
        var mesh = TriangleMesh(vertices: vertices, faces: slabTris.flatMap { $0 })
        if let box = clip { mesh = mesh.clipped(to: box) }
        return mesh
    }
}

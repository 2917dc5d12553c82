/// Connectivity of a `TriangleMesh`: undirected edges with their face counts, boundary edges,
/// watertightness (every edge shared by exactly two triangles), consistent orientation (each
/// directed edge used once), the Euler characteristic V − E + F, vertex neighbourhoods, and
/// removal of unreferenced vertices.
extension TriangleMesh {
    /// Each undirected edge {a < b} with the number of faces that use it.
    public func edgeFaceCounts() -> [SIMD2<Int32>: Int] {
        var counts: [SIMD2<Int32>: Int] = [:]
        counts.reserveCapacity(faces.count * 3 / 2)
        for f in faces {
            for (a, b) in [(f.x, f.y), (f.y, f.z), (f.z, f.x)] {
                counts[SIMD2(min(a, b), max(a, b)), default: 0] += 1
            }
        }
        return counts
    }

    /// Number of distinct undirected edges.
    public var edgeCount: Int { edgeFaceCounts().count }

    /// Edges used by exactly one face (sorted, each as (min, max) vertex index).
    public func boundaryEdges() -> [SIMD2<Int32>] {
        edgeFaceCounts().filter { $0.value == 1 }.keys.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
    }

    /// True when every edge is shared by exactly two triangles (a closed 2-manifold-edged surface).
    public var isWatertight: Bool {
        !faces.isEmpty && edgeFaceCounts().values.allSatisfy { $0 == 2 }
    }

    /// True when no directed edge (a→b) occurs in two faces, i.e. neighbours wind consistently.
    public var isConsistentlyOriented: Bool {
        var seen = Set<UInt64>()
        seen.reserveCapacity(faces.count * 3)
        for f in faces {
            for (a, b) in [(f.x, f.y), (f.y, f.z), (f.z, f.x)] {
                let key = (UInt64(UInt32(bitPattern: a)) << 32) | UInt64(UInt32(bitPattern: b))
                if !seen.insert(key).inserted { return false }
            }
        }
        return true
    }

    /// χ = V − E + F over the referenced vertices (2 for a sphere-like closed surface).
    public var eulerCharacteristic: Int {
        var used = [Bool](repeating: false, count: vertices.count)
        for f in faces { used[Int(f.x)] = true; used[Int(f.y)] = true; used[Int(f.z)] = true }
        return used.filter { $0 }.count - edgeCount + faces.count
    }

    /// For each vertex, its distinct edge-neighbours, in compressed rows:
    /// neighbours of v are `indices[offsets[v]..<offsets[v+1]]`.
    public func vertexNeighbours() -> (offsets: [Int], indices: [Int32]) {
        var lists = [[Int32]](repeating: [], count: vertices.count)
        for f in faces {
            for (a, b) in [(f.x, f.y), (f.y, f.z), (f.z, f.x)] {
                lists[Int(a)].append(b)
                lists[Int(b)].append(a)
            }
        }
        var offsets = [0], indices: [Int32] = []
        indices.reserveCapacity(faces.count * 6)
        for var l in lists {
            l.sort()
            var last: Int32 = -1
            for x in l where x != last { indices.append(x); last = x }
            offsets.append(indices.count)
        }
        return (offsets, indices)
    }

    /// The mesh without vertices that no face references, and `remap[old] = new` (−1 if dropped).
    public func removingUnreferencedVertices() -> (mesh: TriangleMesh, remap: [Int32]) {
        var remap = [Int32](repeating: -1, count: vertices.count)
        for f in faces { remap[Int(f.x)] = 0; remap[Int(f.y)] = 0; remap[Int(f.z)] = 0 }
        var next: Int32 = 0
        var keep: [Int] = []
        for i in 0..<vertices.count where remap[i] == 0 {
            remap[i] = next
            next += 1
            keep.append(i)
        }
        let m = TriangleMesh(vertices: keep.map { vertices[$0] },
                             faces: faces.map { SIMD3(remap[Int($0.x)], remap[Int($0.y)], remap[Int($0.z)]) },
                             normals: normals.map { n in keep.map { n[$0] } },
                             uvs: uvs.map { u in keep.map { u[$0] } })
        return (m, remap)
    }

    /// The faces whose three vertices satisfy `keep`, with unreferenced vertices removed
    /// (e.g. `clipped(to:)` or cutting a scan to the face region).
    public func filteringFaces(_ keep: (Int) -> Bool) -> TriangleMesh {
        var m = self
        m.faces = (0..<faces.count).filter(keep).map { faces[$0] }
        return m.removingUnreferencedVertices().mesh
    }

    /// Only the triangles with all three vertices inside `box`.
    public func clipped(to box: BoundingBox) -> TriangleMesh {
        filteringFaces { f in
            let (a, b, c) = corners(f)
            return box.contains(a) && box.contains(b) && box.contains(c)
        }
    }
}

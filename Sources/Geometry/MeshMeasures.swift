import SiderCore

/// Per-face and per-vertex measures of a `TriangleMesh`: face normals and areas, area-weighted
/// vertex normals, the bounding box, and rigid/similarity transforms.
///
/// Face normal of triangle (a, b, c): n = (b−a)×(c−a) / |(b−a)×(c−a)|, area = |(b−a)×(c−a)| / 2.
/// Vertex normal: normalise(Σ over incident faces of (b−a)×(c−a)), i.e. faces weighted by area.
extension TriangleMesh {
    /// The corners of face `f`.
    @inline(__always)
    public func corners(_ f: Int) -> (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        let t = faces[f]
        return (vertices[Int(t.x)], vertices[Int(t.y)], vertices[Int(t.z)])
    }

    /// Unit face normals (zero for degenerate faces).
    public func faceNormals() -> [SIMD3<Float>] {
        (0..<faces.count).map { f in
            let (a, b, c) = corners(f)
            return normalized(cross(b - a, c - a))
        }
    }

    /// Face areas.
    public func faceAreas() -> [Float] {
        (0..<faces.count).map { f in
            let (a, b, c) = corners(f)
            return 0.5 * length(cross(b - a, c - a))
        }
    }

    /// Total surface area.
    public var surfaceArea: Float { faceAreas().reduce(0, +) }

    /// Area-weighted unit vertex normals (zero for vertices in no face or only degenerate ones).
    public func vertexNormals() -> [SIMD3<Float>] {
        var acc = [SIMD3<Float>](repeating: .zero, count: vertices.count)
        for f in 0..<faces.count {
            let (a, b, c) = corners(f)
            let n = cross(b - a, c - a)
            let t = faces[f]
            acc[Int(t.x)] += n
            acc[Int(t.y)] += n
            acc[Int(t.z)] += n
        }
        return acc.map(normalized)
    }

    /// Vertex normals turned, all together, to point away from the vertex centroid for most
    /// vertices (for a face mask, which bulges towards the camera: towards the camera).
    public func outwardVertexNormals() -> [SIMD3<Float>] {
        let normals = vertexNormals()
        let centroid = vertices.reduce(SIMD3<Float>.zero, +) / Float(max(1, vertices.count))
        let facing = zip(vertices, normals).reduce(Float(0)) { $0 + ((($1.0 - centroid) * $1.1).sum() > 0 ? 1 : -1) }
        return facing < 0 ? normals.map { -$0 } : normals
    }

    /// A per-vertex quantity (normals, colours) interpolated at a nearest point `c` of this mesh
    /// (`MeshBVH.closestPoint`) by its barycentric coordinates; not renormalised.
    @inline(__always)
    public func interpolate(_ perVertex: [SIMD3<Float>], at c: MeshBVH.ClosestPoint) -> SIMD3<Float> {
        let t = faces[c.triangle], w = c.barycentric
        return w.x * perVertex[Int(t.x)] + w.y * perVertex[Int(t.y)] + w.z * perVertex[Int(t.z)]
    }

    /// A copy whose `normals` are the area-weighted vertex normals.
    public func withVertexNormals() -> TriangleMesh {
        var m = self
        m.normals = vertexNormals()
        return m
    }

    /// The axis-aligned bounding box of the vertices.
    public var boundingBox: BoundingBox { BoundingBox(points: vertices) }

    /// Applies x ↦ rotation · (scale · x) + translation to the vertices; normals are rotated
    /// (and flipped if the rotation matrix has negative determinant or the scale is negative).
    public func transformed(scale: Float = 1, rotation: Matrix3x3 = .identity,
                            translation: SIMD3<Float> = .zero) -> TriangleMesh {
        var m = self
        m.vertices = vertices.map { rotation * ($0 * scale) + translation }
        if let n = normals {
            let sign: Float = (rotation.determinant * scale) < 0 ? -1 : 1
            m.normals = n.map { normalized(rotation * $0) * sign }
        }
        return m
    }

    /// Reverses every triangle's winding (and the normals), turning the surface inside out.
    public func flipped() -> TriangleMesh {
        var m = self
        m.faces = faces.map { SIMD3($0.x, $0.z, $0.y) }
        m.normals = normals?.map { -$0 }
        return m
    }

    /// Throws `.badInput` unless every face index is in range and every vertex is finite.
    public func validate(name: String = "mesh") throws {
        let n = Int32(vertices.count)
        for (i, f) in faces.enumerated() where any(f .< 0) || any(f .>= n) {
            throw SiderError(.badInput, "\(name): face \(i) has a vertex index outside 0..<\(n)")
        }
        for (i, v) in vertices.enumerated() where !(v.x.isFinite && v.y.isFinite && v.z.isFinite) {
            throw SiderError(.badInput, "\(name): vertex \(i) is not finite")
        }
        if let nn = normals, nn.count != vertices.count {
            throw SiderError(.badInput, "\(name): \(nn.count) normals for \(vertices.count) vertices")
        }
        if let uv = uvs, uv.count != vertices.count {
            throw SiderError(.badInput, "\(name): \(uv.count) uvs for \(vertices.count) vertices")
        }
    }
}

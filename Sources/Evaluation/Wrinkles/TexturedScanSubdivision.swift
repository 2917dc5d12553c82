import Geometry

extension TexturedScan {
    /// `levels` rounds of subdivision (`TriangleMesh.subdividedLoop()` or `subdividedMidpoint()`)
    /// with the corner texture coordinates carried along: each triangle (a, b, c) with corner
    /// coordinates (t_a, t_b, t_c) becomes (a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca) —
    /// the order `TriangleMesh`'s subdivision writes — whose corners take the midpoints
    /// (t_a + t_b)/2, … of their own triangle, so UV seams stay seams. Vertices 0 ..< n of the
    /// input keep their indices (Loop moves them onto the smoother surface).
    public func subdivided(levels: Int, loop: Bool = true) throws -> TexturedScan {
        var mesh = self.mesh
        var uvs = cornerUVs
        for _ in 0..<max(0, levels) {
            mesh = loop ? mesh.subdividedLoop() : mesh.subdividedMidpoint()
            var next: [SIMD2<Float>] = []
            next.reserveCapacity(uvs.count * 4)
            for f in 0..<(uvs.count / 3) {
                let a = uvs[3 * f], b = uvs[3 * f + 1], c = uvs[3 * f + 2]
                let ab = (a + b) / 2, bc = (b + c) / 2, ca = (c + a) / 2
                next += [a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca]
            }
            uvs = next
        }
        mesh.normals = nil
        return try TexturedScan(mesh: mesh, cornerUVs: uvs, texture: texture)
    }
}

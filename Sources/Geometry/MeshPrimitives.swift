/// Simple closed and open meshes for tests, benchmarks and previews.
extension TriangleMesh {
    /// A unit-radius icosahedron refined `subdivisions` times by midpoint subdivision with the
    /// vertices pushed back onto the sphere of `radius` about `center`; outward-facing
    /// (counter-clockwise from outside), with exact sphere normals. 20·4ᵏ triangles.
    public static func icosphere(subdivisions: Int, radius: Float = 1, center: SIMD3<Float> = .zero) -> TriangleMesh {
        let t: Float = (1 + Float(5).squareRoot()) / 2
        let v: [SIMD3<Float>] = [
            SIMD3(-1, t, 0), SIMD3(1, t, 0), SIMD3(-1, -t, 0), SIMD3(1, -t, 0),
            SIMD3(0, -1, t), SIMD3(0, 1, t), SIMD3(0, -1, -t), SIMD3(0, 1, -t),
            SIMD3(t, 0, -1), SIMD3(t, 0, 1), SIMD3(-t, 0, -1), SIMD3(-t, 0, 1),
        ]
        let f: [SIMD3<Int32>] = [
            SIMD3(0, 11, 5), SIMD3(0, 5, 1), SIMD3(0, 1, 7), SIMD3(0, 7, 10), SIMD3(0, 10, 11),
            SIMD3(1, 5, 9), SIMD3(5, 11, 4), SIMD3(11, 10, 2), SIMD3(10, 7, 6), SIMD3(7, 1, 8),
            SIMD3(3, 9, 4), SIMD3(3, 4, 2), SIMD3(3, 2, 6), SIMD3(3, 6, 8), SIMD3(3, 8, 9),
            SIMD3(4, 9, 5), SIMD3(2, 4, 11), SIMD3(6, 2, 10), SIMD3(8, 6, 7), SIMD3(9, 8, 1),
        ]
        var m = TriangleMesh(vertices: v.map(normalized), faces: f)
        for _ in 0..<max(0, subdivisions) {
            m = m.subdividedMidpoint()
            m.vertices = m.vertices.map(normalized)
        }
        m.normals = m.vertices
        m.vertices = m.vertices.map { center + radius * $0 }
        return m
    }

    /// A regular grid of (nx × ny) quads, each split in two, on the plane z = `z` spanning
    /// [x0, x1] × [y0, y1]; triangles face −z (towards an OpenCV camera at the origin).
    public static func grid(nx: Int, ny: Int, x0: Float, x1: Float, y0: Float, y1: Float, z: Float = 0) -> TriangleMesh {
        var v: [SIMD3<Float>] = []
        var f: [SIMD3<Int32>] = []
        let nx = max(1, nx), ny = max(1, ny)
        for j in 0...ny {
            for i in 0...nx {
                v.append(SIMD3(x0 + (x1 - x0) * Float(i) / Float(nx), y0 + (y1 - y0) * Float(j) / Float(ny), z))
            }
        }
        for j in 0..<ny {
            for i in 0..<nx {
                let a = Int32(j * (nx + 1) + i), b = a + 1, c = a + Int32(nx + 1), d = c + 1
                // (b−a)×(c−a) = +x × +y = +z, so wind a, c, b to face −z.
                f.append(SIMD3(a, c, b))
                f.append(SIMD3(b, c, d))
            }
        }
        return TriangleMesh(vertices: v, faces: f, normals: [SIMD3<Float>](repeating: SIMD3(0, 0, -1), count: v.count))
    }
}

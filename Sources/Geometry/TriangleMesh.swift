/// An indexed triangle mesh: the currency of the geometry stages (coarse prior, SDF_GT,
/// marching-cubes output, evaluation scans).
///
/// Triangles are counter-clockwise seen from outside (their normal, (b−a)×(c−a), points out
/// of the surface / towards the camera for a face mesh). Optional per-vertex normals and
/// texture coordinates (`uvs`, one per vertex, v up as in OBJ) may be present.
public struct TriangleMesh: Sendable, Equatable {
    public var vertices: [SIMD3<Float>]
    public var faces: [SIMD3<Int32>]
    public var normals: [SIMD3<Float>]?
    public var uvs: [SIMD2<Float>]?

    public init(vertices: [SIMD3<Float>], faces: [SIMD3<Int32>],
                normals: [SIMD3<Float>]? = nil, uvs: [SIMD2<Float>]? = nil) {
        self.vertices = vertices
        self.faces = faces
        self.normals = normals
        self.uvs = uvs
    }
}

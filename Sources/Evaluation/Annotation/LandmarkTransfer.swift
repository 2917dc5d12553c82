import Geometry
import SiderCore

/// Carries landmarks from one mesh to another with the same triangles (e.g. a re-posed copy of
/// a scan, or two fits of one template): each landmark becomes the closest surface point of the
/// source mesh, (triangle f, barycentrics β), and is re-evaluated on the target as
/// Σₖ βₖ·v'[f_k].
public enum LandmarkTransfer {
    public static func throughSharedTriangles(_ landmarks: FaceLandmarks3D, from source: TriangleMesh,
                                              to target: TriangleMesh) throws -> FaceLandmarks3D {
        guard source.faces == target.faces, source.vertices.count == target.vertices.count else {
            throw SiderError(.badInput, "landmark transfer needs two meshes with the same triangles")
        }
        let bvh = try MeshBVH(source)
        var out: [SIMD3<Float>] = []
        for (i, hit) in bvh.closestPoints(landmarks.points).enumerated() {
            guard hit.triangle >= 0 else { throw SiderError(.badInput, "landmark \(i): the mesh has no triangles") }
            let f = target.faces[hit.triangle]
            let b = hit.barycentric
            out.append(b.x * target.vertices[Int(f.x)] + b.y * target.vertices[Int(f.y)] + b.z * target.vertices[Int(f.z)])
        }
        var moved = landmarks
        moved.points = out
        return moved
    }
}

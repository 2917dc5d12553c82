import Geometry
import SiderCore

/// The NoW evaluation region: a ball around the face centre, defined from the seven NoW
/// landmarks of the ground-truth scan (outer eye corners e₀, e₃, inner eye corners e₁, e₂,
/// nose bottom n):
///
///   bridge b = (e₁ + e₂)/2,  centre c = n + 0.3·(b − n),
///   radius ρ = 1.4 · (‖e₀ − e₃‖ + ‖b − n‖) / 2.
///
/// Only scan vertices with ‖v − c‖ ≤ ρ are measured.
public struct NoWFaceRegion: Sendable, Equatable, Codable {
    public var centre: SIMD3<Float>
    public var radius: Float

    public init(centre: SIMD3<Float>, radius: Float) {
        self.centre = centre
        self.radius = radius
    }

    public init(landmarks: FaceLandmarks3D) {
        let l = landmarks.nowSeven
        let bridge = (l[1] + l[2]) / 2
        let nose = l[4]
        centre = nose + 0.3 * (bridge - nose)
        let outerEye = NoWFaceRegion.norm(l[0] - l[3])
        let noseLength = NoWFaceRegion.norm(bridge - nose)
        radius = 1.4 * (outerEye + noseLength) / 2
    }

    public func contains(_ p: SIMD3<Float>) -> Bool {
        let d = p - centre
        return (d * d).sum() <= radius * radius
    }

    /// The scan restricted to the region: kept vertices (in their original order) and the faces
    /// whose three vertices are all kept, re-indexed. Normals and uvs follow their vertices.
    public func crop(_ mesh: TriangleMesh) throws -> TriangleMesh {
        var newIndex = [Int32](repeating: -1, count: mesh.vertices.count)
        var vertices: [SIMD3<Float>] = []
        for (i, v) in mesh.vertices.enumerated() where contains(v) {
            newIndex[i] = Int32(vertices.count)
            vertices.append(v)
        }
        guard vertices.count >= 3 else {
            throw SiderError(.badInput, "the NoW face region (radius \(radius)) holds \(vertices.count) scan vertices; wrong landmarks or units?")
        }
        var faces: [SIMD3<Int32>] = []
        for f in mesh.faces {
            guard f.x >= 0, f.y >= 0, f.z >= 0, Int(f.x) < newIndex.count, Int(f.y) < newIndex.count,
                  Int(f.z) < newIndex.count else {
                throw SiderError(.badInput, "scan face \(f) indexes a missing vertex")
            }
            let a = newIndex[Int(f.x)], b = newIndex[Int(f.y)], c = newIndex[Int(f.z)]
            if a >= 0 && b >= 0 && c >= 0 { faces.append(SIMD3(a, b, c)) }
        }
        let kept = mesh.vertices.indices.filter { newIndex[$0] >= 0 }
        let normals = mesh.normals.flatMap { n in n.count == mesh.vertices.count ? kept.map { n[$0] } : nil }
        let uvs = mesh.uvs.flatMap { u in u.count == mesh.vertices.count ? kept.map { u[$0] } : nil }
        return TriangleMesh(vertices: vertices, faces: faces, normals: normals, uvs: uvs)
    }

    static func norm(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }
}

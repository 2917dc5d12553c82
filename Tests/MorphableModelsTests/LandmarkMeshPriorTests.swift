import Foundation
import Geometry
import Testing
import SiderCore
import MorphableModels

@Suite("Landmark-mesh prior")
struct LandmarkMeshPriorTests {
    /// A 26 × 18 grid of "face-mesh" points (468) with a bump in depth, and its triangles.
    static func grid() -> ([SIMD3<Float>], [SIMD3<Int32>]) {
        var pts = [SIMD3<Float>]()
        for r in 0..<18 {
            for c in 0..<26 {
                let u = 70 + Float(c) * 4.5, v = 60 + Float(r) * 7.5
                let d = ((u - 128) * (u - 128) + (v - 125) * (v - 125)) / 3000
                pts.append(SIMD3(u, v, -30 * exp(-d)))
            }
        }
        var tris = [SIMD3<Int32>]()
        for r in 0..<17 {
            for c in 0..<25 {
                let a = Int32(r * 26 + c)
                tris.append(SIMD3(a, a + 1, a + 27))
                tris.append(SIMD3(a, a + 27, a + 26))
            }
        }
        return (pts, tris)
    }

    @Test func liftedMeshProjectsOntoTheImagePoints() throws {
        let (pts, tris) = Self.grid()
        let (mesh, camera) = try LandmarkMeshPrior.build(points468: pts, triangles: tris, imageWidth: 256, imageHeight: 256)
        #expect(mesh.faces.count == tris.count * 4)  // one midpoint subdivision
        var worst = 0.0
        for (i, p) in pts.enumerated() {
            let uv = camera.project(SIMD3(Double(mesh.vertices[i].x), Double(mesh.vertices[i].y), Double(mesh.vertices[i].z)))
            worst = max(worst, abs(uv.x - Double(p.x)), abs(uv.y - Double(p.y)))
        }
        #expect(worst < 1e-3, "reprojection \(worst) px")
        // Triangles face the camera (normals towards −z), nearer points (smaller z) are nearer.
        let normals = mesh.faceNormals()
        #expect(normals.filter { $0.z < 0 }.count > normals.count * 9 / 10)
        let centre = 9 * 26 + 13
        #expect(mesh.vertices[centre].z < mesh.vertices[0].z)
        // Metric scale: the cheek vertices are 14 cm apart in the plane of the face.
        let a = mesh.vertices[234], b = mesh.vertices[454]
        let da = Double(pts[234].x - pts[454].x), db = Double(pts[234].y - pts[454].y)
        let z0 = camera.focalLength * 0.14 / (da * da + db * db).squareRoot()
        let planar = SIMD2(Double(a.x / a.z - b.x / b.z), Double(a.y / a.z - b.y / b.z)) * z0
        #expect(abs((planar * planar).sum().squareRoot() - 0.14) < 1e-4)
    }

    @Test func rejectsWrongInput() {
        let (pts, tris) = Self.grid()
        #expect(throws: SiderError.self) {
            try LandmarkMeshPrior.build(points468: Array(pts.prefix(100)), triangles: tris, imageWidth: 256, imageHeight: 256)
        }
        #expect(throws: SiderError.self) {
            try LandmarkMeshPrior.build(points468: pts, triangles: [SIMD3(0, 1, 999)], imageWidth: 256, imageHeight: 256)
        }
    }
}

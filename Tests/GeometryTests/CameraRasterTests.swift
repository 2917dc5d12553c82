import Testing
import Foundation
import SiderCore
import Geometry

@Suite("Cameras and rasterizer")
struct CameraRasterTests {
    static let cam = PinholeCamera(fx: 90, fy: 100, cx: 31, cy: 33, width: 64, height: 60)

    @Test func pinholeProjectUnprojectAndRays() {
        let c = Self.cam
        let p = SIMD3<Float>(0.3, -0.2, 2.5)
        let uv = c.project(p)
        #expect(abs(uv.x - (90 * 0.3 / 2.5 + 31)) < 1e-5 && abs(uv.y - (100 * -0.2 / 2.5 + 33)) < 1e-5)
        #expect(Fixture.norm(c.unproject(uv, depth: 2.5) - p) < 1e-5)
        let r = c.ray(x: 10, y: 50)
        #expect(abs(Fixture.norm(r.direction) - 1) < 1e-6 && r.direction.z > 0)
        let back = c.project(r.at(3))
        #expect(abs(back.x - 10.5) < 1e-4 && abs(back.y - 50.5) < 1e-4)
        let o = OrthographicCamera(scale: 20, offsetX: 5, offsetY: -3, width: 8, height: 8, rayOriginZ: -1)
        #expect(o.project(SIMD3(1, 2, 7)) == SIMD2(25, 37))
        #expect(o.unproject(SIMD2(25, 37), depth: 7) == SIMD3(1, 2, 7))
        #expect(o.ray(x: 0, y: 0).direction == SIMD3(0, 0, 1))
    }

    @Test func tiltedPlaneDepthIsExactAndPerspectiveCorrect() throws {
        // Plane z = 2 + 0.5·x, coarse triangles so perspective correctness matters.
        var plane = TriangleMesh.grid(nx: 2, ny: 2, x0: -3, x1: 3, y0: -3, y1: 3)
        plane.vertices = plane.vertices.map { SIMD3($0.x, $0.y, 2 + 0.5 * $0.x) }
        plane.normals = nil
        let c = Self.cam
        let out = try Rasterizer(camera: c).render(plane)
        var covered = 0
        for y in 0..<c.height {
            for x in 0..<c.width {
                let i = y * c.width + x
                let dx = (Float(x) + 0.5 - c.cx) / c.fx
                let zTrue = 2 / (1 - 0.5 * dx)
                guard out.mask[i] else { continue }
                covered += 1
                #expect(abs(out.depth[i] - zTrue) < 1e-4 * zTrue)
                // Interpolating the vertices with the barycentrics gives the surface point on the pixel ray.
                let f = plane.faces[Int(out.triangles[i])]
                let b = out.barycentrics[i]
                #expect(abs(b.sum() - 1) < 1e-5 && b.min() >= 0)
                let q = b.x * plane.vertices[Int(f.x)] + b.y * plane.vertices[Int(f.y)] + b.z * plane.vertices[Int(f.z)]
                #expect(Fixture.norm(q - c.unproject(SIMD2(Float(x) + 0.5, Float(y) + 0.5), depth: zTrue)) < 1e-4)
                // Normal of z − 0.5x = 2 facing the camera: (0.5, 0, −1)/|·|.
                #expect(Fixture.norm(out.normals[i] - SIMD3(0.5, 0, -1) / Float(1.25).squareRoot()) < 1e-4)
            }
        }
        #expect(covered == c.width * c.height)  // the plane fills the view
        #expect(out.depth.allSatisfy { $0.isFinite })
    }

    @Test func sphereNormalsMatchAnalytic() throws {
        let center = SIMD3<Float>(0.1, -0.05, 4)
        for mesh in [TriangleMesh.icosphere(subdivisions: 4, center: center),
                     TriangleMesh.icosphere(subdivisions: 4, center: center).flipped()] {
            let c = PinholeCamera(fovY: 0.6, width: 96, height: 96)
            let out = try Rasterizer(camera: c).render(mesh)
            let bvh = try MeshBVH(mesh)
            var sumAngle: Double = 0, n = 0, maskMismatch = 0
            for y in 0..<c.height {
                for x in 0..<c.width {
                    let i = y * c.width + x
                    let r = c.ray(x: x, y: y)
                    // |t·d − c|² = 1 → t² − 2t(d·c) + |c|² − 1 = 0.
                    let bq = Fixture.dot(r.direction, center), cq = Fixture.dot(center, center) - 1
                    let disc = bq * bq - cq
                    let hitsSphere = disc > 0
                    if hitsSphere != out.mask[i] { maskMismatch += 1; continue }
                    guard hitsSphere else { continue }
                    let t = bq - disc.squareRoot()
                    let p = t * r.direction
                    let nTrue = (p - center) / Fixture.norm(p - center)
                    let cosA = min(1, max(-1, Fixture.dot(out.normals[i], nTrue)))
                    sumAngle += Double(acos(cosA)); n += 1
                    // Depth of the polygonal mesh itself, by ray casting (independent of the rasterizer).
                    if let hit = bvh.intersect(origin: r.origin, direction: r.direction) {
                        #expect(abs(out.depth[i] - hit.point.z) < 2e-4)
                    }
                    #expect(Fixture.dot(out.normals[i], p) < 0) // faces the camera
                }
            }
            #expect(n > 2000)
            #expect(maskMismatch < 40)  // only silhouette pixels of the polygonal sphere differ
            #expect(sumAngle / Double(n) < 0.5 * Double.pi / 180)
        }
    }

    @Test func nearestTriangleWinsWhateverTheOrder() throws {
        let near: [SIMD3<Float>] = [SIMD3(-1, -1, 2), SIMD3(1, -1, 2), SIMD3(0, 1, 2)]
        let far: [SIMD3<Float>] = [SIMD3(-1, 1, 3), SIMD3(1, 1, 3), SIMD3(0, -1, 3)]
        let c = PinholeCamera(fovY: 1.2, width: 40, height: 40)
        for nearFirst in [true, false] {
            let verts = nearFirst ? near + far : far + near
            // Opposite windings: one front-facing, one back-facing.
            let mesh = TriangleMesh(vertices: verts, faces: [SIMD3(0, 1, 2), SIMD3(3, 5, 4)])
            let out = try Rasterizer(camera: c, normalMode: .flat).render(mesh)
            let nearId: Int32 = nearFirst ? 0 : 1
            var both = 0
            for i in 0..<(40 * 40) where out.mask[i] {
                let p = c.unproject(SIMD2(Float(i % 40) + 0.5, Float(i / 40) + 0.5), depth: 1)
                let insideNear = Self.inside(SIMD2(p.x * 2, p.y * 2), near)
                let insideFar = Self.inside(SIMD2(p.x * 3, p.y * 3), far)
                if insideNear {
                    #expect(out.triangles[i] == nearId)
                    #expect(abs(out.depth[i] - 2) < 1e-5)
                    if insideFar { both += 1 }
                } else if insideFar {
                    #expect(out.triangles[i] == 1 - nearId)
                    #expect(abs(out.depth[i] - 3) < 1e-5)
                }
                #expect(out.normals[i] == SIMD3(0, 0, -1))
            }
            #expect(both > 50)
        }
    }

    static func inside(_ p: SIMD2<Float>, _ t: [SIMD3<Float>]) -> Bool {
        func e(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) }
        let s = [e(t[0], t[1]), e(t[1], t[2]), e(t[2], t[0])]
        return s.allSatisfy { $0 > 1e-4 } || s.allSatisfy { $0 < -1e-4 }
    }

    @Test func orthographicPlaneAndImages() throws {
        let mesh = TriangleMesh.grid(nx: 4, ny: 4, x0: -1, x1: 1, y0: -1, y1: 1, z: 5)
        let o = OrthographicCamera(scale: 10, offsetX: 16, offsetY: 16, width: 32, height: 32)
        let out = try Rasterizer(camera: o).render(mesh)
        // The square [−1, 1]² covers pixels 6..<26 in both directions.
        for y in 0..<32 {
            for x in 0..<32 {
                let inside = (6..<26).contains(x) && (6..<26).contains(y)
                #expect(out.mask[y * 32 + x] == inside)
                if inside { #expect(abs(out.depth[y * 32 + x] - 5) < 1e-5) }
            }
        }
        let nm = out.normalMap()
        #expect(nm[16, 16] == SIMD3(0.5, 0.5, 1))
        #expect(nm[0, 0] == .zero)
        #expect(NormalMap.colour(SIMD3(1, 0, 0)) == SIMD3(1, 0.5, 0.5))
        #expect(NormalMap.colour(SIMD3(0, -1, 0)) == SIMD3(0.5, 1, 0.5)) // up is green
        let dec = NormalMap.decode(nm)
        #expect(Fixture.norm(dec[16 * 32 + 16] - SIMD3(0, 0, -1)) < 1e-6)
        let sh = out.shaded(ambient: 0.2, albedo: SIMD3(1, 1, 1))
        #expect(abs(sh[16, 16].x - 1) < 1e-6 && sh[0, 0] == .zero)
        let obliq = Shading.shade(normals: [normalizedVec(SIMD3(0, 1, -1))], width: 1, height: 1, ambient: 0, albedo: SIMD3(1, 1, 1))
        #expect(abs(obliq[0, 0].x - Float(0.5).squareRoot()) < 1e-6)
    }

    @Test func depthImageIsNearBright() {
        let img = DepthMap.encode([1, 2, .infinity, 3], width: 2, height: 2)
        #expect(img[0, 0].x == 1 && abs(img[1, 1].x - 0.1) < 1e-6 && img[0, 1] == .zero && img[1, 0].x < 1 && img[1, 0].x > 0.1)
    }

    @Test func rejectsBadInput() {
        let bad = TriangleMesh(vertices: [SIMD3(0, 0, 1)], faces: [SIMD3(0, 0, 3)])
        #expect(throws: SiderError.self) { try Rasterizer(camera: Self.cam).render(bad) }
    }
}

func normalizedVec(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }

import Testing
import Foundation
import SiderCore
import Geometry

@Suite("MeshBVH")
struct MeshBVHTests {
    /// Brute force over all triangles with an independent closest-point routine: minimise over
    /// a fine barycentric search seeded by projection, checked only through distances.
    static func bruteDistance(_ p: SIMD3<Float>, _ m: TriangleMesh) -> Float {
        var best = Float.infinity
        for f in 0..<m.faces.count {
            let (a, b, c) = m.corners(f)
            best = min(best, referenceDistance(p, a, b, c))
        }
        return best
    }

    /// Point–triangle distance by the plane projection / edge-segment decomposition
    /// (independent of Ericson's region walk).
    static func referenceDistance(_ p: SIMD3<Float>, _ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>) -> Float {
        let n = cross(b - a, c - a)
        let nn = Fixture.dot(n, n)
        if nn > 0 {
            let q = p - Fixture.dot(p - a, n) / nn * n
            // Inside test with signed sub-areas.
            let s1 = Fixture.dot(cross(b - a, q - a), n), s2 = Fixture.dot(cross(c - b, q - b), n), s3 = Fixture.dot(cross(a - c, q - c), n)
            if s1 >= 0 && s2 >= 0 && s3 >= 0 { return Fixture.norm(p - q) }
        }
        func seg(_ x: SIMD3<Float>, _ y: SIMD3<Float>) -> Float {
            let d = y - x
            let t = max(0, min(1, Fixture.dot(p - x, d) / max(Fixture.dot(d, d), 1e-30)))
            return Fixture.norm(p - (x + t * d))
        }
        return min(seg(a, b), seg(b, c), seg(c, a))
    }

    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    @Test func closestPointOnTriangleRegions() {
        let a = SIMD3<Float>(0, 0, 0), b = SIMD3<Float>(1, 0, 0), c = SIMD3<Float>(0, 1, 0)
        let cases: [(SIMD3<Float>, SIMD3<Float>)] = [
            (SIMD3(-1, -1, 2), a), (SIMD3(2, -0.5, 0), b), (SIMD3(-0.1, 3, -1), c),
            (SIMD3(0.5, -1, 0), SIMD3(0.5, 0, 0)), (SIMD3(-2, 0.25, 1), SIMD3(0, 0.25, 0)),
            (SIMD3(1, 1, 0), SIMD3(0.5, 0.5, 0)), (SIMD3(0.2, 0.3, -4), SIMD3(0.2, 0.3, 0)),
        ]
        for (p, want) in cases {
            let (q, w) = TriangleQueries.closestPoint(to: p, a: a, b: b, c: c)
            #expect(Fixture.norm(q - want) < 1e-6, "\(p)")
            #expect(Fixture.norm(w.x * a + w.y * b + w.z * c - q) < 1e-6)
            #expect(abs(w.sum() - 1) < 1e-6 && w.min() >= 0)
        }
    }

    @Test func distancesMatchBruteForce() throws {
        let mesh = Fixture.randomMesh(seed: 11, triangles: 600)
        let bvh = try MeshBVH(mesh)
        let pts = Fixture.randomPoints(seed: 12, count: 1500, scale: 2.5)
        let d = bvh.distances(pts)
        var worst: Float = 0
        for (i, p) in pts.enumerated() { worst = max(worst, abs(d[i] - Self.bruteDistance(p, mesh))) }
        #expect(worst < 1e-5)
        // Full results agree with the batched distances and are self-consistent.
        let cps = bvh.closestPoints(Array(pts.prefix(200)))
        for (i, cp) in cps.enumerated() {
            let single = try #require(bvh.closestPoint(to: pts[i]))
            #expect(single == cp)
            #expect(abs(cp.distance - d[i]) < 1e-6)
            let (a, b, c) = mesh.corners(cp.triangle)
            #expect(Fixture.norm(cp.barycentric.x * a + cp.barycentric.y * b + cp.barycentric.z * c - cp.point) < 1e-5)
            #expect(abs(Fixture.norm(cp.point - pts[i]) - cp.distance) < 1e-5)
        }
    }

    @Test func sphereDistancesAreAnalytic() throws {
        let sphere = TriangleMesh.icosphere(subdivisions: 4)
        let bvh = try MeshBVH(sphere)
        let pts = Fixture.randomPoints(seed: 5, count: 2000, scale: 2)
        let d = bvh.distances(pts)
        // The chordal icosphere lies within 0.2% of the unit sphere at this level.
        for (p, x) in zip(pts, d) { #expect(abs(x - abs(Fixture.norm(p) - 1)) < 3e-3) }
    }

    @Test func rayHitsMatchBruteForce() throws {
        let mesh = Fixture.randomMesh(seed: 21, triangles: 400)
        let bvh = try MeshBVH(mesh)
        var rng = SeededGenerator(seed: 22)
        var hits = 0
        for _ in 0..<500 {
            let o = SIMD3<Float>(rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-3, 3))
            let d = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal())
            var best = Float.infinity
            for f in 0..<mesh.faces.count {
                let (a, b, c) = mesh.corners(f)
                if let h = TriangleQueries.intersect(origin: o, direction: d, a: a, b: b, c: c), h.t > 1e-6 { best = min(best, h.t) }
            }
            let hit = bvh.intersect(origin: o, direction: d)
            if best.isFinite {
                hits += 1
                let h = try #require(hit)
                #expect(abs(h.t - best) < 1e-5 * max(1, best))
                #expect(Fixture.norm(h.point - (o + h.t * d)) < 1e-5)
            } else {
                #expect(hit == nil)
            }
        }
        #expect(hits > 50)
        // Axis-aligned ray onto a sphere: t = 4 exactly (up to the chordal error).
        let s = try MeshBVH(TriangleMesh.icosphere(subdivisions: 4))
        let hit0 = s.intersect(origin: SIMD3(0, 0, -5), direction: SIMD3(0, 0, 1))
        #expect(hit0 != nil)
        #expect(abs((hit0?.t ?? 0) - 4) < 3e-3)
    }

    @Test func rejectsBadMeshAndHandlesEmpty() throws {
        let bad = TriangleMesh(vertices: [.zero], faces: [SIMD3(0, 1, 2)])
        #expect(throws: SiderError.self) { try MeshBVH(bad) }
        let empty = try MeshBVH(TriangleMesh(vertices: [], faces: []))
        #expect(empty.closestPoint(to: .zero) == nil)
        #expect(empty.distances([.zero]) == [.infinity])
    }
}

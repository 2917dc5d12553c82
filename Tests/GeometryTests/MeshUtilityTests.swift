import Testing
import Foundation
import SiderCore
import Geometry

@Suite("Mesh utilities")
struct MeshUtilityTests {
    @Test func icosphereIsClosedOutwardAndAreaConverges() {
        let m = TriangleMesh.icosphere(subdivisions: 3)
        #expect(m.faces.count == 1280)
        #expect(m.isWatertight && m.isConsistentlyOriented)
        #expect(m.eulerCharacteristic == 2)
        for (f, n) in m.faceNormals().enumerated() {
            let (a, b, c) = m.corners(f)
            #expect(Fixture.dot(n, a + b + c) > 0)
        }
        #expect(abs(m.surfaceArea - 4 * .pi) / (4 * .pi) < 0.02)
        let vn = m.vertexNormals()
        let worst = zip(vn, m.vertices).map { 1 - Fixture.dot($0, $1) }.max() ?? 1
        #expect(worst < 1e-3)
    }

    @Test func faceNormalsAreasBoxAndTransform() {
        let m = TriangleMesh(vertices: [SIMD3(0, 0, 0), SIMD3(2, 0, 0), SIMD3(0, 3, 0)], faces: [SIMD3(0, 1, 2)])
        #expect(m.faceAreas() == [3])
        #expect(m.faceNormals() == [SIMD3(0, 0, 1)])
        #expect(m.boundingBox.diagonal == Float(13).squareRoot())
        let r = Matrix3x3.rotation(axis: SIMD3(0, 0, 1), angle: .pi / 2)
        let t = m.withVertexNormals().transformed(scale: 2, rotation: r, translation: SIMD3(1, 1, 1))
        #expect(Fixture.norm(t.vertices[1] - SIMD3(1, 5, 1)) < 1e-5)
        #expect(abs(t.faceAreas()[0] - 12) < 1e-4)
        #expect(Fixture.norm(t.normals![0] - SIMD3(0, 0, 1)) < 1e-6)
    }

    @Test func boundaryWatertightAndUnreferenced() {
        let grid = TriangleMesh.grid(nx: 3, ny: 2, x0: 0, x1: 3, y0: 0, y1: 2)
        #expect(!grid.isWatertight)
        #expect(grid.boundaryEdges().count == 2 * (3 + 2))
        #expect(grid.eulerCharacteristic == 1)
        var m = grid
        m.vertices.append(SIMD3(9, 9, 9))
        m.normals?.append(SIMD3(0, 0, 1))
        m.faces = m.faces.map { $0 } // unchanged
        let (clean, remap) = m.removingUnreferencedVertices()
        #expect(clean.vertices.count == grid.vertices.count)
        #expect(remap.last == -1)
        #expect(clean == grid)
    }

    @Test func subdivisionKeepsTopologyLoopShrinksTowardsSphere() {
        let ico = TriangleMesh.icosphere(subdivisions: 0)
        let mid = ico.subdividedMidpoint()
        #expect(mid.faces.count == 80 && mid.vertices.count == 42)
        #expect(mid.isWatertight && mid.isConsistentlyOriented && mid.eulerCharacteristic == 2)
        let loop = ico.subdividedLoop().subdividedLoop()
        #expect(loop.faces.count == 320 && loop.isWatertight && loop.isConsistentlyOriented)
        // Loop converges inside the control polyhedron; all radii shrink but stay close and
        // the spread of radii drops (smoother).
        let r = loop.vertices.map(Fixture.norm)
        #expect(r.max()! < 1.0001 && r.min()! > 0.65, "radii \(r.min()!)...\(r.max()!)")
        let rMid = ico.subdividedMidpoint().subdividedMidpoint().vertices.map(Fixture.norm)
        #expect((r.max()! - r.min()!) < (rMid.max()! - rMid.min()!))
        // A flat grid stays flat and its boundary stays on the boundary line.
        let g = TriangleMesh.grid(nx: 2, ny: 2, x0: 0, x1: 1, y0: 0, y1: 1).subdividedLoop()
        #expect(g.vertices.allSatisfy { $0.z == 0 && $0.x >= 0 && $0.x <= 1 && $0.y >= 0 && $0.y <= 1 })
    }

    @Test func taubinSmoothingRemovesNoiseWithoutShrinking() {
        let clean = TriangleMesh.icosphere(subdivisions: 3)
        var noisy = clean
        var rng = SeededGenerator(seed: 7)
        noisy.vertices = noisy.vertices.map { $0 * (1 + 0.03 * rng.normal()) }
        func rms(_ m: TriangleMesh) -> Float {
            (m.vertices.map { (Fixture.norm($0) - 1) * (Fixture.norm($0) - 1) }.reduce(0, +) / Float(m.vertices.count)).squareRoot()
        }
        let smooth = noisy.smoothedTaubin(iterations: 10)
        #expect(rms(smooth) < 0.5 * rms(noisy))
        let meanR = smooth.vertices.map(Fixture.norm).reduce(0, +) / Float(smooth.vertices.count)
        #expect(abs(meanR - 1) < 0.01)
    }

    @Test func surfaceSamplingIsUniformAndSeeded() {
        // Two triangles of area 1 and 3: samples split ≈ 1:3, lie on their triangles.
        let m = TriangleMesh(vertices: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 2, 0),
                                        SIMD3(0, 0, 1), SIMD3(3, 0, 1), SIMD3(0, 2, 1)],
                             faces: [SIMD3(0, 1, 2), SIMD3(3, 4, 5)])
        let s = m.sampleSurface(count: 20000, seed: 3)
        let s2 = m.sampleSurface(count: 20000, seed: 3)
        #expect(s.points == s2.points)
        let frac = Float(s.triangles.filter { $0 == 1 }.count) / 20000
        #expect(abs(frac - 0.75) < 0.015)
        for (p, t) in zip(s.points, s.triangles) {
            #expect(abs(p.z - Float(t)) < 1e-5)
            let sx: Float = t == 0 ? 1 : 3
            #expect(p.x >= 0 && p.y >= 0 && p.x / sx + p.y / 2 <= 1.0001)
        }
        #expect(s.normals.allSatisfy { $0 == SIMD3(0, 0, 1) })
        // Uniform inside a triangle: the mean is the centroid.
        let pts0 = zip(s.points, s.triangles).filter { $0.1 == 0 }.map { $0.0 }
        let mean = pts0.reduce(SIMD3<Float>.zero, +) / Float(pts0.count)
        #expect(Fixture.norm(mean - SIMD3(1.0 / 3, 2.0 / 3, 0)) < 0.02)
    }
}

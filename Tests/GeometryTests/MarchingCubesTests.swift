import Testing
import Foundation
import SiderCore
import Geometry

@Suite("Marching cubes")
struct MarchingCubesTests {
    static func sphereGrid(radius: Float, resolution: Int, center: SIMD3<Float> = .zero) throws -> ScalarGrid {
        let layout = GridLayout(covering: BoundingBox(min: SIMD3(repeating: -1), max: SIMD3(repeating: 1)), resolution: resolution)
        return try ScalarGrid.evaluate(layout) { pts in pts.map { Fixture.norm($0 - center) - radius } }
    }

    static func outwardFraction(_ m: TriangleMesh, center: SIMD3<Float>) -> Float {
        let fn = m.faceNormals()
        var good = 0, total = 0
        for (f, n) in fn.enumerated() where n != .zero {
            let (a, b, c) = m.corners(f)
            total += 1
            if Fixture.dot(n, (a + b + c) / 3 - center) > 0 { good += 1 }
        }
        return Float(good) / Float(max(total, 1))
    }

    static func signedVolume(_ m: TriangleMesh) -> Float {
        var vol: Float = 0
        for f in 0..<m.faces.count {
            let (a, b, c) = m.corners(f)
            vol += Fixture.dot(a, MeshBVHTests.cross(b, c)) / 6
        }
        return vol
    }

    static func distinctPositions(_ m: TriangleMesh) -> Bool {
        Set(m.vertices.map { "\($0.x),\($0.y),\($0.z)" }).count == m.vertices.count
    }

    @Test func sphereIsWatertightOutwardAndAccurate() throws {
        let c = SIMD3<Float>(0.03, -0.02, 0.01)
        let m = try MarchingCubes.extract(try Self.sphereGrid(radius: 0.7, resolution: 41, center: c))
        #expect(m.faces.count > 2000)
        #expect(m.isWatertight)
        #expect(m.isConsistentlyOriented)
        #expect(m.eulerCharacteristic == 2)
        #expect(Self.distinctPositions(m))
        #expect(Self.outwardFraction(m, center: c) == 1)
        // Linear interpolation of the exact SDF along lattice edges (h = 0.05): error ≲ h²/(2r).
        let worst = m.vertices.map { abs(Fixture.norm($0 - c) - 0.7) }.max() ?? 1
        #expect(worst < 2e-3)
        // Enclosed volume by the divergence theorem ≈ 4/3 π r³.
        let vol = Self.signedVolume(m)
        #expect(abs(vol - 4 / 3 * .pi * 0.343) / (4 / 3 * .pi * 0.343) < 0.01)
    }

    @Test func torusHasGenusOne() throws {
        let layout = GridLayout(covering: BoundingBox(min: SIMD3(-1, -1, -0.5), max: SIMD3(1, 1, 0.5)), resolution: 48)
        let grid = try ScalarGrid.evaluate(layout) { pts in
            pts.map { p in
                let q = SIMD2((p.x * p.x + p.y * p.y).squareRoot() - 0.6, p.z)
                return (q * q).sum().squareRoot() - 0.25
            }
        }
        let m = try MarchingCubes.extract(grid)
        #expect(m.isWatertight && m.isConsistentlyOriented)
        #expect(m.eulerCharacteristic == 0)
    }

    @Test func everyCubeCaseIsClosedAndOriented() throws {
        // One cube's 8 corners take each sign pattern inside a positive border: every case must
        // give a closed, consistently oriented surface without duplicate vertices.
        let layout = GridLayout(dims: SIMD3(4, 4, 4), origin: .zero, spacing: SIMD3(repeating: 1))
        for mask in 1..<256 {
            var v = [Float](repeating: 1, count: 64)
            for c in 0..<8 where (mask >> c) & 1 == 1 {
                v[layout.index(1 + (c & 1), 1 + ((c >> 1) & 1), 1 + ((c >> 2) & 1))] = -1 - Float(c) * 0.1
            }
            let m = try MarchingCubes.extract(try ScalarGrid(layout: layout, values: v))
            #expect(m.isWatertight, "case \(mask)")
            #expect(m.isConsistentlyOriented, "case \(mask)")
            #expect(Self.distinctPositions(m), "case \(mask)")
            // Normals point away from the inside corners: the signed volume is positive.
            #expect(Self.signedVolume(m) > 0, "case \(mask)")
        }
    }

    @Test func randomFieldsGiveCrackFreeSurfaces() throws {
        var rng = SeededGenerator(seed: 99)
        let layout = GridLayout(dims: SIMD3(12, 10, 11), origin: SIMD3(-1, 0, 2), spacing: SIMD3(0.1, 0.2, 0.15))
        for _ in 0..<5 {
            var v = [Float](repeating: 1, count: layout.count)
            for k in 1..<(layout.dims.z - 1) {
                for j in 1..<(layout.dims.y - 1) {
                    for i in 1..<(layout.dims.x - 1) { v[layout.index(i, j, k)] = rng.uniform(-1, 1) }
                }
            }
            let m = try MarchingCubes.extract(try ScalarGrid(layout: layout, values: v))
            #expect(m.faces.count > 100)
            #expect(m.isWatertight && m.isConsistentlyOriented)
            // The negated field (other ambiguity resolution, inward normals) is closed too, with
            // the same vertices and the opposite signed volume.
            let f = try MarchingCubes.extract(try ScalarGrid(layout: layout, values: v.map { -$0 }))
            #expect(f.isWatertight && f.isConsistentlyOriented)
            #expect(f.vertices == m.vertices)
            #expect(Self.signedVolume(f) < 0 && Self.signedVolume(m) > 0)
        }
    }

    @Test func clipAndGridHelpers() throws {
        let grid = try Self.sphereGrid(radius: 0.7, resolution: 21)
        let box = BoundingBox(min: SIMD3(-1, -1, -1), max: SIMD3(1, 1, 0))
        let half = try MarchingCubes.extract(grid, clip: box)
        #expect(!half.isWatertight && !half.boundaryEdges().isEmpty)
        #expect(half.vertices.allSatisfy { box.contains($0) })
        // Serial and parallel evaluation agree; bad closures throw.
        let serial = try ScalarGrid.evaluate(grid.layout, parallel: false) { pts in pts.map { Fixture.norm($0) - 0.7 } }
        #expect(serial.values == grid.values)
        #expect(grid.layout.dims == SIMD3(21, 21, 21))
        #expect(throws: SiderError.self) { try ScalarGrid.evaluate(grid.layout) { _ in [0] } }
        #expect(throws: SiderError.self) { try ScalarGrid.evaluate(grid.layout) { pts in pts.map { _ in Float.nan } } }
        #expect(throws: SiderError.self) { try ScalarGrid(layout: grid.layout, values: [1, 2]) }
        // Degenerate boxes give small valid lattices instead of traps.
        #expect(GridLayout(covering: .empty, resolution: 64).dims == SIMD3(2, 2, 2))
        let flat = GridLayout(covering: BoundingBox(min: .zero, max: SIMD3(1, 0, 0)), resolution: 11)
        #expect(flat.dims == SIMD3(11, 2, 2) && abs(flat.spacing.x - 0.1) < 1e-6)
        // An iso-level other than 0 gives the sphere of that radius.
        let m = try MarchingCubes.extract(grid, isoLevel: -0.2)
        #expect(m.vertices.allSatisfy { abs(Fixture.norm($0) - 0.5) < 0.01 })
    }
}

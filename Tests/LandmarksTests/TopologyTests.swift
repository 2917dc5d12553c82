import Foundation
import Landmarks
import SiderCore
import Testing

@Suite("Face mesh topology")
struct TopologyTests {
    @Test func recoversAManifoldConsistentlyOrientedMesh() throws {
        let tris = try FaceMeshTopology.triangles()
        #expect(tris.count == 852)
        struct E: Hashable { let a: Int32, b: Int32 }
        var directed = Set<E>()
        var undirected: [E: Int] = [:]
        for t in tris {
            #expect(Set([t.x, t.y, t.z]).count == 3)
            for (u, v) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] {
                // Consistent orientation: no directed edge twice.
                #expect(directed.insert(E(a: u, b: v)).inserted)
                undirected[E(a: min(u, v), b: max(u, v)), default: 0] += 1
            }
        }
        #expect(undirected.values.allSatisfy { $0 <= 2 })
        let vertices = Set(tris.flatMap { [$0.x, $0.y, $0.z] })
        #expect(vertices.count == 468)
        // Every edge of MediaPipe's list is an edge of some triangle, and nothing else is.
        let text = try String(contentsOf: DataPaths.model("face_mesh_connections.py"), encoding: .utf8)
        let body = text[try #require(text.range(of: "FACEMESH_TESSELATION")).upperBound...]
        let list = body[..<(try #require(body.range(of: "])"))).lowerBound]
        let numbers = list.split(whereSeparator: { !$0.isNumber }).compactMap { Int32($0) }
        var listed = Set<E>()
        for i in stride(from: 0, to: numbers.count - 1, by: 2) {
            listed.insert(E(a: min(numbers[i], numbers[i + 1]), b: max(numbers[i], numbers[i + 1])))
        }
        #expect(listed == Set(undirected.keys))
        // Boundary edges form closed loops (outline, eyes, mouth) and V − E + F = 2 − loops.
        let boundary = undirected.filter { $0.value == 1 }.map(\.key)
        var next: [Int32: [Int32]] = [:]
        for e in boundary { next[e.a, default: []].append(e.b); next[e.b, default: []].append(e.a) }
        #expect(next.values.allSatisfy { $0.count == 2 })
        var seen = Set<Int32>(), loops = 0
        for start in next.keys where !seen.contains(start) {
            loops += 1
            var stack = [start]
            while let v = stack.popLast() {
                if seen.insert(v).inserted { stack += next[v] ?? [] }
            }
        }
        #expect(loops >= 2)
        #expect(468 - undirected.count + tris.count == 2 - loops)
    }

    @Test func normalsFaceTheCameraOnAFrontalFace() throws {
        let tris = try FaceMeshTopology.triangles()
        let ref = try Support.reference("obama2")
        let p = try #require(ref.mesh).points.map { SIMD3<Float>($0[0], $0[1], $0[2]) }
        // (b − a) × (c − a) with x right, y down, z away from the camera: facing the camera is n_z < 0.
        let facing = tris.filter { t in
            let a = p[Int(t.x)], b = p[Int(t.y)], c = p[Int(t.z)]
            let u = b - a, v = c - a
            return u.x * v.y - u.y * v.x < 0
        }.count
        #expect(Double(facing) > 0.9 * Double(tris.count), "\(facing) of \(tris.count) face the camera")
    }

    /// The order is canonical (each triangle starts at its smallest vertex, the list sorted), so
    /// it cannot depend on hash-set iteration: the edge list written in another order gives the
    /// identical array.
    @Test func triangleOrderIsCanonicalAndIndependentOfTheEdgeOrder() throws {
        let tris = try FaceMeshTopology.triangles()
        #expect(tris.count == 852)
        #expect(tris.allSatisfy { $0.x < $0.y && $0.x < $0.z })
        let keys = tris.map { [$0.x, $0.y, $0.z] }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })

        let text = try String(contentsOf: DataPaths.model("face_mesh_connections.py"), encoding: .utf8)
        let body = text[try #require(text.range(of: "FACEMESH_TESSELATION")).upperBound...]
        let list = body[..<(try #require(body.range(of: "])"))).lowerBound]
        let numbers = list.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        var pairs = stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
        var rng = SeededGenerator(seed: 7)
        pairs.shuffle(using: &rng)
        let shuffled = "FACEMESH_TESSELATION = frozenset([\n" + pairs.map { "    (\($0.0), \($0.1)),\n" }.joined() + "])\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shuffled_connections_\(getpid()).py")
        try shuffled.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try FaceMeshTopology.triangles(connectionsFile: url) == tris)
    }

    @Test func rejectsAFileWithoutTheTessellation() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("not_connections_\(getpid()).py")
        try "FACEMESH_LIPS = frozenset([(1, 2)])\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: SiderError.self) { try FaceMeshTopology.triangles(connectionsFile: url) }
        #expect(throws: SiderError.self) {
            try FaceMeshTopology.triangles(connectionsFile: url.appendingPathExtension("missing"))
        }
    }
}

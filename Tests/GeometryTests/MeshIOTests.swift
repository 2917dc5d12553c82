import Testing
import Foundation
import SiderCore
import Geometry

@Suite("MeshIO")
struct MeshIOTests {
    @Test func objPolygonsNegativeIndicesAndSlashForms() throws {
        let text = """
        # a quad and a triangle
        mtllib x.mtl
        v 0 0 0
        v 1 0 0
        v 1 1 0
        v 0 1 0
        vt 0 0
        vt 1 0
        vt 1 1
        vt 0 1
        vn 0 0 1
        usemtl m
        f 1/1/1 2/2/1 3/3/1 4/4/1
        v 0 0 1.5e0
        f -5//1 -4//1 -1//1
        """
        let m = try MeshIO.decode(Data(text.utf8), name: "t.obj", format: .obj)
        #expect(m.vertices.count == 5)
        #expect(m.faces == [SIMD3(0, 1, 2), SIMD3(0, 2, 3), SIMD3(0, 1, 4)])
        #expect(m.vertices[4] == SIMD3(0, 0, 1.5))
        #expect(m.normals == [SIMD3<Float>](repeating: SIMD3(0, 0, 1), count: 5))
        // Vertex 4 (index 5) has no vt, so uvs are incomplete and dropped.
        #expect(m.uvs == nil)
        let url = Fixture.tempURL("corners.obj")
        defer { try? FileManager.default.removeItem(at: url) }
        try AtomicFile.write(text, to: url)
        let (_, corners) = try MeshIO.loadOBJWithCornerUVs(url)
        #expect(corners == nil)
        try AtomicFile.write(text.replacingOccurrences(of: "-5//1 -4//1 -1//1", with: "-5/1 -4/2 -1/3"), to: url)
        let (_, c2) = try MeshIO.loadOBJWithCornerUVs(url)
        #expect(c2 == [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 0), SIMD2(1, 1), SIMD2(0, 1),
                       SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1)])
    }

    @Test func objWithCRLFAndExtraColumnsAndEmptyFile() throws {
        let text = "v 0 0 0 1 0 0\r\nv 1 0 0 0 1 0\r\nv 0 1 0 0 0 1\r\n\r\nf 1 2 3\r\n"
        let m = try MeshIO.decode(Data(text.utf8), name: "crlf.obj")
        #expect(m.vertices == [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0)] && m.faces == [SIMD3(0, 1, 2)])
        #expect(throws: SiderError.self) { try MeshIO.decode(Data("# nothing\n".utf8), name: "empty.obj") }
        #expect(throws: SiderError.self) { try MeshIO.save(m, to: Fixture.tempURL("x.stl")) }
    }

    @Test func objKeepsConsistentUVs() throws {
        let text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0.25 0.5\nvt 0.75 0.5\nvt 0.25 1\nf 1/1 2/2 3/3\n"
        let m = try MeshIO.decode(Data(text.utf8), name: "t.obj")
        #expect(m.uvs == [SIMD2(0.25, 0.5), SIMD2(0.75, 0.5), SIMD2(0.25, 1)])
    }

    @Test func objErrorsNameTheLine() {
        let cases: [(String, String)] = [
            ("v 0 0 0\nv 1 0 0\nf 1 2 3\n", "bad.obj:3:"),
            ("v 0 0 0\nv 1 x 0\n", "bad.obj:2:"),
            ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2\n", "bad.obj:4:"),
            ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1/9 2 3\n", "bad.obj:4:"),
        ]
        for (text, prefix) in cases {
            do {
                _ = try MeshIO.decode(Data(text.utf8), name: "bad.obj", format: .obj)
                Issue.record("accepted malformed OBJ: \(text)")
            } catch let e as SiderError {
                #expect(e.kind == .badInput)
                #expect(e.message.hasPrefix(prefix), "\(e.message)")
                #expect(!e.message.contains("\n"))
            } catch { Issue.record("unexpected \(error)") }
        }
    }

    @Test(arguments: [MeshIO.Format.obj, .plyBinary, .plyASCII])
    func roundTrip(format: MeshIO.Format) throws {
        var m = TriangleMesh.icosphere(subdivisions: 2, radius: 1.7, center: SIMD3(0.1, -2, 3))
        m.uvs = m.vertices.map { SIMD2($0.x, $0.y * 0.5) }
        let ext = format == .obj ? "obj" : "ply"
        let url = Fixture.tempURL("rt.\(ext)")
        defer { try? FileManager.default.removeItem(at: url) }
        try MeshIO.save(m, to: url, format: format)
        let back = try MeshIO.load(url)
        #expect(back == m)
    }

    @Test func plyBigEndianWithExtraPropertiesAndQuads() throws {
        var header = "ply\nformat binary_big_endian 1.0\ncomment test\n"
        header += "element vertex 4\nproperty double x\nproperty double y\nproperty double z\nproperty uchar red\n"
        header += "element face 1\nproperty list uchar uint vertex_indices\nproperty float quality\n"
        header += "element edge 1\nproperty int vertex1\nproperty int vertex2\nend_header\n"
        var bytes = Array(header.utf8)
        func be<T: FixedWidthInteger>(_ x: T) { withUnsafeBytes(of: x.bigEndian) { bytes.append(contentsOf: $0) } }
        let pts: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(2, 0, 0), SIMD3(2, 3, 0), SIMD3(0, 3, -1)]
        for p in pts { be(p.x.bitPattern); be(p.y.bitPattern); be(p.z.bitPattern); bytes.append(200) }
        bytes.append(4); for i: UInt32 in [0, 1, 2, 3] { be(i) }; be(Float(0.5).bitPattern)
        be(Int32(0)); be(Int32(1))
        let m = try MeshIO.decode(Data(bytes), name: "be.ply")
        #expect(m.vertices == pts.map { SIMD3<Float>(Float($0.x), Float($0.y), Float($0.z)) })
        #expect(m.faces == [SIMD3(0, 1, 2), SIMD3(0, 2, 3)])
    }

    @Test func plyAsciiWithNormals() throws {
        let text = """
        ply
        format ascii 1.0
        element vertex 3
        property float x
        property float y
        property float z
        property float nx
        property float ny
        property float nz
        element face 1
        property list uchar int vertex_indices
        end_header
        0 0 0 0 0 1
        1 0 0 0 0 1
        0 1 0 0 0 1
        3 0 1 2

        """
        let m = try MeshIO.decode(Data(text.utf8), name: "a.ply")
        #expect(m.faces == [SIMD3(0, 1, 2)])
        #expect(m.normals?.count == 3)
    }

    @Test func plyRejectsTruncatedAndBadIndices() {
        let good = MeshIO.encode(TriangleMesh.icosphere(subdivisions: 1), format: .plyBinary)
        #expect(throws: SiderError.self) { try MeshIO.decode(good.prefix(good.count - 5), name: "cut.ply") }
        let text = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n3 0 1 2\n"
        #expect(throws: SiderError.self) { try MeshIO.decode(Data(text.utf8), name: "idx.ply") }
        #expect(throws: SiderError.self) { try MeshIO.decode(Data("ply\nformat foo 1.0\nend_header\n".utf8), name: "f.ply") }
    }

    @Test func loadsJamesScan() throws {
        let url = DataPaths.scan("james.obj")
        try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) missing: run scripts/install-deps")
        let m = try MeshIO.load(url)
        #expect(m.vertices.count == 6393)
        #expect(m.faces.count == 12228)
        // The scan's uv seams (6680 vt for 6393 v) leave per-vertex uvs undefined; corner uvs load.
        #expect(m.uvs == nil)
        let (m2, corners) = try MeshIO.loadOBJWithCornerUVs(url)
        #expect(m2 == m)
        let uv = try #require(corners)
        #expect(uv.count == 3 * m.faces.count)
        #expect(uv.allSatisfy { $0.x >= 0 && $0.x <= 1 && $0.y >= 0 && $0.y <= 1 })
        let box = m.boundingBox
        #expect(box.diagonal > 100 && box.diagonal < 1000) // millimetres, a head-sized scan
    }
}

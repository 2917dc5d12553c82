import Foundation
import HostileInputs
import SiderCore
import Testing
@testable import Geometry

/// Mesh files whose header promises more than their body holds.
@Suite("Hostile mesh files")
struct HostileMeshTests {
    static func expectError(_ data: Data, format: MeshIO.Format, mentioning text: String) {
        do {
            _ = try MeshIO.decode(data, name: "x.ply", format: format)
            Issue.record("expected an error mentioning '\(text)'")
        } catch let e as SiderError {
            #expect(e.message.contains(text), "\(e.message)")
        } catch {
            Issue.record("expected a SiderError, got \(error)")
        }
    }

    /// `sider sdf` and `sider eval` aborted with "failed to allocate 34359738400 bytes": the
    /// header's 2³¹ vertices were reserved before being checked against the file's size.
    @Test func headerCountsBeyondTheBodyAreRefusedBeforeAllocating() {
        for binary in [false, true] {
            Self.expectError(HostileInputs.hugePLY(binary: binary), format: .plyBinary, mentioning: "too short for them")
        }
        // Counts whose byte size overflows.
        Self.expectError(HostileInputs.hugePLY(vertices: Int.max / 4, binary: true), format: .plyBinary, mentioning: "too short")
        // The same body with honest counts reads.
        for binary in [false, true] {
            #expect((try? MeshIO.decode(HostileInputs.hugePLY(vertices: 3, faces: 1, binary: binary), format: .plyBinary))?.vertices.count == 3)
        }
    }

    @Test func listCountsMustBeIntegersAndIndicesFinite() {
        let floatCount = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list float int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n1e300 0 1 2\n"
        Self.expectError(Data(floatCount.utf8), format: .plyBinary, mentioning: "bad list types")
        var nanIndex = [UInt8]("ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar float vertex_indices\nend_header\n".utf8)
        nanIndex += [UInt8](repeating: 0, count: 36) + [3] + [0, 0, 0xC0, 0x7F] + [0, 0, 0, 0] + [0, 0, 0x80, 0x3F]
        Self.expectError(Data(nanIndex), format: .plyBinary, mentioning: "bad vertex index")
    }
}

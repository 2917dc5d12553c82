import Foundation
import Geometry

/// A mesh as the report's viewer takes it: base64 little-endian typed arrays, in three.js's
/// frame (y up, z towards the viewer: camera coordinates (x, y, z) ↦ (x, −y, −z), a rotation,
/// so the winding is kept), centred on `centre`. Vertices are split where a vertex has two
/// texture coordinates (UV seams), as WebGL needs one attribute set per index.
struct ViewerPayload: Encodable {
    var positions: String   // Float32 × 3
    var uvs: String?        // Float32 × 2
    var indices: String     // Uint32 × 3
    var vertexCount: Int
    var triangleCount: Int

    init(mesh: TriangleMesh, cornerUVs: [SIMD2<Float>]?, centre: SIMD3<Float>) {
        var positions: [Float] = [], uvs: [Float] = [], indices: [UInt32] = []
        if let cornerUVs {
            var slot: [SIMD3<UInt32>: UInt32] = [:]
            for (f, face) in mesh.faces.enumerated() {
                for (c, v) in [face.x, face.y, face.z].enumerated() {
                    let t = cornerUVs[3 * f + c]
                    let key = SIMD3(UInt32(v), t.x.bitPattern, t.y.bitPattern)
                    if let k = slot[key] { indices.append(k); continue }
                    let k = UInt32(positions.count / 3)
                    slot[key] = k
                    let p = mesh.vertices[Int(v)] - centre
                    positions += [p.x, -p.y, -p.z]
                    uvs += [t.x, t.y]
                    indices.append(k)
                }
            }
        } else {
            for v in mesh.vertices { let p = v - centre; positions += [p.x, -p.y, -p.z] }
            for f in mesh.faces { indices += [UInt32(f.x), UInt32(f.y), UInt32(f.z)] }
        }
        self.positions = ViewerPayload.base64(positions)
        self.uvs = cornerUVs == nil ? nil : ViewerPayload.base64(uvs)
        self.indices = ViewerPayload.base64(indices)
        vertexCount = positions.count / 3
        triangleCount = indices.count / 3
    }

    static func base64<T: FixedWidthInteger>(_ values: [T]) -> String {
        values.map { $0.littleEndian }.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    static func base64(_ values: [Float]) -> String { base64(values.map(\.bitPattern)) }
}

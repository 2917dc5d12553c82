import Foundation
import Geometry
import ImageIO
import SiderCore

/// A ground-truth scan with its texture: the mesh (one position per vertex, as `MeshIO` reads
/// it), texture coordinates per triangle corner, and the texture image used as albedo.
///
/// Scans such as `james.obj` have UV seams (6 680 `vt` records for 6 393 vertices), which a
/// per-vertex `TriangleMesh.uvs` cannot hold without splitting vertices — and splitting would
/// change the vertex set the NoW metric measures from. So the corners' texture coordinates are
/// read here from the OBJ's `vt` records and `f v/vt` corners (polygons fanned exactly as
/// `MeshIO` does: (v₀, vᵢ, vᵢ₊₁)); OBJ's v axis points up, image rows down.
public struct TexturedScan: Sendable {
    public var mesh: TriangleMesh
    /// 3 per face: corner k of face f at index 3f + k.
    public var cornerUVs: [SIMD2<Float>]
    public var texture: RGBImage

    public init(mesh: TriangleMesh, cornerUVs: [SIMD2<Float>], texture: RGBImage) throws {
        guard cornerUVs.count == 3 * mesh.faces.count else {
            throw SiderError(.badInput, "\(cornerUVs.count) corner texture coordinates for \(mesh.faces.count) faces")
        }
        guard texture.width > 0, texture.height > 0 else { throw SiderError(.badInput, "empty scan texture") }
        self.mesh = mesh
        self.cornerUVs = cornerUVs
        self.texture = texture
    }

    /// Loads `obj` with MeshIO and its texture `image` (default: the OBJ's name with `.jpg`).
    public static func load(obj: URL, texture image: URL? = nil) throws -> TexturedScan {
        let mesh = try MeshIO.load(obj)
        let data = try AtomicFile.read(obj)
        let uvs = try cornerTextureCoordinates(data, name: obj.lastPathComponent)
        guard uvs.count == 3 * mesh.faces.count else {
            throw SiderError(.badInput, "\(obj.lastPathComponent): \(uvs.count / 3) textured triangles but \(mesh.faces.count) faces (every face corner needs a v/vt index)")
        }
        let textureURL = image ?? obj.deletingPathExtension().appendingPathExtension("jpg")
        return try TexturedScan(mesh: mesh, cornerUVs: uvs, texture: try ImageDecoder.load(textureURL))
    }

    /// The corners' texture coordinates of every `f` record, fan-triangulated.
    static func cornerTextureCoordinates(_ data: Data, name: String) throws -> [SIMD2<Float>] {
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw SiderError(.badInput, "\(name): not text")
        }
        var vt: [SIMD2<Float>] = []
        var corners: [SIMD2<Float>] = []
        for (n, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let key = fields.first else { continue }
            if key == "vt" {
                guard fields.count >= 3, let u = Float(fields[1]), let v = Float(fields[2]) else {
                    throw SiderError(.badInput, "\(name):\(n + 1): bad vt record")
                }
                vt.append(SIMD2(u, v))
            } else if key == "f" {
                var poly: [SIMD2<Float>] = []
                for corner in fields.dropFirst() {
                    let parts = corner.split(separator: "/", omittingEmptySubsequences: false)
                    guard parts.count >= 2, let i = Int(parts[1]) else {
                        throw SiderError(.badInput, "\(name):\(n + 1): face corner '\(corner)' has no texture index")
                    }
                    let k = i > 0 ? i - 1 : vt.count + i
                    guard i != 0, k >= 0, k < vt.count else {
                        throw SiderError(.badInput, "\(name):\(n + 1): texture index \(i) out of range")
                    }
                    poly.append(vt[k])
                }
                guard poly.count >= 3 else { throw SiderError(.badInput, "\(name):\(n + 1): face with < 3 corners") }
                for i in 1..<(poly.count - 1) { corners += [poly[0], poly[i], poly[i + 1]] }
            }
        }
        return corners
    }
}

import Foundation
import Geometry
import ImageIO
import SiderCore

/// A ground-truth scan with its texture: the mesh (one position per vertex), texture
/// coordinates per triangle corner, and the texture image used as albedo.
///
/// Scans such as `james.obj` have UV seams (6 680 `vt` records for 6 393 vertices), which a
/// per-vertex `TriangleMesh.uvs` cannot hold without splitting vertices — and splitting would
/// change the vertex set the NoW metric measures from — so the corners' coordinates are kept
/// (`MeshIO.loadOBJWithCornerUVs`; OBJ's v axis points up, image rows down).
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

    /// Loads `obj` with its corner texture coordinates and its texture `image` (default: the
    /// OBJ's name with `.jpg`).
    public static func load(obj: URL, texture image: URL? = nil) throws -> TexturedScan {
        let (mesh, uvs) = try MeshIO.loadOBJWithCornerUVs(obj)
        guard let uvs else {
            throw SiderError(.badInput, "\(obj.lastPathComponent): not every face corner has a texture coordinate (v/vt)")
        }
        let textureURL = image ?? obj.deletingPathExtension().appendingPathExtension("jpg")
        return try TexturedScan(mesh: mesh, cornerUVs: uvs, texture: try ImageDecoder.load(textureURL))
    }
}

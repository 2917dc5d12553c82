import Foundation
import SiderCore

/// Loads and saves `TriangleMesh` files, choosing the format from the file extension:
/// `.obj` (Wavefront, see `OBJFormat`) or `.ply` (Stanford; read ascii/binary either endian,
/// written binary little-endian unless `.plyASCII` is asked for). Loaded meshes are validated
/// (indices in range, finite coordinates); errors are one-line `SiderError`s naming the file
/// (and the line, for OBJ). Saves are atomic.
public enum MeshIO {
    public enum Format: Sendable {
        case obj, plyBinary, plyASCII

        /// The format implied by a path's extension, or nil.
        public init?(url: URL) {
            switch url.pathExtension.lowercased() {
            case "obj": self = .obj
            case "ply": self = .plyBinary
            default: return nil
            }
        }
    }

    public static func load(_ url: URL) throws -> TriangleMesh {
        let data = try AtomicFile.read(url)
        return try decode(data, name: url.lastPathComponent, format: Format(url: url))
    }

    /// Parses mesh bytes; the format is `format` or, when nil, sniffed ("ply" magic, else OBJ).
    public static func decode(_ data: Data, name: String = "mesh", format: Format? = nil) throws -> TriangleMesh {
        let bytes = [UInt8](data)
        let isPLY: Bool
        if let f = format { isPLY = f != .obj } else { isPLY = bytes.starts(with: Array("ply".utf8)) }
        let mesh = isPLY ? try PLYFormat.read(bytes, name: name) : try OBJFormat.read(bytes, name: name).mesh
        try checkLoaded(mesh, name: name)
        return mesh
    }

    /// Loads an OBJ with the texture coordinates of every triangle corner (3 per face, in face
    /// order, OBJ's v axis up), for textured scans whose uv seams make per-vertex uvs impossible
    /// (`mesh.uvs` is then nil). `cornerUVs` is nil unless every face corner names a `vt`.
    public static func loadOBJWithCornerUVs(_ url: URL) throws -> (mesh: TriangleMesh, cornerUVs: [SIMD2<Float>]?) {
        let data = try AtomicFile.read(url)
        let name = url.lastPathComponent
        let result = try OBJFormat.read([UInt8](data), name: name)
        try checkLoaded(result.mesh, name: name)
        return result
    }

    private static func checkLoaded(_ mesh: TriangleMesh, name: String) throws {
        guard !mesh.vertices.isEmpty else { throw SiderError(.badInput, "\(name): no vertices (not a mesh file?)") }
        try mesh.validate(name: name)
    }

    /// Serialises `mesh` in `format`.
    public static func encode(_ mesh: TriangleMesh, format: Format) -> Data {
        switch format {
        case .obj: Data(OBJFormat.write(mesh))
        case .plyBinary: Data(PLYFormat.write(mesh, binary: true))
        case .plyASCII: Data(PLYFormat.write(mesh, binary: false))
        }
    }

    /// Writes `mesh` atomically; the format is `format` or the one implied by the extension.
    public static func save(_ mesh: TriangleMesh, to url: URL, format: Format? = nil) throws {
        guard let f = format ?? Format(url: url) else {
            throw SiderError(.unsupported, "cannot save mesh as '\(url.pathExtension)': use .obj or .ply")
        }
        try mesh.validate(name: url.lastPathComponent)
        try AtomicFile.write(encode(mesh, format: f), to: url)
    }
}

import Foundation
import Geometry
import SiderCore

/// A triangle mesh with a texture coordinate at every triangle corner (3 per face, face order,
/// OBJ's v axis up), so UV seams — a vertex with two coordinates, as in FLAME's layout — need no
/// vertex splitting in the geometry.
public struct UVMesh: Sendable, Equatable {
    public var mesh: TriangleMesh
    public var cornerUVs: [SIMD2<Float>]

    public init(mesh: TriangleMesh, cornerUVs: [SIMD2<Float>]) throws {
        guard cornerUVs.count == 3 * mesh.faces.count else {
            throw SiderError(.badInput, "UV layout has \(cornerUVs.count) corner coordinates for \(mesh.faces.count) triangles (need 3 each)")
        }
        guard cornerUVs.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw SiderError(.badInput, "UV layout has non-finite coordinates")
        }
        var m = mesh
        m.uvs = nil
        m.normals = nil
        self.mesh = m
        self.cornerUVs = cornerUVs
    }

    /// Per-vertex coordinates spread to the corners.
    public init(mesh: TriangleMesh, vertexUVs: [SIMD2<Float>]) throws {
        guard vertexUVs.count == mesh.vertices.count else {
            throw SiderError(.badInput, "UV layout has \(vertexUVs.count) coordinates for \(mesh.vertices.count) vertices")
        }
        try self.init(mesh: mesh, cornerUVs: mesh.faces.flatMap { [vertexUVs[Int($0.x)], vertexUVs[Int($0.y)], vertexUVs[Int($0.z)]] })
    }

    /// One level of midpoint subdivision, in `TriangleMesh.subdividedMidpoint`'s vertex and face
    /// order: triangle (a, b, c) becomes (a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca), and
    /// each child corner's coordinate is the midpoint of its parent corners' (exact for the
    /// affine map a triangle's UVs define).
    public func subdividedMidpoint() throws -> UVMesh {
        var uv: [SIMD2<Float>] = []
        uv.reserveCapacity(cornerUVs.count * 4)
        for f in 0..<mesh.faces.count {
            let a = cornerUVs[3 * f], b = cornerUVs[3 * f + 1], c = cornerUVs[3 * f + 2]
            let ab = 0.5 * (a + b), bc = 0.5 * (b + c), ca = 0.5 * (c + a)
            uv += [a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca]
        }
        return try UVMesh(mesh: mesh.subdividedMidpoint(), cornerUVs: uv)
    }

    /// The same triangles and coordinates on other vertex positions (same count).
    public func moved(to vertices: [SIMD3<Float>]) throws -> UVMesh {
        guard vertices.count == mesh.vertices.count else {
            throw SiderError(.badInput, "cannot move a \(mesh.vertices.count)-vertex mesh to \(vertices.count) positions")
        }
        var m = mesh
        m.vertices = vertices
        return try UVMesh(mesh: m, cornerUVs: cornerUVs)
    }

    /// The distinct texture coordinates and, per corner, the index of its own.
    public func uniqueUVs() -> (uvs: [SIMD2<Float>], cornerIndex: [Int32]) {
        var index: [SIMD2<UInt32>: Int32] = [:]
        var uvs: [SIMD2<Float>] = []
        let corners = cornerUVs.map { t -> Int32 in
            let key = SIMD2(t.x.bitPattern, t.y.bitPattern)
            if let k = index[key] { return k }
            let k = Int32(uvs.count)
            index[key] = k
            uvs.append(t)
            return k
        }
        return (uvs, corners)
    }

    /// Wavefront OBJ text: `mtllib`/`usemtl` when a material is given, `v`, `vt`, `f v/vt`.
    public func objText(materialLibrary: String?, material: String?) -> String {
        let (uvs, corner) = uniqueUVs()
        var out = "# written by SIDER-Swift: camera coordinates (OpenCV axes, metres), UVs with v up\n"
        out.reserveCapacity(mesh.vertices.count * 40 + uvs.count * 24 + mesh.faces.count * 36)
        if let materialLibrary { out += "mtllib \(materialLibrary)\n" }
        for v in mesh.vertices { out += "v \(v.x) \(v.y) \(v.z)\n" }
        for t in uvs { out += "vt \(t.x) \(t.y)\n" }
        if let material { out += "usemtl \(material)\n" }
        for (f, t) in mesh.faces.enumerated() {
            let c = (corner[3 * f] + 1, corner[3 * f + 1] + 1, corner[3 * f + 2] + 1)
            out += "f \(t.x + 1)/\(c.0) \(t.y + 1)/\(c.1) \(t.z + 1)/\(c.2)\n"
        }
        return out
    }

    /// Writes `url` (OBJ) atomically.
    public func saveOBJ(to url: URL, materialLibrary: String?, material: String?) throws {
        try mesh.validate(name: url.lastPathComponent)
        try AtomicFile.write(objText(materialLibrary: materialLibrary, material: material), to: url)
    }
}

import Foundation
import Geometry
import ImageIO
import SiderCore

/// The detail as maps over the coarse mesh, in UV space.
///
/// `detailed.obj` is the coarse mesh subdivided k times (vertices pᵢ, outward unit normals nᵢ
/// = area-weighted vertex normals, flipped if most point towards the vertex centroid) with
/// vertex i moved to qᵢ. Displacement dᵢ = (qᵢ − pᵢ)·nᵢ (metres), interpolated over each
/// triangle and stored as a 16-bit grey sample s = round((d/scale + midlevel)·65535),
/// midlevel ½, scale = 2·max|dᵢ| (so d = (s/65535 − ½)·scale; Blender's Displace modifier
/// with Midlevel 0.5 and Strength = scale). The pipeline moves vertices along nᵢ only, so the
/// tangential part of qᵢ − pᵢ is zero up to rounding (its maximum is recorded).
///
/// The normal map holds the detailed mesh's interpolated normal in the tangent frame of the
/// subdivided coarse mesh: T along +u, B along +v (OpenGL / Blender convention), N = nᵢ,
/// per vertex from the triangles' UV derivatives, Gram–Schmidt against N; RGB = (t + 1)/2.
struct DetailMaps {
    var displacement: [Float]   // metres, per texel (0 outside the layout)
    var tangentNormals: [SIMD3<Float>]
    var scale: Float
    var maxAbsDisplacement: Float
    var maxTangentialResidual: Float

    static let midlevel: Float = 0.5

    init(base: UVMesh, detailed: [SIMD3<Float>], raster: UVRaster) throws {
        let p = base.mesh.vertices
        guard detailed.count == p.count else {
            throw SiderError(.badInput, "detailed mesh has \(detailed.count) vertices, the subdivided coarse mesh \(p.count)")
        }
        let n = DetailMaps.outwardNormals(base.mesh)
        var d = [Float](repeating: 0, count: p.count)
        var residual: Float = 0
        for i in p.indices {
            let delta = detailed[i] - p[i]
            d[i] = dot(delta, n[i])
            residual = max(residual, length(delta - d[i] * n[i]))
        }
        let maxAbs = d.map(abs).max() ?? 0
        guard maxAbs.isFinite else { throw SiderError(.numerical, "detailed mesh has non-finite vertices") }
        scale = max(2 * maxAbs, 1e-9)
        maxAbsDisplacement = maxAbs
        maxTangentialResidual = residual

        let faces = base.mesh.faces
        var disp = raster.interpolate(d.map { SIMD2($0, 0) }, faces: faces, fill: .zero).map(\.x)
        // Tangent-space normals of the detailed surface.
        var detailedMesh = base.mesh
        detailedMesh.vertices = detailed
        let nd = DetailMaps.orient(detailedMesh.vertexNormals(), like: n)
        let (t, b) = DetailMaps.tangents(base, normals: n)
        let nT = raster.interpolate(nd, faces: faces, fill: .zero)
        let tT = raster.interpolate(t, faces: faces, fill: .zero)
        let bT = raster.interpolate(b, faces: faces, fill: .zero)
        let baseN = raster.interpolate(n, faces: faces, fill: .zero)
        var ts = (0..<nT.count).map { i -> SIMD3<Float> in
            guard raster.triangles[i] >= 0 else { return SIMD3(0, 0, 1) }
            let nn = normalize(baseN[i])
            let tt = normalize(tT[i] - dot(tT[i], nn) * nn)
            var bb = bT[i] - dot(bT[i], nn) * nn - dot(bT[i], tt) * tt
            bb = length(bb) > 0 ? normalize(bb) : cross(nn, tt)
            let v = SIMD3(dot(nT[i], tt), dot(nT[i], bb), dot(nT[i], nn))
            return length(v) > 0 ? normalize(v) : SIMD3(0, 0, 1)
        }
        let size = raster.size
        var valid = raster.covered
        var dv = disp.map { SIMD2($0, 0) }
        UVDilation.dilate(&dv, valid: &valid, size: size, passes: 8)
        disp = dv.map(\.x)
        valid = raster.covered
        UVDilation.dilate(&ts, valid: &valid, size: size, passes: 8)
        displacement = disp
        tangentNormals = ts.map { length($0) > 0 ? normalize($0) : SIMD3(0, 0, 1) }
    }

    /// 16-bit samples in [0, 1] for `PNGEncoder.encodeGray16`.
    var displacementSamples: [Float] { displacement.map { $0 / scale + DetailMaps.midlevel } }

    var normalImage: RGBImage {
        let side = Int(Double(tangentNormals.count).squareRoot())
        var pixels = [Float](repeating: 0, count: 3 * tangentNormals.count)
        for (i, n) in tangentNormals.enumerated() {
            let c: SIMD3<Float> = (n + SIMD3(repeating: 1)) * 0.5
            pixels[3 * i] = c.x; pixels[3 * i + 1] = c.y; pixels[3 * i + 2] = c.z
        }
        return RGBImage(width: side, height: side, pixels: pixels)
    }

    /// Decodes a sample of the 16-bit map back to metres.
    static func decode(sample: Float, scale: Float) -> Float { (sample - midlevel) * scale }

    /// Area-weighted vertex normals, all flipped when most point towards the vertex centroid
    /// (the rule `detailed.obj`'s vertices moved by: outward = away from the face's inside).
    static func outwardNormals(_ mesh: TriangleMesh) -> [SIMD3<Float>] {
        let n = mesh.vertexNormals()
        let centroid = mesh.vertices.reduce(SIMD3<Float>.zero, +) / Float(max(1, mesh.vertices.count))
        let facing = zip(mesh.vertices, n).reduce(Float(0)) { $0 + (dot($1.0 - centroid, $1.1) > 0 ? 1 : -1) }
        return facing < 0 ? n.map { -$0 } : n
    }

    /// `normals` flipped where they point against `reference` on average (same mesh winding).
    static func orient(_ normals: [SIMD3<Float>], like reference: [SIMD3<Float>]) -> [SIMD3<Float>] {
        let agree = zip(normals, reference).reduce(Float(0)) { $0 + dot($1.0, $1.1) }
        return agree < 0 ? normals.map { -$0 } : normals
    }

    /// Per-vertex tangent T (∂P/∂u) and bitangent B (∂P/∂v), summed over the triangles.
    static func tangents(_ m: UVMesh, normals: [SIMD3<Float>]) -> ([SIMD3<Float>], [SIMD3<Float>]) {
        var t = [SIMD3<Float>](repeating: .zero, count: m.mesh.vertices.count), b = t
        for (k, f) in m.mesh.faces.enumerated() {
            let p0 = m.mesh.vertices[Int(f.x)], p1 = m.mesh.vertices[Int(f.y)], p2 = m.mesh.vertices[Int(f.z)]
            let w0 = m.cornerUVs[3 * k], w1 = m.cornerUVs[3 * k + 1], w2 = m.cornerUVs[3 * k + 2]
            let e1 = p1 - p0, e2 = p2 - p0, d1 = w1 - w0, d2 = w2 - w0
            let det = d1.x * d2.y - d2.x * d1.y
            guard abs(det) > 1e-20 else { continue }
            let r = 1 / det
            let ft = (e1 * d2.y - e2 * d1.y) * r, fb = (e2 * d1.x - e1 * d2.x) * r
            for v in [f.x, f.y, f.z] { t[Int(v)] += ft; b[Int(v)] += fb }
        }
        return (t, b)
    }
}

import Geometry
import ImageIO

/// The texels of a scan's frontal face (`ScanFaceFrame.isFrontal`, all three corners of a
/// triangle), with their surface points. Each triangle is drawn in texture space (texel x = u·W,
/// y = (1 − v)·H, centres at + 0.5); a covered texel's surface point is the triangle's barycentric
/// combination of its vertices. A texel covered twice (a UV overlap) keeps its first triangle.
struct FrontalTexels {
    /// Texel index y·W + x, its surface point and the plane point of it.
    var texels: [(index: Int, point: SIMD3<Float>, plane: SIMD2<Float>)] = []
    /// Median surface length of one texel's side over the frontal triangles (scan units).
    var texelSize: Float = 0

    init(_ scan: TexturedScan, frame: ScanFaceFrame) {
        let w = scan.texture.width, h = scan.texture.height
        let mesh = scan.mesh
        let normals = mesh.vertexNormals()
        let frontal = mesh.vertices.indices.map { frame.isFrontal(mesh.vertices[$0], normal: normals[$0]) }
        var done = [Bool](repeating: false, count: w * h)
        var sizes: [Float] = []
        for (f, face) in mesh.faces.enumerated() {
            let idx = [Int(face.x), Int(face.y), Int(face.z)]
            guard idx.allSatisfy({ frontal[$0] }) else { continue }
            let t = (0..<3).map { k -> SIMD2<Float> in
                let uv = scan.cornerUVs[3 * f + k]
                return SIMD2(uv.x * Float(w), (1 - uv.y) * Float(h))
            }
            let v = idx.map { mesh.vertices[$0] }
            let area = Self.edge(t[0], t[1], t[2])
            guard abs(area) > 1e-12 else { continue }
            let e1 = v[1] - v[0], e2 = v[2] - v[0]
            let c = SIMD3(e1.y * e2.z - e1.z * e2.y, e1.z * e2.x - e1.x * e2.z, e1.x * e2.y - e1.y * e2.x)
            sizes.append(((c * c).sum().squareRoot() / abs(area)).squareRoot())
            let lo = pointwiseMin(t[0], pointwiseMin(t[1], t[2])), hi = pointwiseMax(t[0], pointwiseMax(t[1], t[2]))
            let x0 = max(0, Int((lo.x - 0.5).rounded(.up))), x1 = min(w - 1, Int((hi.x - 0.5).rounded(.down)))
            let y0 = max(0, Int((lo.y - 0.5).rounded(.up))), y1 = min(h - 1, Int((hi.y - 0.5).rounded(.down)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 where !done[y * w + x] {
                    let q = SIMD2(Float(x) + 0.5, Float(y) + 0.5)
                    let b = SIMD3(Self.edge(t[1], t[2], q), Self.edge(t[2], t[0], q), Self.edge(t[0], t[1], q)) / area
                    guard b.min() >= -1e-5 else { continue }
                    done[y * w + x] = true
                    let p = b.x * v[0] + b.y * v[1] + b.z * v[2]
                    texels.append((y * w + x, p, frame.plane(p)))
                }
            }
        }
        sizes.sort()
        texelSize = sizes.isEmpty ? 0 : sizes[sizes.count / 2]
    }

    static func edge(_ a: SIMD2<Float>, _ b: SIMD2<Float>, _ p: SIMD2<Float>) -> Float {
        (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
    }
}

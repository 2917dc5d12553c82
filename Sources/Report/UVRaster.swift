import Foundation
import Geometry
import SiderCore

/// Which triangle covers each texel of a square UV-space image, and where inside it.
///
/// Texel (i, j) has its centre at u = (i + ½)/size, v = 1 − (j + ½)/size (row 0 at the top, as
/// images are stored, OBJ's v up). Built with `Rasterizer` and an orthographic camera over the
/// corner coordinates mapped to texel space, so coverage follows the same pixel-centre rule as
/// every other image of the pipeline; barycentrics are then exact (affine).
struct UVRaster: Sendable {
    let size: Int
    /// Face index per texel, −1 where no triangle covers the centre.
    var triangles: [Int32]
    var barycentrics: [SIMD3<Float>]

    init(_ m: UVMesh, size: Int) throws {
        guard size > 0, size <= 8192 else { throw SiderError(.badInput, "map size \(size) is outside 1…8192") }
        let s = Float(size)
        let flat = m.cornerUVs.map { (t: SIMD2<Float>) -> SIMD3<Float> in SIMD3(t.x * s, (1 - t.y) * s, 0) }
        let faces = (0..<m.mesh.faces.count).map { (f: Int) -> SIMD3<Int32> in
            let k = Int32(3 * f)
            return SIMD3(k, k + 1, k + 2)
        }
        let camera = OrthographicCamera(scale: 1, offsetX: 0, offsetY: 0, width: size, height: size, rayOriginZ: -1)
        let raster = try Rasterizer(camera: camera, normalMode: .flat).render(TriangleMesh(vertices: flat, faces: faces))
        self.size = size
        triangles = raster.triangles
        barycentrics = raster.barycentrics
    }

    /// Σ bᵢ·values[cornerᵢ] per covered texel (corners: the mesh's vertex indices), `fill` elsewhere.
    func interpolate<T: SIMD>(_ values: [T], faces: [SIMD3<Int32>], fill: T) -> [T] where T.Scalar == Float {
        (0..<triangles.count).map { i in
            let t = triangles[i]
            guard t >= 0 else { return fill }
            let f = faces[Int(t)], b = barycentrics[i]
            return b.x * values[Int(f.x)] + b.y * values[Int(f.y)] + b.z * values[Int(f.z)]
        }
    }

    var covered: [Bool] { triangles.map { $0 >= 0 } }
}

/// Grows a map's valid texels into their empty neighbours (the mean of the valid ones among
/// the 8 around), `passes` times: a gutter so that bilinear sampling and mip-mapping at a UV
/// border never blend in the background, and — with many passes — the colour for texels the
/// camera did not see.
enum UVDilation {
    static func dilate<T: SIMD>(_ values: inout [T], valid: inout [Bool], size: Int, passes: Int) where T.Scalar == Float {
        for _ in 0..<passes {
            var next = values, nextValid = valid
            var grew = false
            for y in 0..<size {
                for x in 0..<size where !valid[y * size + x] {
                    var sum = T(), n: Float = 0
                    for dy in -1...1 {
                        let yy = y + dy
                        guard yy >= 0, yy < size else { continue }
                        for dx in -1...1 {
                            let xx = x + dx
                            guard xx >= 0, xx < size, valid[yy * size + xx] else { continue }
                            sum += values[yy * size + xx]; n += 1
                        }
                    }
                    if n > 0 { next[y * size + x] = sum / n; nextValid[y * size + x] = true; grew = true }
                }
            }
            values = next; valid = nextValid
            if !grew { break }
        }
    }

    /// Fills every invalid texel from the valid ones by push-pull: a pyramid of valid-weighted
    /// 2×2 means up to one texel (pull), then each invalid texel takes the bilinear value of the
    /// level above, from the coarsest level down (push). O(texels); smooth enough for regions no camera saw.
    static func pushPull<T: SIMD>(_ values: inout [T], valid: [Bool], size: Int) where T.Scalar == Float {
        var levels: [(values: [T], weight: [Float], size: Int)] = [(values, valid.map { $0 ? 1 : 0 }, size)]
        while levels.last!.size > 1 {
            let (v, w, s) = levels.last!
            let h = (s + 1) / 2
            var nv = [T](repeating: T(), count: h * h), nw = [Float](repeating: 0, count: h * h)
            for y in 0..<s { for x in 0..<s {
                let i = y * s + x, j = (y / 2) * h + x / 2
                nv[j] += w[i] * v[i]; nw[j] += w[i]
            } }
            for j in 0..<(h * h) where nw[j] > 0 { nv[j] /= nw[j]; nw[j] = 1 }
            levels.append((nv, nw, h))
        }
        for k in stride(from: levels.count - 2, through: 0, by: -1) {
            let parent = levels[k + 1], s = levels[k].size, ps = parent.size
            // Bilinear in the parent (texel centres), so the fill has no blocks.
            func at(_ x: Int, _ y: Int) -> T { parent.values[min(max(y, 0), ps - 1) * ps + min(max(x, 0), ps - 1)] }
            for y in 0..<s { for x in 0..<s where levels[k].weight[y * s + x] == 0 {
                let fx = (Float(x) + 0.5) / 2 - 0.5, fy = (Float(y) + 0.5) / 2 - 0.5
                let x0 = Int(fx.rounded(.down)), y0 = Int(fy.rounded(.down))
                let tx = fx - Float(x0), ty = fy - Float(y0)
                let top = at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx
                let bottom = at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx
                levels[k].values[y * s + x] = top * (1 - ty) + bottom * ty
                levels[k].weight[y * s + x] = 1
            } }
        }
        values = levels[0].values
    }
}

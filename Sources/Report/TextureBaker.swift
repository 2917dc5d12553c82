import Foundation
import Geometry
import ImageIO
import SiderCore

/// The photo (or an albedo image in the same frame) unwrapped into the mesh's UV space.
///
/// For each texel inside a triangle, the surface point P = Σ bᵢ·pᵢ of the detailed mesh is
/// projected by the crop camera; where the camera sees P (P.z no more than `depthTolerance`
/// behind the nearest surface of a z-buffer of the same mesh, and the triangle faces the camera
/// at more than a grazing angle) the texel is the image's bilinear colour there. Texels the
/// camera does not see take the colour of their nearest seen neighbours (`UVDilation`), so
/// the face's hidden sides continue its skin tone instead of showing black.
enum TextureBaker {
    /// Cosine below which a triangle is seen too obliquely to take the image's colour.
    static let grazingCosine: Float = 0.4

    static func bake(_ m: UVMesh, raster: UVRaster, image: RGBImage, camera: PinholeCamera) throws -> RGBImage {
        let mesh = m.mesh
        let zbuffer = try Rasterizer(camera: camera).render(mesh)
        let tolerance = 0.004 * mesh.boundingBox.diagonal
        let faceNormals = mesh.faces.map { f -> SIMD3<Float> in
            let a = mesh.vertices[Int(f.x)], b = mesh.vertices[Int(f.y)], c = mesh.vertices[Int(f.z)]
            let n = cross(b - a, c - a)
            let l = length(n)
            return l > 0 ? n / l : .zero
        }
        let size = raster.size, n = size * size
        var colour = [SIMD3<Float>](repeating: .zero, count: n)
        var seen = [Bool](repeating: false, count: n)
        for i in 0..<n {
            let t = raster.triangles[i]
            guard t >= 0 else { continue }
            let f = mesh.faces[Int(t)], b = raster.barycentrics[i]
            let p = b.x * mesh.vertices[Int(f.x)] + b.y * mesh.vertices[Int(f.y)] + b.z * mesh.vertices[Int(f.z)]
            guard p.z > 0 else { continue }
            let view = p / length(p)
            guard abs(dot(view, faceNormals[Int(t)])) > grazingCosine else { continue }
            let q = camera.project(p)
            let x = Int(q.x.rounded(.down)), y = Int(q.y.rounded(.down))
            guard x >= 0, y >= 0, x < zbuffer.width, y < zbuffer.height else { continue }
            guard p.z <= zbuffer.depth[y * zbuffer.width + x] + tolerance else { continue }
            colour[i] = image.sample(x: q.x * Float(image.width) / Float(camera.width),
                                     y: q.y * Float(image.height) / Float(camera.height))
            seen[i] = true
        }
        if !seen.contains(true) {
            throw SiderError(.badInput, "no texel of the mesh is seen by the crop camera (mesh and run.json's cameraCrop disagree?)")
        }
        // Unseen texels inside the layout from the seen ones, then a gutter around the layout.
        let inside = raster.covered
        var grown = colour
        UVDilation.pushPull(&grown, valid: seen, size: size)
        for i in 0..<n where !inside[i] { grown[i] = .zero }
        var valid = inside
        UVDilation.dilate(&grown, valid: &valid, size: size, passes: 8)
        return RGBImage(width: size, height: size, pixels: grown.flatMap { [$0.x, $0.y, $0.z] })
    }
}

import Geometry
import ImageIO
import SiderCore

/// Renders a textured scan as a photo-like ground-truth image with our own rasterizer, and
/// returns what the render is known to contain: true depth, camera-space normals, coverage
/// mask and the 68 landmarks projected into the image.
///
/// Image: the scan posed by `ScanScene.pose` is rasterized at `supersampling`× resolution;
/// each covered sample takes albedo from the texture at its perspective-correct corner-UV
/// interpolation uv = Σₖ bₖ·uvₖ (texel x = u·W, y = (1 − v)·H), the smooth camera-space normal
/// and its camera-space position, and is shaded by `SceneLighting`; uncovered samples show
/// the background. The supersampled image is area-averaged down (anti-aliasing). Depth,
/// normals and mask come from a second pass at the output resolution (one sample per pixel
/// centre, no averaging across silhouettes).
public enum ScanRenderer {
    public static func render(_ scan: TexturedScan, landmarks: FaceLandmarks3D, scene: ScanScene,
                              supersampling: Int = 2) throws -> GroundTruthRender {
        guard (1...4).contains(supersampling) else { throw SiderError(.badInput, "supersampling must be 1…4") }
        let posed = TriangleMesh(vertices: scene.pose.apply(scan.mesh.vertices), faces: scan.mesh.faces)
        let camera = scene.camera
        let hi = try Rasterizer(camera: camera.scaled(by: Float(supersampling))).render(posed)
        var image = shade(hi, scan: scan, scene: scene, camera: camera.scaled(by: Float(supersampling)))
        if supersampling > 1 { image = image.resized(width: scene.width, height: scene.height) }
        let geometry = try Rasterizer(camera: camera).render(posed)

        let lmCamera = scene.pose.apply(landmarks.points)
        let lm2D = lmCamera.map { camera.project($0) }
        // A landmark counts as visible when it projects inside the image and is not behind the
        // visible surface there (annotations sit up to a few mm off the scan surface, so the
        // tolerance is 8 % of the face-region radius).
        let tolerance = 0.08 * NoWFaceRegion(landmarks: landmarks).radius
        let visible = zip(lmCamera, lm2D).map { p, uv -> Bool in
            let x = Int(uv.x.rounded(.down)), y = Int(uv.y.rounded(.down))
            guard p.z > 0, x >= 0, y >= 0, x < scene.width, y < scene.height else { return false }
            let d = geometry.depth[y * scene.width + x]
            return !d.isFinite || p.z <= d + tolerance
        }
        return GroundTruthRender(scene: scene, image: image, depth: geometry.depth, normals: geometry.normals,
                                 mask: geometry.mask, landmarks2D: lm2D, landmarksCamera: lmCamera,
                                 landmarkVisible: visible, landmarkLayout: landmarks.layout)
    }

    /// Shades every pixel of `raster` (see the type's comment).
    static func shade(_ raster: RasterOutput, scan: TexturedScan, scene: ScanScene, camera: PinholeCamera) -> RGBImage {
        let w = raster.width, h = raster.height
        var image = scene.background.image(width: w, height: h)
        let lighting = scene.lighting
        let texture = scan.texture
        let tw = Float(texture.width), th = Float(texture.height)
        image.pixels.withUnsafeMutableBufferPointer { pb in
            let out = SendablePointer(pb.baseAddress!)
            scan.cornerUVs.withUnsafeBufferPointer { ub in
                let uvs = SendableConstPointer(ub.baseAddress!)
                parallelFor(h, minChunk: 8) { rows in
                    for y in rows {
                        for x in 0..<w {
                            let i = y * w + x
                            let f = Int(raster.triangles[i])
                            guard f >= 0 else { continue }
                            let b = raster.barycentrics[i]
                            let uv = b.x * uvs[3 * f] + b.y * uvs[3 * f + 1] + b.z * uvs[3 * f + 2]
                            let albedo = texture.sample(x: uv.x * tw, y: (1 - uv.y) * th)
                            let p = camera.unproject(SIMD2(Float(x) + 0.5, Float(y) + 0.5), depth: raster.depth[i])
                            let c = lighting.shade(albedo: albedo, normal: raster.normals[i], position: p)
                            out[3 * i] = c.x; out[3 * i + 1] = c.y; out[3 * i + 2] = c.z
                        }
                    }
                }
            }
        }
        return image
    }
}

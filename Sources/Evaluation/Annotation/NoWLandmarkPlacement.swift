import Geometry
import SiderCore

/// The seven NoW landmarks of a predicted mesh from the pipeline's 68 image landmarks: each
/// NoW point's camera ray is cast onto the mesh (`LandmarkBackProjection`); where it misses —
/// the eye corners sit on the rim of the prior's eye holes, and the detailed mesh's holes at the
/// eyes and mouth are wider — the landmark is the surface point seen at the nearest pixel the
/// mesh covers (within `searchRadius` pixels), the same rule for every mesh. Used by the
/// quality benchmark and by `sider batch --now-submission`.
public enum NoWLandmarkPlacement {
    /// The seven landmarks (NoW order, `camera`'s frame) and how many needed the fallback.
    public static func place(points68: [SIMD2<Float>], camera: PinholeCamera, mesh: TriangleMesh,
                             searchRadius: Int = 40) throws -> (landmarks: FaceLandmarks3D, fallbacks: Int) {
        guard points68.count == 68 else {
            throw SiderError(.badInput, "NoW landmarks need the 68 iBUG image landmarks, got \(points68.count)")
        }
        let pixels = FaceLandmarks3D.nowIndices.map { points68[$0] }
        let hits = try LandmarkBackProjection.backProject(pixels, camera: camera, mesh: mesh)
        guard hits.contains(where: { $0 == nil }) else { return (try FaceLandmarks3D(now7: hits.compactMap { $0 }), 0) }
        let raster = try Rasterizer(camera: camera).render(mesh)
        var fallbacks = 0
        let seven = try hits.enumerated().map { k, hit -> SIMD3<Float> in
            if let hit { return hit }
            fallbacks += 1
            guard let p = nearestCovered(pixels[k], raster: raster, camera: camera, radius: searchRadius) else {
                throw SiderError(.badInput, "NoW landmark \(FaceLandmarks3D.nowIndices[k]) is more than \(searchRadius) px off the mesh")
            }
            return p
        }
        return (try FaceLandmarks3D(now7: seven), fallbacks)
    }

    /// The camera-space point at the covered pixel of `raster` nearest `p`, nil if none is
    /// within `radius` pixels.
    static func nearestCovered(_ p: SIMD2<Float>, raster: RasterOutput, camera: PinholeCamera, radius: Int) -> SIMD3<Float>? {
        guard p.x.isFinite, p.y.isFinite else { return nil }
        let cx = Int(p.x.rounded(.down)), cy = Int(p.y.rounded(.down))
        let x0 = max(0, cx - radius), x1 = min(raster.width - 1, cx + radius)
        let y0 = max(0, cy - radius), y1 = min(raster.height - 1, cy + radius)
        guard x0 <= x1, y0 <= y1 else { return nil }
        var best: (d: Float, i: Int, x: Int, y: Int)?
        for y in y0...y1 {
            for x in x0...x1 where raster.mask[y * raster.width + x] {
                let offset = PinholeCamera.pixelCentre(x: x, y: y) - p
                let d = (offset * offset).sum()
                if d <= Float(radius * radius), d < (best?.d ?? .infinity) { best = (d, y * raster.width + x, x, y) }
            }
        }
        guard let best else { return nil }
        return camera.unproject(PinholeCamera.pixelCentre(x: best.x, y: best.y), depth: raster.depth[best.i])
    }
}

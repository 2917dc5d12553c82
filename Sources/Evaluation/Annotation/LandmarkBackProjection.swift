import Foundation
import Geometry
import SiderCore

/// 3D landmarks of a predicted mesh from the pipeline's 2D landmarks: each image landmark
/// (u, v) is back-projected along its camera ray, origin + t·direction = `camera.ray(through:)`,
/// and placed at the ray's first hit on the mesh (BVH ray cast, both triangle sides), the mesh
/// being in that camera's frame (as the pipeline writes it). A ray that misses (a landmark
/// outside the reconstructed surface) leaves its landmark undefined; the NoW metric needs only
/// the seven NoW points (eye corners, nose bottom, mouth corners), which lie well inside a face
/// reconstruction.
public enum LandmarkBackProjection {
    /// Hit points, nil where a ray misses.
    public static func backProject(_ points2D: [SIMD2<Float>], camera: any Camera, mesh: TriangleMesh) throws -> [SIMD3<Float>?] {
        let bvh = try MeshBVH(mesh)
        return points2D.map { p in
            guard p.x.isFinite, p.y.isFinite else { return nil }
            let ray = camera.ray(through: p)
            return bvh.intersect(origin: ray.origin, direction: ray.direction)?.point
        }
    }

    /// 68 iBUG image landmarks → 3D landmarks on `mesh`: all 68 when every ray hits, else the
    /// seven NoW points; throws naming the missing NoW landmarks otherwise.
    public static func landmarks(ibug68 points2D: [SIMD2<Float>], camera: any Camera, mesh: TriangleMesh) throws -> FaceLandmarks3D {
        guard points2D.count == 68 else {
            throw SiderError(.badInput, "back-projection needs the 68 iBUG image landmarks, got \(points2D.count)")
        }
        let hits = try backProject(points2D, camera: camera, mesh: mesh)
        let all = hits.compactMap { $0 }
        if all.count == 68 { return try FaceLandmarks3D(ibug68: all) }
        let missing = FaceLandmarks3D.nowIndices.filter { hits[$0] == nil }
        guard missing.isEmpty else {
            throw SiderError(.badInput, "image landmarks \(missing.map(String.init).joined(separator: ", ")) do not fall on the predicted mesh (wrong camera or mesh frame?)")
        }
        return try FaceLandmarks3D(now7: FaceLandmarks3D.nowIndices.map { hits[$0]! })
    }
}

/// Reading 2D landmarks and cameras for back-projection.
///
/// 2D landmarks: the pipeline's / `sider landmarks`' `landmarks.json` (`"points68": [[x, y], …]`
/// in image pixels, centres at integer + 0.5), `render-scan`'s `scene.json` (`"landmarks2D"`),
/// or a JSON array of [x, y].
/// Cameras: a JSON object with `fx`, `fy`, `cx`, `cy`, `width`, `height` at the top level or under
/// `"camera"` or `"scene"` (so `render-scan`'s `scene.json` works).
public enum ImageLandmarkFile {
    public static func load(_ url: URL) throws -> [SIMD2<Float>] {
        let data = try AtomicFile.read(url)
        guard let root = try? JSONSerialization.jsonObject(with: data) else {
            throw SiderError(.badInput, "\(url.lastPathComponent): not JSON")
        }
        let array: Any?
        if let a = root as? [Any] { array = a } else if let o = root as? [String: Any] {
            array = o["points68"] ?? o["landmarks2D"] ?? o["points"]
        } else { array = nil }
        guard let items = array as? [Any] else {
            throw SiderError(.badInput, "\(url.lastPathComponent): no 2D landmark array (points68, landmarks2D or a top-level array)")
        }
        return try items.enumerated().map { i, item in
            guard let xy = item as? [Any], xy.count >= 2, let x = (xy[0] as? NSNumber)?.floatValue,
                  let y = (xy[1] as? NSNumber)?.floatValue else {
                throw SiderError(.badInput, "\(url.lastPathComponent): landmark \(i) is not [x, y]")
            }
            return SIMD2(x, y)
        }
    }

    public static func loadCamera(_ url: URL) throws -> PinholeCamera {
        let data = try AtomicFile.read(url)
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SiderError(.badInput, "\(url.lastPathComponent): not a JSON object")
        }
        for candidate in [root, root["camera"] as? [String: Any], root["scene"] as? [String: Any]] {
            guard let o = candidate else { continue }
            func number(_ k: String) -> Float? { (o[k] as? NSNumber)?.floatValue }
            if let fx = number("fx"), let fy = number("fy"), let cx = number("cx"), let cy = number("cy") {
                guard fx > 0, fy > 0, fx.isFinite, fy.isFinite else {
                    throw SiderError(.badInput, "\(url.lastPathComponent): focal lengths must be positive")
                }
                let width = number("width") ?? 2 * cx, height = number("height") ?? 2 * cy
                guard cx.isFinite, cy.isFinite, width >= 1, height >= 1, width <= 1_048_576, height <= 1_048_576 else {
                    throw SiderError(.badInput, "\(url.lastPathComponent): implausible camera size or centre")
                }
                let w = Int(width), h = Int(height)
                return PinholeCamera(fx: fx, fy: fy, cx: cx, cy: cy, width: w, height: h)
            }
        }
        throw SiderError(.badInput, "\(url.lastPathComponent): no fx, fy, cx, cy (top level, camera or scene)")
    }
}

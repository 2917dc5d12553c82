import Geometry
import ImageIO
import Landmarks
import MorphableModels
import SiderCore
import SiderPipeline

/// The reconstruction's front end on one render, as `sider reconstruct` runs it on a user's
/// photo (`FaceFrontEnd`: landmarks, crop, coarse prior, the photo camera the pipeline assumes —
/// nothing about the render's true camera is used), plus what the scoring needs from it: the
/// 68 landmarks and the NoW landmarks cast onto a mesh in that camera's frame.
public struct QualityFrontEnd: Sendable {
    /// The pipeline's 68 iBUG landmarks, photo pixels (centres at integer + 0.5).
    public var points68: [SIMD2<Float>]
    /// The square crop the front end placed around the 468 face-mesh points.
    public var crop: FaceCrop
    /// The camera the pipeline assumes for the photo; both meshes are in its frame (metres).
    public var camera: PinholeCamera
    /// The coarse prior mesh (the "coarse" result of `bench quality`).
    public var coarseMesh: TriangleMesh
    /// Eyes and inner mouth, photo pixels.
    public var excludedRegions: [[SIMD2<Float>]]
    /// Which prior `coarseMesh` is (recorded in the reconstruction's run.json).
    public var coarsePrior: CoarsePriorRecord?

    public static let excludedLandmarkLoops = FaceFrontEnd.excludedLandmarkLoops

    public init(points68: [SIMD2<Float>], crop: FaceCrop, camera: PinholeCamera, coarseMesh: TriangleMesh,
                excludedRegions: [[SIMD2<Float>]], coarsePrior: CoarsePriorRecord? = nil) {
        self.points68 = points68; self.crop = crop; self.camera = camera; self.coarseMesh = coarseMesh
        self.excludedRegions = excludedRegions; self.coarsePrior = coarsePrior
    }

    /// The scoring's view of a front end's result.
    public init(_ front: FaceFrontEnd) {
        self.init(points68: front.landmarks.points68, crop: front.crop, camera: front.photoCamera,
                  coarseMesh: front.coarseMesh, excludedRegions: front.excludedRegions, coarsePrior: front.prior)
    }

    /// Detects the largest face of `photo`, takes its landmarks and lifts `prior` in the crop
    /// `crop` defines.
    public static func run(_ photo: RGBImage, landmarker: FaceLandmarker, crop: CropConfig,
                           prior: CoarsePrior = .landmarkMesh) throws -> QualityFrontEnd {
        QualityFrontEnd(try FaceFrontEnd.run(photo, landmarker: landmarker, crop: crop, prior: prior))
    }

    /// The detail stage's input for `photo` (the face region is the whole coarse mask).
    public func reconstructionInput(photo: RGBImage, name: String) -> ReconstructionInput {
        ReconstructionInput(photo: photo, photoCamera: camera, crop: crop, coarseMesh: coarseMesh,
                            excludedRegions: excludedRegions, coarsePrior: coarsePrior, name: name)
    }

    /// The seven NoW landmarks on `mesh` (in `camera`'s frame) and how many needed the fallback.
    /// Each image landmark's ray is cast onto the mesh (`LandmarkBackProjection`); where it
    /// misses — the eye corners sit on the rim of the prior's eye holes, and the detailed mesh's
    /// holes at the eyes and mouth are wider — the landmark is the surface point seen at the
    /// nearest pixel the mesh covers (within `searchRadius` pixels), the same rule for every mesh.
    public func nowLandmarks(on mesh: TriangleMesh, searchRadius: Int = 40) throws -> (landmarks: FaceLandmarks3D, fallbacks: Int) {
        let pixels = FaceLandmarks3D.nowIndices.map { points68[$0] }
        let hits = try LandmarkBackProjection.backProject(pixels, camera: camera, mesh: mesh)
        guard hits.contains(where: { $0 == nil }) else { return (try FaceLandmarks3D(now7: hits.compactMap { $0 }), 0) }
        let raster = try Rasterizer(camera: camera).render(mesh)
        var fallbacks = 0
        let seven = try hits.enumerated().map { k, hit -> SIMD3<Float> in
            if let hit { return hit }
            fallbacks += 1
            guard let p = nearestCovered(pixels[k], raster: raster, radius: searchRadius) else {
                throw SiderError(.badInput, "NoW landmark \(FaceLandmarks3D.nowIndices[k]) is more than \(searchRadius) px off the mesh")
            }
            return p
        }
        return (try FaceLandmarks3D(now7: seven), fallbacks)
    }

    /// The camera-space point at the covered pixel of `raster` nearest `p`, nil if none is
    /// within `radius` pixels.
    func nearestCovered(_ p: SIMD2<Float>, raster: RasterOutput, radius: Int) -> SIMD3<Float>? {
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

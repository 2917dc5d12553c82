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

    /// The seven NoW landmarks on `mesh` (in `camera`'s frame) and how many needed the fallback
    /// (`NoWLandmarkPlacement`).
    public func nowLandmarks(on mesh: TriangleMesh, searchRadius: Int = 40) throws -> (landmarks: FaceLandmarks3D, fallbacks: Int) {
        try NoWLandmarkPlacement.place(points68: points68, camera: camera, mesh: mesh, searchRadius: searchRadius)
    }
}

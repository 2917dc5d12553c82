import Foundation
import Geometry
import ImageIO
import Landmarks
import MorphableModels
import SiderCore

/// Which coarse prior the front end lifts in the face crop (paper Sect. 3.2).
public enum CoarsePrior: Sendable {
    /// MediaPipe's 468-point face mesh lifted along its pixel rays (`LandmarkMeshPrior`): no
    /// model file needed.
    case landmarkMesh
    /// FLAME fitted to the 68 landmarks (Eq. 3, `FLAMEFitter`); the fit's projection must be
    /// `.perspective`.
    case flame(FLAMEModel, LandmarkEmbedding, FitOptions)

    /// The name `run.json` records: "landmark mesh" or "FLAME".
    public var name: String {
        switch self {
        case .landmarkMesh: return "landmark mesh"
        case .flame: return "FLAME"
        }
    }

    /// Loads a FLAME model and its landmark embedding and checks that they belong together.
    /// - Parameter shapeComponents: leading `shapedirs` columns that are identity shape (FLAME: 300).
    public static func loadFLAME(model: URL, embedding: URL, shapeComponents: Int = 300,
                                 options: FitOptions = FitOptions()) throws -> CoarsePrior {
        for (url, what) in [(model, "FLAME model"), (embedding, "landmark embedding")]
        where !FileManager.default.fileExists(atPath: url.path) {
            throw SiderError(.missingFile, "\(what) not found: \(url.path)")
        }
        let flame = try FLAMEModel.load(contentsOf: model, shapeComponents: shapeComponents)
        let lmk = try LandmarkEmbedding.load(contentsOf: embedding)
        try lmk.validate(faceCount: flame.faces.count)
        return .flame(flame, lmk, options)
    }
}

/// What `run.json` records about the coarse prior.
public struct CoarsePriorRecord: Codable, Sendable, Equatable {
    /// "landmark mesh" or "FLAME".
    public var kind: String
    /// Distance in photo pixels between the 68 detected landmarks and the prior's own
    /// landmarks projected by the photo camera (FLAME without a contour embedding: the 51 inner).
    public var landmarkErrorMeanPx: Float
    public var landmarkErrorMaxPx: Float
    /// The fitted FLAME parameters (β, ψ, pose), nil for the landmark mesh.
    public var flameParameters: FLAMEParameters?

    public init(kind: String, landmarkErrorMeanPx: Float, landmarkErrorMaxPx: Float, flameParameters: FLAMEParameters? = nil) {
        self.kind = kind; self.landmarkErrorMeanPx = landmarkErrorMeanPx; self.landmarkErrorMaxPx = landmarkErrorMaxPx
        self.flameParameters = flameParameters
    }
}

/// The reconstruction's front end, shared by `sider reconstruct` and the quality benchmark:
/// photo → face detection and landmarks (`FaceLandmarker`) → the square crop around the 468
/// face-mesh points (`FaceCrop`, the config's margin and size) → the coarse prior in the crop's
/// camera → that camera carried back to the photo → the eye and inner-mouth polygons.
///
/// Math: both priors work in the crop under the same assumed pinhole camera, f = 2·size and the
/// principal point at the crop centre (`FitOptions`, `LandmarkMeshPrior`), and return the mesh
/// in that camera's coordinates (OpenCV axes, metres). The landmark mesh lifts the 468 points
/// mapped into the crop (z scaled by s like x and y); FLAME is fitted to the 68 landmarks
/// mapped into the crop. Camera coordinates are shared by both images, so the photo's camera is
/// the crop camera with the crop undone: f/s, c/s + origin (s = crop pixels per photo pixel).
/// The excluded regions are the eyes (iBUG 36–41, 42–47) and the inner mouth (60–67).
public struct FaceFrontEnd {
    /// The photo (EXIF-rotated, then turned upright when the face lay on its side), the
    /// detail stage's target.
    public var photo: RGBImage
    /// Degrees clockwise the photo was turned so that its face is upright (0, 90, 180, 270;
    /// `FaceLandmarker.runUpright`); every image and camera of the run is in the turned photo.
    public var photoRotationDegrees: Int
    /// The face's landmarks in photo pixels (centres at integer + 0.5).
    public var landmarks: FaceLandmarks
    /// The square crop the prior was lifted in, which every later stage works in.
    public var crop: FaceCrop
    /// The coarse mesh in camera coordinates (metres).
    public var coarseMesh: TriangleMesh
    public var cropCamera: PinholeCamera
    public var photoCamera: PinholeCamera
    /// Eyes and inner mouth (photo pixels); empty when they are kept.
    public var excludedRegions: [[SIMD2<Float>]]
    /// The prior's own 68 landmarks (51 for FLAME without a contour), photo pixels.
    public var priorLandmarks: [SIMD2<Float>]
    public var prior: CoarsePriorRecord

    /// iBUG index loops of the excluded regions: the two eyes and the inner mouth.
    public static let excludedLandmarkLoops: [ClosedRange<Int>] = [36...41, 42...47, 60...67]

    /// The next stages' input (`name` and `photoSHA256` for run.json; the pixels' hash by default).
    public func input(name: String = "photo", photoSHA256: String? = nil) -> ReconstructionInput {
        var input = ReconstructionInput(photo: photo, photoCamera: photoCamera, crop: crop, coarseMesh: coarseMesh,
                                        excludedRegions: excludedRegions, faceRegion: faceRegion, coarsePrior: prior,
                                        name: name, photoSHA256: photoSHA256)
        input.photoRotationDegrees = photoRotationDegrees
        return input
    }

    /// The face region, photo pixels: the convex hull of the landmark-mesh prior's vertices (the
    /// 468 face-mesh points and its forehead extension), or with FLAME of the 468 points (forehead
    /// to chin, cheek to cheek), to which FLAME's head is cut.
    public var faceRegion: [SIMD2<Float>]

    /// How far the landmark-mesh prior extends the forehead above MediaPipe's mesh, as a fraction
    /// of the face height (`LandmarkMeshPrior.extendForehead`): the mesh ends mid-forehead, below
    /// most forehead lines.
    public static let foreheadExtension: Float = 0.12

    /// Detects face `face` of `photo` (nil: the largest) and builds the front end on it.
    public static func run(_ photo: RGBImage, landmarker: FaceLandmarker, face: Int? = nil, crop: CropConfig,
                           prior: CoarsePrior = .landmarkMesh, excludeEyesAndMouth: Bool = true) throws -> FaceFrontEnd {
        let found = try landmarker.runUpright(photo, face: face)
        return try FaceFrontEnd(photo: found.photo, landmarks: found.landmarks, crop: crop, prior: prior,
                                excludeEyesAndMouth: excludeEyesAndMouth, photoRotationDegrees: found.rotationDegrees)
    }

    /// Builds the front end on landmarks already found in `photo` (already turned by
    /// `photoRotationDegrees`, which is only recorded).
    public init(photo: RGBImage, landmarks: FaceLandmarks, crop config: CropConfig, prior: CoarsePrior = .landmarkMesh,
                excludeEyesAndMouth: Bool = true, photoRotationDegrees: Int = 0) throws {
        guard landmarks.points68.count == 68, landmarks.points468.count == FaceMeshTopology.vertexCount else {
            throw SiderError(.badInput, "the front end needs 468 + 68 landmarks, got \(landmarks.points468.count) + \(landmarks.points68.count)")
        }
        let size = config.size
        let points2D = landmarks.points468.map { SIMD2($0.x, $0.y) }
        let crop = try FaceCrop(points: points2D, margin: config.margin, size: size)
        let points68 = landmarks.points68.map(crop.toCrop)
        let lifted: (mesh: TriangleMesh, camera: FitCamera, landmarks: [SIMD2<Float>], parameters: FLAMEParameters?)
        switch prior {
        case .landmarkMesh:
            let inCrop = landmarks.points468.map { q -> SIMD3<Float> in
                let c = crop.toCrop(SIMD2(q.x, q.y))
                return SIMD3(c.x, c.y, q.z * crop.scale)
            }
            var options = LandmarkMeshPrior.Options()
            options.foreheadExtension = Self.foreheadExtension
            let (mesh, camera) = try LandmarkMeshPrior.build(points468: inCrop, triangles: try FaceMeshTopology.triangles(),
                                                             imageWidth: size, imageHeight: size, options: options)
            // The mesh's own iBUG points: `IBUG68` combinations of its first 468 vertices (MediaPipe's).
            let pinhole = try Self.pinhole(camera)
            let own = IBUG68.table.map { entry in
                pinhole.project(entry.reduce(SIMD3<Float>.zero) { $0 + $1.weight * mesh.vertices[$1.vertex] })
            }
            lifted = (mesh, camera, own, nil)
        case .flame(let model, let embedding, let options):
            guard options.projection == .perspective else {
                throw SiderError(.unsupported, "the front end needs a perspective FLAME fit (the detail stage renders with a pinhole camera)")
            }
            let fit = try FLAMEFitter(model: model, embedding: embedding, options: options)
                .fit(landmarks: points68.map { SIMD2(Double($0.x), Double($0.y)) }, imageWidth: size, imageHeight: size)
            lifted = (fit.mesh, fit.camera, fit.projectedLandmarks.map { SIMD2(Float($0.x), Float($0.y)) }, fit.parameters)
        }
        let cropCamera = try Self.pinhole(lifted.camera)
        let priorLandmarks = lifted.landmarks.map(crop.toPhoto)
        // Compared with the 68 targets, or their 51 inner ones when that is all the prior has.
        let targets = Array(landmarks.points68.suffix(priorLandmarks.count))
        let errors = zip(priorLandmarks, targets).map { p, t in ((p - t) * (p - t)).sum().squareRoot() }
        guard !errors.isEmpty, errors.allSatisfy(\.isFinite) else {
            throw SiderError(.numerical, "the \(prior.name) prior's landmarks are not finite")
        }

        self.photo = photo
        self.photoRotationDegrees = photoRotationDegrees
        self.landmarks = landmarks
        self.crop = crop
        self.coarseMesh = lifted.mesh
        self.cropCamera = cropCamera
        self.photoCamera = crop.cameraInPhoto(cropCamera, width: photo.width, height: photo.height)
        self.excludedRegions = excludeEyesAndMouth
            ? Self.excludedLandmarkLoops.map { loop in loop.map { landmarks.points68[$0] } } : []
        self.priorLandmarks = priorLandmarks
        switch prior {
        case .landmarkMesh:
            self.faceRegion = PixelMask.convexHull(lifted.mesh.vertices.map { crop.toPhoto(cropCamera.project($0)) })
        case .flame:
            self.faceRegion = PixelMask.convexHull(points2D)
        }
        self.prior = CoarsePriorRecord(kind: prior.name, landmarkErrorMeanPx: errors.reduce(0, +) / Float(errors.count),
                                       landmarkErrorMaxPx: errors.max() ?? 0, flameParameters: lifted.parameters)
    }

    /// The fit's perspective camera as a `PinholeCamera`.
    private static func pinhole(_ c: FitCamera) throws -> PinholeCamera {
        guard c.projection == .perspective else { throw SiderError(.unsupported, "the front end needs a perspective camera") }
        return PinholeCamera(fx: Float(c.focalLength), fy: Float(c.focalLength), cx: Float(c.cx), cy: Float(c.cy),
                             width: c.width, height: c.height)
    }
}

/// Everything the front end knows about one face: what `sider landmarks` writes to
/// `landmarks.json` and what later stages (FLAME fitting, evaluation) consume.
///
/// All coordinates are pixels of the original (EXIF-rotated) image, continuous convention
/// (pixel (i, j) spans [i, i+1) × [j, j+1)); z of `points468` is in the same pixel scale,
/// smaller z = nearer the camera (MediaPipe's sign).
public struct FaceLandmarks: Sendable, Codable {
    public var imageWidth: Int
    public var imageHeight: Int
    /// The detection the mesh was computed from.
    public var detection: FaceDetection
    /// The 192×192 face-mesh crop in MediaPipe's pixel convention (centres at integers).
    public var crop: CropRect
    /// σ of the face mesh's presence logit.
    public var presenceScore: Float
    /// MediaPipe's 468 face-mesh vertices.
    public var points468: [SIMD3<Float>]
    /// The 68 iBUG / 300-W landmarks: dlib's regression trees started from the mesh
    /// (`DlibShapePredictor`), or the mesh mapping `IBUG68` alone; see `points68Source`.
    public var points68: [SIMD2<Float>]
    public var points68Source: Points68Source

    public var box: FaceBox { detection.box }
    public var detectionScore: Float { detection.score }

    public init(imageWidth: Int, imageHeight: Int, detection: FaceDetection, crop: CropRect,
                presenceScore: Float, points468: [SIMD3<Float>], points68: [SIMD2<Float>],
                points68Source: Points68Source) {
        self.imageWidth = imageWidth; self.imageHeight = imageHeight
        self.detection = detection; self.crop = crop; self.presenceScore = presenceScore
        self.points468 = points468; self.points68 = points68; self.points68Source = points68Source
    }
}

/// Where the 68 iBUG points come from.
public enum Points68Source: String, Sendable, Codable, CaseIterable {
    /// dlib's 68-point model run in the box fitted to the mesh mapping (the accurate source).
    case dlib
    /// The fitted 468→68 mesh mapping only (`IBUG68`).
    case meshMapping
}

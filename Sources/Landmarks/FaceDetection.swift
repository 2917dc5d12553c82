/// An axis-aligned box in image pixels (continuous coordinates: the image spans [0, W] × [0, H],
/// pixel (i, j) has its centre at (i + 0.5, j + 0.5)).
public struct FaceBox: Sendable, Equatable, Codable {
    public var xmin: Float
    public var ymin: Float
    public var width: Float
    public var height: Float

    public init(xmin: Float, ymin: Float, width: Float, height: Float) {
        self.xmin = xmin; self.ymin = ymin; self.width = width; self.height = height
    }

    public var xmax: Float { xmin + width }
    public var ymax: Float { ymin + height }
    public var center: SIMD2<Float> { SIMD2(xmin + width / 2, ymin + height / 2) }
    public var area: Float { max(0, width) * max(0, height) }

    /// Intersection over union |A ∩ B| / |A ∪ B| (0 when either box is empty).
    public func iou(_ other: FaceBox) -> Float {
        let iw = min(xmax, other.xmax) - max(xmin, other.xmin)
        let ih = min(ymax, other.ymax) - max(ymin, other.ymin)
        guard iw > 0, ih > 0 else { return 0 }
        let inter = iw * ih
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }

    /// The box moved by `d` and scaled about the origin by `s` (a similarity without rotation).
    func mapped(scale s: Float, offset d: SIMD2<Float>) -> FaceBox {
        FaceBox(xmin: xmin * s + d.x, ymin: ymin * s + d.y, width: width * s, height: height * s)
    }
}

/// One face found by BlazeFace: its box, six keypoints and sigmoid score.
///
/// Keypoints, in MediaPipe's order: 0 right eye, 1 left eye (the subject's right / left, so
/// 0 is on the image's left in a frontal photo), 2 nose tip, 3 mouth centre, 4 right ear
/// tragion, 5 left ear tragion. Coordinates are image pixels (continuous, see `FaceBox`).
public struct FaceDetection: Sendable, Equatable, Codable {
    public var box: FaceBox
    public var keypoints: [SIMD2<Float>]
    public var score: Float
    /// Which detector model found it.
    public var model: FaceDetectorModel

    public init(box: FaceBox, keypoints: [SIMD2<Float>], score: Float, model: FaceDetectorModel) {
        self.box = box; self.keypoints = keypoints; self.score = score; self.model = model
    }

    public static let keypointCount = 6
}

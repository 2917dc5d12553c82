/// The two BlazeFace variants MediaPipe ships and the decoding options of each
/// (from MediaPipe's `face_detection_short_range.pbtxt` / `face_detection_full_range.pbtxt`).
///
/// Both take a letterboxed RGB square with values in [−1, 1] and output, per SSD anchor, 16
/// regressors (box centre offset, width, height, six keypoints, all in input pixels relative to
/// the anchor centre) and one logit.
public enum FaceDetectorModel: String, Sendable, Codable, CaseIterable {
    /// 128×128 input, 896 anchors on 16×16 (stride 8) and 8×8 (stride 16) grids: faces within ~2 m.
    case shortRange
    /// 192×192 input, 2304 anchors on a 48×48 grid (stride 4): small, distant faces too.
    case fullRange

    public var fileName: String {
        switch self {
        case .shortRange: return "face_detection_short_range.tflite"
        case .fullRange: return "face_detection_full_range_sparse.tflite"
        }
    }

    /// Side of the square input tensor in pixels.
    public var inputSize: Int { self == .shortRange ? 128 : 192 }

    /// SSD anchor layout (MediaPipe's SsdAnchorsCalculator options for this model).
    var anchorOptions: SSDAnchors.Options {
        switch self {
        case .shortRange:
            return .init(inputSize: 128, strides: [8, 16, 16, 16], interpolatedScaleAspectRatio: 1)
        case .fullRange:
            return .init(inputSize: 192, strides: [4], interpolatedScaleAspectRatio: 0)
        }
    }

    /// Score threshold of MediaPipe's graph for this model (0.5 short range, 0.6 full range; the
    /// Python solution's `min_detection_confidence` does not reach the full-range graph).
    public var defaultMinScore: Float { self == .shortRange ? 0.5 : 0.6 }

    /// Number of anchors the model predicts for.
    public var anchorCount: Int { self == .shortRange ? 896 : 2304 }
}

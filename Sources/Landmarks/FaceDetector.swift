import Foundation
import ImageIO
import SiderCore
import TFLite

/// BlazeFace face detection as MediaPipe runs it: the whole image letterboxed into the model's
/// square input (black bars, values in [−1, 1]), SSD decoding against fixed anchors, sigmoid
/// scores, weighted non-maximum suppression (IoU > 0.3), and the boxes and keypoints mapped back
/// to image pixels.
public final class FaceDetector {
    public let model: FaceDetectorModel
    /// Detections scoring below this are dropped before suppression (default: the model's
    /// `defaultMinScore`, as MediaPipe's graphs set it).
    public var minScore: Float
    public var iouThreshold: Float = 0.3

    private let interpreter: Interpreter
    private let anchors: [SIMD2<Float>]
    private let regressorIndex: Int
    private let logitIndex: Int

    /// Loads `model`'s file from `directory` (default: the data cache, `DataPaths.models`).
    public convenience init(model: FaceDetectorModel, directory: URL = DataPaths.models, minScore: Float? = nil) throws {
        try self.init(model: model, file: directory.appendingPathComponent(model.fileName), minScore: minScore)
    }

    public init(model: FaceDetectorModel, file: URL, minScore: Float? = nil) throws {
        self.model = model
        self.minScore = minScore ?? model.defaultMinScore
        let tflite = try TFLiteModel(contentsOf: try DataPaths.require(file))
        let n = model.anchorCount
        let counts = tflite.outputs.map { $0.shape.reduce(1, *) }
        guard tflite.inputs.count == 1, tflite.inputs[0].shape.reduce(1, *) == model.inputSize * model.inputSize * 3,
              let r = counts.firstIndex(of: n * DetectionDecoder.coordsPerAnchor), let l = counts.firstIndex(of: n)
        else {
            throw SiderError(.badModel, "\(file.lastPathComponent) is not a \(model.inputSize)×\(model.inputSize) BlazeFace \(model.rawValue) model")
        }
        regressorIndex = r
        logitIndex = l
        interpreter = try Interpreter(model: tflite)
        anchors = SSDAnchors.centers(model.anchorOptions)
    }

    /// The letterbox crop: the whole image, padded to a centred square.
    static func letterbox(width: Int, height: Int) -> CropRect {
        let side = Float(max(width, height))
        return CropRect(center: SIMD2(Float(width) / 2, Float(height) / 2), size: SIMD2(side, side), rotation: 0)
    }

    /// Every face scoring at least `minScore`, best score first.
    public func detect(_ image: RGBImage) throws -> [FaceDetection] {
        try FaceLandmarker.validate(image)
        let rect = Self.letterbox(width: image.width, height: image.height)
        let input = rect.sample(image, side: model.inputSize, border: .zero, scale: 2, offset: -1)
        let outputs = try interpreter.invoke([input])
        guard outputs.count > max(regressorIndex, logitIndex) else {
            throw SiderError(.badModel, "face detector returned \(outputs.count) outputs")
        }
        let decoder = DetectionDecoder(anchors: anchors, inputSize: Float(model.inputSize), minScore: minScore)
        let candidates = try decoder.decode(regressors: outputs[regressorIndex], logits: outputs[logitIndex])
        let kept = WeightedNMS.run(candidates, iouThreshold: iouThreshold)
        // Normalised letterbox coordinates → MediaPipe pixels → our pixels (+0.5).
        let scale = rect.size.x
        let offset = rect.center - rect.size / 2 + 0.5
        return kept.map { c in
            FaceDetection(box: c.box.mapped(scale: scale, offset: offset),
                          keypoints: c.keypoints.map { $0 * scale + offset },
                          score: c.score, model: model)
        }
    }
}

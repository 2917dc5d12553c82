import Foundation
import ImageIO
import SiderCore
import TFLite

/// MediaPipe's 468-point face mesh model run on a rotated face crop.
///
/// The crop (see `FaceROI`) is resampled to 192×192 with values in [0, 1] and edge pixels
/// replicated outside the image. The model returns 468 × (x, y, z) in crop pixels and one logit
/// for face presence (score = σ(logit)). A crop point (x, y, z) maps back by
///   p = c + R(θ)·((x/192 − ½)·s, (y/192 − ½)·s),   z_image = z/192 · s
/// (s the crop side in image pixels), so z shares the pixel scale of x and y; as in MediaPipe,
/// smaller z is nearer the camera.
public final class FaceMesh {
    public static let inputSize = 192
    public static let pointCount = 468

    private let interpreter: Interpreter
    private let landmarkIndex: Int
    private let presenceIndex: Int

    public convenience init(directory: URL = DataPaths.models) throws {
        try self.init(file: directory.appendingPathComponent("face_landmark.tflite"))
    }

    public init(file: URL) throws {
        let tflite = try TFLiteModel(contentsOf: try DataPaths.require(file))
        let counts = tflite.outputs.map { $0.shape.reduce(1, *) }
        let side = Self.inputSize
        guard tflite.inputs.count == 1, tflite.inputs[0].shape.reduce(1, *) == side * side * 3,
              let l = counts.firstIndex(of: Self.pointCount * 3), let p = counts.firstIndex(of: 1)
        else {
            throw SiderError(.badModel, "\(file.lastPathComponent) is not MediaPipe's 192×192 face landmark model")
        }
        landmarkIndex = l
        presenceIndex = p
        interpreter = try Interpreter(model: tflite)
    }

    public struct Output: Sendable {
        /// 468 points: x, y in image pixels (centres at integer + 0.5), z in the same scale.
        public var points: [SIMD3<Float>]
        /// σ(logit) of the face-presence output, in [0, 1].
        public var presence: Float
    }

    /// Runs the model on `crop` of `image`.
    public func run(_ image: RGBImage, crop: CropRect) throws -> Output {
        let side = Self.inputSize
        let input = crop.sample(image, side: side, border: .replicate, scale: 1, offset: 0)
        let outputs = try interpreter.invoke([input])
        guard outputs.count > max(landmarkIndex, presenceIndex) else {
            throw SiderError(.badModel, "face landmark model returned \(outputs.count) outputs")
        }
        let raw = outputs[landmarkIndex]
        let logit = min(max(outputs[presenceIndex][0], -100), 100)
        var points: [SIMD3<Float>] = []
        points.reserveCapacity(Self.pointCount)
        let inv = 1 / Float(side)
        for i in 0..<Self.pointCount {
            let x = raw[3 * i], y = raw[3 * i + 1], z = raw[3 * i + 2]
            guard x.isFinite, y.isFinite, z.isFinite else {
                throw SiderError(.numerical, "face landmark model produced a non-finite point")
            }
            let p = crop.imagePoint(SIMD2(x * inv, y * inv)) + 0.5
            points.append(SIMD3(p.x, p.y, z * inv * crop.size.x))
        }
        return Output(points: points, presence: 1 / (1 + expf(-logit)))
    }
}

import Foundation
import ImageIO
import SiderCore

/// The whole front end on one photo: find faces (short- and/or full-range BlazeFace), pick one
/// (the largest unless told), run the face mesh on its rotated crop, derive the 68 iBUG points.
public final class FaceLandmarker {
    /// Which detectors run.
    public enum Detectors: String, Sendable, CaseIterable {
        /// Both models; full-range faces that no short-range face overlaps (IoU > 0.3) are added.
        case both
        /// Short range first, full range only when it finds nothing.
        case auto
        case shortRange
        case fullRange
    }

    /// Smallest image side accepted: below it no face could be resolved.
    public static let minimumSide = 16
    /// Face-mesh presence below this means the crop holds no face (MediaPipe's threshold).
    public static let minimumPresence: Float = 0.5

    public let detectors: Detectors
    private let shortRange: FaceDetector?
    private let fullRange: FaceDetector?
    private let mesh: FaceMesh

    public init(directory: URL = DataPaths.models, detectors: Detectors = .both, minScore: Float = 0.5) throws {
        self.detectors = detectors
        shortRange = detectors == .fullRange ? nil
            : try FaceDetector(model: .shortRange, directory: directory, minScore: minScore)
        fullRange = detectors == .shortRange ? nil
            : try FaceDetector(model: .fullRange, directory: directory, minScore: minScore)
        mesh = try FaceMesh(directory: directory)
    }

    /// Throws `.badInput` for images too small or empty to hold a face.
    public static func validate(_ image: RGBImage) throws {
        guard image.width >= minimumSide, image.height >= minimumSide else {
            throw SiderError(.badInput, "image is \(image.width)×\(image.height) pixels; at least \(minimumSide)×\(minimumSide) is needed to find a face")
        }
    }

    /// All faces found, largest box first.
    public func detectFaces(_ image: RGBImage) throws -> [FaceDetection] {
        try Self.validate(image)
        var faces: [FaceDetection] = []
        if let shortRange { faces = try shortRange.detect(image) }
        if let fullRange, detectors != .auto || faces.isEmpty {
            for f in try fullRange.detect(image) where !faces.contains(where: { $0.box.iou(f.box) > 0.3 }) {
                faces.append(f)
            }
        }
        return faces.sorted { $0.box.area > $1.box.area }
    }

    /// Face mesh and 68 points for one detection.
    public func landmarks(_ image: RGBImage, detection: FaceDetection) throws -> FaceLandmarks {
        let crop = FaceROI.crop(for: detection)
        let out = try mesh.run(image, crop: crop)
        guard out.presence >= Self.minimumPresence else {
            throw SiderError(.noFace, String(format: "the face mesh rejected the detected face (presence %.2f)", out.presence))
        }
        return FaceLandmarks(imageWidth: image.width, imageHeight: image.height, detection: detection,
                             crop: crop, presenceScore: out.presence, points468: out.points,
                             points68: IBUG68.points(from: out.points))
    }

    /// Detects, picks face `face` (index into the largest-first list; nil = the largest),
    /// and returns its landmarks together with every detection.
    public func run(_ image: RGBImage, face: Int? = nil) throws -> (faces: [FaceDetection], landmarks: FaceLandmarks) {
        let faces = try detectFaces(image)
        guard !faces.isEmpty else { throw SiderError(.noFace, "no face found in the image") }
        let index = face ?? 0
        guard faces.indices.contains(index) else {
            throw SiderError(.badInput, "face \(index) requested but \(faces.count) face\(faces.count == 1 ? " was" : "s were") found (valid: 0...\(faces.count - 1))")
        }
        return (faces, try landmarks(image, detection: faces[index]))
    }
}

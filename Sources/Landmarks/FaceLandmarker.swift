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
    /// Most re-crops for a face found by the full-range detector only.
    public static let maximumFullRangePasses = 8

    public let detectors: Detectors
    /// Extra face-mesh passes, each on the crop derived from the previous mesh (as MediaPipe
    /// does from frame to frame in a video). 0 reproduces MediaPipe's static-image mode.
    public var refinementPasses = 0
    private let shortRange: FaceDetector?
    private let fullRange: FaceDetector?
    private let mesh: FaceMesh
    private let shapePredictor: DlibShapePredictor?

    /// Which source of 68 points to use: `.automatic` takes dlib when its model file is present
    /// (`DlibShapePredictor.defaultFile`), else the mesh mapping.
    public enum Points68Choice: String, Sendable, CaseIterable { case automatic, dlib, meshMapping }

    public init(directory: URL = DataPaths.models, detectors: Detectors = .both, minScore: Float? = nil,
                points68: Points68Choice = .automatic) throws {
        self.detectors = detectors
        switch points68 {
        case .meshMapping: shapePredictor = nil
        case .dlib: shapePredictor = try DlibShapePredictor.shared()
        case .automatic:
            shapePredictor = FileManager.default.fileExists(atPath: DlibShapePredictor.defaultFile.path)
                ? try DlibShapePredictor.shared() : nil
        }
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
        var crop = FaceROI.crop(for: detection)
        var out = try mesh.run(image, crop: crop)
        // Full-range boxes and eye keypoints are not what the crop rule was made for (the
        // rotation can be off by 30°): re-crop from the mesh until the crop settles.
        let untilSettled = detection.model == .fullRange
        for _ in 0..<(untilSettled ? max(refinementPasses, Self.maximumFullRangePasses) : refinementPasses) {
            guard let next = FaceROI.crop(forMesh: out.points) else { break }
            let moved = next.center - crop.center
            let settled = abs(FaceROI.normalizedAngle(next.rotation - crop.rotation)) < 0.01
                && (moved * moved).sum().squareRoot() < 0.01 * crop.size.x
                && abs(next.size.x - crop.size.x) < 0.01 * crop.size.x
            if settled && untilSettled { break }
            crop = next
            out = try mesh.run(image, crop: crop)
        }
        guard out.presence >= Self.minimumPresence else {
            throw SiderError(.noFace, String(format: "the face mesh rejected the detected face (presence %.2f)", out.presence))
        }
        var points68 = IBUG68.points(from: out.points)
        var source = Points68Source.meshMapping
        if let shapePredictor,
           let refined = shapePredictor.refine(points68, in: image) {
            points68 = refined
            source = .dlib
        }
        return FaceLandmarks(imageWidth: image.width, imageHeight: image.height, detection: detection,
                             crop: crop, presenceScore: out.presence, points468: out.points,
                             points68: points68, points68Source: source)
    }

    /// Detects, picks face `face` (index into the largest-first list; nil = the largest face that
    /// the face mesh accepts), and returns its landmarks together with every detection.
    public func run(_ image: RGBImage, face: Int? = nil) throws -> (faces: [FaceDetection], landmarks: FaceLandmarks) {
        let faces = try detectFaces(image)
        guard !faces.isEmpty else { throw SiderError(.noFace, "no face found in the image") }
        if let index = face {
            guard faces.indices.contains(index) else {
                throw SiderError(.badInput, "face \(index) requested but \(faces.count) face\(faces.count == 1 ? " was" : "s were") found (valid: 0...\(faces.count - 1))")
            }
            return (faces, try landmarks(image, detection: faces[index]))
        }
        var firstError: SiderError? = nil
        for f in faces {
            do { return (faces, try landmarks(image, detection: f)) } catch let e as SiderError where e.kind == .noFace {
                firstError = firstError ?? e
            }
        }
        throw firstError ?? SiderError(.noFace, "no face found in the image")
    }
}

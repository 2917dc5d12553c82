import ArgumentParser
import Foundation
import ImageIO
import Landmarks
import SiderCore

/// `sider landmarks IMAGE [--face N] [--out DIR]`: face detection, 468-point mesh and 68 iBUG
/// points; writes `landmarks.json` and the overlay `landmarks.png`.
struct LandmarksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landmarks",
        abstract: "Detect faces and write the 468 mesh points and 68 iBUG points of one of them.")

    @Argument(help: "Photo (JPEG, PNG or PPM).")
    var image: String

    @Option(help: "Which face to use, 0-based in largest-first order (default: the largest).")
    var face: Int?

    @Option(help: "Output folder.")
    var out: String = "out/landmarks"

    @Flag(help: "Write into --out even if it holds files that sider did not write.")
    var force = false

    @Option(help: "Detectors to run: both, auto, shortRange, fullRange.")
    var detectors: String = FaceLandmarker.Detectors.both.rawValue

    /// What `landmarks.json` holds: all detections, the chosen face's landmarks, and units.
    struct Report: Encodable {
        var image: String
        var imageWidth: Int
        var imageHeight: Int
        var coordinates = "image pixels of the EXIF-rotated photo; pixel (i, j) spans [i, i+1) x [j, j+1); z in the same scale, smaller = nearer"
        var faces: [FaceDetection]
        var chosenFace: Int
        var box: FaceBox
        var detectionScore: Float
        var presenceScore: Float
        var points468: [SIMD3<Float>]
        var points68: [SIMD2<Float>]
        var points68Source: Points68Source
        var crop: CropRect
    }

    @Option(help: "Detection score threshold for both detectors (default: MediaPipe's, 0.5 short range, 0.6 full range).")
    var minScore: Float?

    @Option(help: "Source of the 68 points: automatic (dlib if its model is installed), dlib, meshMapping.")
    var points68: String = FaceLandmarker.Points68Choice.automatic.rawValue

    @Option(help: "Extra face-mesh passes on the crop derived from the previous mesh.")
    var refine: Int = 0

    func run() throws {
        try reportingErrors {
            guard let choice = FaceLandmarker.Detectors(rawValue: detectors) else {
                throw SiderError(.badInput, "unknown --detectors '\(detectors)' (use both, auto, shortRange or fullRange)")
            }
            if let face, face < 0 { throw SiderError(.badInput, "--face must be 0 or more") }
            let url = URL(fileURLWithPath: image)
            let photo = try ImageDecoder.load(url)
            guard let source = FaceLandmarker.Points68Choice(rawValue: points68) else {
                throw SiderError(.badInput, "unknown --points68 '\(points68)' (use automatic, dlib or meshMapping)")
            }
            if let minScore, !(0...1).contains(minScore) { throw SiderError(.badInput, "--min-score must be in 0...1") }
            let landmarker = try FaceLandmarker(detectors: choice, minScore: minScore, points68: source)
            landmarker.refinementPasses = max(0, refine)
            let (faces, lm) = try landmarker.run(photo, face: face)
            let chosen = faces.firstIndex(of: lm.detection) ?? 0
            let triangles = try FaceMeshTopology.triangles()
            let dir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "landmarks", force: force)
            let report = Report(image: url.path, imageWidth: photo.width, imageHeight: photo.height, faces: faces,
                                chosenFace: chosen, box: lm.box, detectionScore: lm.detectionScore,
                                presenceScore: lm.presenceScore, points468: lm.points468, points68: lm.points68,
                                points68Source: lm.points68Source, crop: lm.crop)
            try AtomicFile.writeJSON(report, to: dir.appendingPathComponent("landmarks.json"))
            let overlay = LandmarkOverlay.render(photo, faces: faces, landmarks: lm, triangles: triangles)
            try PNGEncoder.save(overlay, to: dir.appendingPathComponent("landmarks.png"))
            print(String(format: "%d face(s); face %d: box %.0f,%.0f %.0f×%.0f, score %.2f, presence %.2f, 68 points from %@ → %@",
                         faces.count, chosen, lm.box.xmin, lm.box.ymin, lm.box.width, lm.box.height,
                         lm.detectionScore, lm.presenceScore, lm.points68Source.rawValue, dir.path))
        }
    }
}

import ArgumentParser
import Foundation
import Geometry
import ImageIO
import Landmarks
import MorphableModels
import Report
import SiderCore
import SiderPipeline

/// `sider reconstruct IMAGE [--preset NAME | --config FILE] [--set key=value …] [--out DIR]`: the
/// whole SIDER job — the front end (`FaceFrontEnd`: detection → 468 + 68 landmarks → square face
/// crop → coarse mesh: the landmark-mesh prior, or FLAME fitted to the 68 landmarks with
/// `--flame`), then `Reconstruction.run` (coarse SDF, detail stage, outputs, run.json).
/// Ctrl-C stops at the end of the current step with a checkpoint; `--resume` continues it.
struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct", abstract: "Recover detailed face geometry from one photo (SIDER).")

    @Argument(help: "Input photo (JPEG, PNG, PPM). Default: the built-in sample obama2.jpg.")
    var image: String?

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "Output folder.")
    var out: String = "sider-out"

    @Flag(help: "Write into --out even if it holds files that sider did not write.")
    var force = false

    @Option(help: "Which detected face (0 = the largest).")
    var face: Int?

    @OptionGroup var flameOptions: FLAMEOptions

    @Flag(help: "Keep the eyes and the inside of the mouth in the face region.")
    var keepEyesAndMouth = false

    @Flag(help: "Continue an interrupted run from DIR/checkpoint.bin (same photo and config).")
    var resume = false

    func run() throws {
        try reportingErrors {
            let config = try configOptions.resolve()
            let url = try image.map { URL(fileURLWithPath: $0) } ?? DataPaths.require(DataPaths.samplePhoto)
            var clock = Stopwatch()
            let bytes = try AtomicFile.read(url)
            let photo = try ImageDecoder.decode(bytes, name: url.path)
            // Load FLAME first: a bad model file should fail before the slow front end.
            let prior = try flameOptions.coarsePrior()
            let outDir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "reconstruct", force: force)
            let found = try FaceLandmarker().runUpright(photo, face: face)
            let detectSeconds = clock.seconds
            clock.reset()
            let front = try FaceFrontEnd(photo: found.photo, landmarks: found.landmarks, crop: config.crop, prior: prior,
                                         excludeEyesAndMouth: !keepEyesAndMouth, photoRotationDegrees: found.rotationDegrees)
            if front.photoRotationDegrees != 0 {
                print("the face was not upright: photo turned \(front.photoRotationDegrees)° clockwise (all outputs are in the turned photo)")
            }
            print(String(format: "coarse prior: %@, landmark error %.1f px mean (%.1f max); config %@", front.prior.kind,
                         front.prior.landmarkErrorMeanPx, front.prior.landmarkErrorMaxPx, config.name))
            var input = front.input(name: url.path, photoSHA256: Digest.sha256Hex(bytes))
            input.earlierStages = [StageTime(stage: "landmarks", seconds: detectSeconds),
                                   StageTime(stage: "coarse mesh", seconds: clock.seconds)]
            var options = ReconstructionOptions(config: config, outputDirectory: outDir)
            options.resume = resume
            let report = try Reconstruction.run(input, options: options)
            // report.html and the textured export, from the files just written (not after an
            // interrupt in the coarse stage: there are no images yet).
            if report.interruptedIn != "coarse" { try RunReportPage.write(outputDirectory: outDir) }
            let total = report.stages.reduce(0) { $0 + $1.seconds }
            let times = report.stages.map { "\($0.stage) \(String(format: "%.1f", $0.seconds))s" }.joined(separator: ", ")
            defer { if report.stopReason == .interrupted { Foundation.exit(130) } }
            let last = report.lossCurve.last.map { String(format: "%.4f", $0.total) } ?? "-"
            print("\(report.stopReason == .interrupted ? "interrupted in the \(report.interruptedIn ?? "detail") stage" : "done") in \(String(format: "%.1f", total)) s (\(times)); \(report.iterations) iterations, final loss \(last); outputs in \(outDir.path)")
        }
    }
}

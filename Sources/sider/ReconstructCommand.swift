import ArgumentParser
import Foundation
import Geometry
import ImageIO
import Landmarks
import MorphableModels
import SiderCore
import SiderPipeline

/// `sider reconstruct IMAGE [--preset fast|paper] [--out DIR] …`: the whole SIDER job.
///
/// The front end (`FaceFrontEnd`: detection → 468 + 68 landmarks → square face crop, the 468
/// points' box + margin resampled to `--size` → coarse mesh in the crop's camera: the
/// landmark-mesh prior, or FLAME fitted to the 68 landmarks with `--flame`) → coarse SDF f_θ
/// (Eq. 4–7) → detail stage (Eq. 8–10) → DIR/{render,normals,depth,overlay,coarse_normals,crop}.png,
/// detailed.obj/.ply, coarse.obj, progress/, run.json (with the prior used), checkpoint.bin.
/// Ctrl-C stops at the end of the current iteration with a checkpoint; `--resume` continues it.
struct ReconstructCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconstruct", abstract: "Recover detailed face geometry from one photo (SIDER).")

    @Argument(help: "Input photo (JPEG, PNG, PPM). Default: the built-in sample obama2.jpg.")
    var image: String?

    @Option(help: "Preset: fast or paper.")
    var preset: String = "fast"

    @Option(help: "Output folder.")
    var out: String = "sider-out"

    @Flag(help: "Write into --out even if it holds files that sider did not write.")
    var force = false

    @Option(help: "Side of the square face crop in pixels (the paper's 256).")
    var size: Int?

    @Option(help: "Override the preset's maximum number of detail iterations.")
    var iterations: Int?

    @Option(help: "Override the preset's coarse-stage iterations.")
    var coarseIterations: Int?

    @Option(help: "Weight λ_s of the normal smoothness prior (fast: 0.2, paper: 0; lower shows finer lines and more skin texture; 0 turns it off).")
    var smoothness: Float?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Which detected face (0 = the largest).")
    var face: Int?

    @Flag(help: "Ablation (a): no feature vector γ into g_ω.")
    var noFeature = false

    @Flag(help: "Ablation (b): no normals into g_ω (with --no-feature: ablation (c)).")
    var noNormal = false

    @OptionGroup var flameOptions: FLAMEOptions

    @Flag(help: "Keep the eyes and the inside of the mouth in the face region.")
    var keepEyesAndMouth = false

    @Flag(help: "Continue an interrupted run from DIR/checkpoint.bin (same settings).")
    var resume = false

    func run() throws {
        try reportingErrors {
            guard var p = DetailPreset.named(preset) else { throw SiderError(.badInput, "unknown preset \(preset) (fast, paper)") }
            if let size {
                guard (64...1024).contains(size) else { throw SiderError(.badInput, "--size must be in 64…1024") }
                p.cropSize = size
            }
            if let iterations {
                guard iterations > 0 else { throw SiderError(.badInput, "--iterations must be positive") }
                p.detail.maxIterations = iterations
            }
            if let coarseIterations {
                guard coarseIterations > 0 else { throw SiderError(.badInput, "--coarse-iterations must be positive") }
                p.coarse.iterations = coarseIterations
                if case .warmupCosine(let r, let e, let w, _) = p.coarse.learningRate {
                    p.coarse.learningRate = .warmupCosine(r, end: e, warmup: min(w, coarseIterations / 10), steps: coarseIterations)
                }
            }
            try p.overrideSmoothness(smoothness)
            p.detail.seed = seed
            p.detail.ablation = Ablation(noFeature: noFeature, noNormal: noNormal)
            let url = try image.map { URL(fileURLWithPath: $0) } ?? DataPaths.require(DataPaths.samplePhoto)
            var clock = Stopwatch()

            let photo = try ImageDecoder.load(url)
            // Load FLAME first: a bad model file should fail before the slow front end.
            let prior = try flameOptions.coarsePrior()
            let outDir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "reconstruct", force: force)
            let landmarker = try FaceLandmarker()
            let found = try landmarker.runUpright(photo, face: face)
            let detectSeconds = clock.seconds
            clock.reset()
            let front = try FaceFrontEnd(photo: found.photo, landmarks: found.landmarks, preset: p, prior: prior,
                                         excludeEyesAndMouth: !keepEyesAndMouth, photoRotationDegrees: found.rotationDegrees)
            if front.photoRotationDegrees != 0 {
                print("the face was not upright: photo turned \(front.photoRotationDegrees)° clockwise (all outputs are in the turned photo)")
            }
            let coarseSeconds = clock.seconds
            print(String(format: "coarse prior: %@, landmark error %.1f px mean (%.1f max)", front.prior.kind,
                         front.prior.landmarkErrorMeanPx, front.prior.landmarkErrorMaxPx))

            var options = ReconstructionOptions(preset: p, outputDirectory: outDir)
            options.resume = resume
            options.inputName = url.path
            var report = try Reconstruction.run(front.input, options: options)
            report.stages.insert(contentsOf: [StageTime(stage: "landmarks", seconds: detectSeconds),
                                              StageTime(stage: "coarse mesh", seconds: coarseSeconds)], at: 0)
            try AtomicFile.writeJSON(report, to: outDir.appendingPathComponent("run.json"))
            try MeshIO.save(front.coarseMesh, to: outDir.appendingPathComponent("coarse.obj"))
            let total = report.stages.reduce(0) { $0 + $1.seconds }
            let times = report.stages.map { "\($0.stage) \(String(format: "%.1f", $0.seconds))s" }.joined(separator: ", ")
            defer { if report.stopReason == .interrupted { Foundation.exit(130) } }
            print("\(report.stopReason == .interrupted ? "interrupted" : "done") in \(String(format: "%.1f", total)) s (\(times)); \(report.iterations) iterations, final loss \(report.lossCurve.last.map { String(format: "%.4f", $0.total) } ?? "-"); outputs in \(outDir.path)")
        }
    }
}

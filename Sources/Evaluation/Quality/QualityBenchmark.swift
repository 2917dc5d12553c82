import Foundation
import Geometry
import ImageIO
import Landmarks
import SiderCore
import SiderPipeline

/// `sider bench quality`: renders `cases` views of the `james` scan (`GroundTruthCase`, seeds
/// seed, seed+1, …), runs the reconstruction on each render as on a user's photo
/// (`QualityFrontEnd`, then `Reconstruction.run` with one preset), and scores the coarse prior
/// and the detailed mesh (`QualityScoring`): NoW median/mean/std, normal angular error, time.
///
/// Writes into `outputDirectory`: `quality.json`, `quality.md`, `cumulative_error.png/.svg`
/// (coarse vs SIDER, all cases' scan vertices pooled) and `case_NN/` holding `truth/` (the render,
/// true normals, depth, mask, scene.json, scan_camera.obj), `reconstruction/` (the pipeline's
/// outputs), `coarse.obj`, `normals_coarse.png`, `normals_sider.png` (photo frame) and `case.json`.
public enum QualityBenchmark {
    public struct Options: Sendable {
        public var cases = 3
        public var seed: UInt64 = 1
        public var config: ReconstructionConfig
        /// The coarse prior the front end lifts (the landmark mesh, or FLAME fitted to the landmarks).
        public var coarsePrior: CoarsePrior = .landmarkMesh
        public var renderSize = 512
        public var outputDirectory: URL
        /// Progress bars of the pipeline stages on stderr.
        public var showProgress = true
        public init(config: ReconstructionConfig, outputDirectory: URL) {
            self.config = config
            self.outputDirectory = outputDirectory
        }
    }

    /// Runs every case; `progress` receives one line per step (the CLI prints it on stderr).
    public static func run(_ options: Options, progress: (String) -> Void = { _ in }) throws -> QualityReport {
        guard (1...100).contains(options.cases) else { throw SiderError(.badInput, "--cases must be in 1…100") }
        guard (128...2048).contains(options.renderSize) else { throw SiderError(.badInput, "render size must be in 128…2048") }
        let scanURL = try DataPaths.require(DataPaths.scan("james.obj"))
        let landmarker = try FaceLandmarker()
        var results: [QualityCaseResult] = []
        for k in 0..<options.cases {
            let seed = options.seed &+ UInt64(k)
            progress("case \(k + 1)/\(options.cases): rendering james (seed \(seed))")
            let truth = try GroundTruthCase.make(obj: scanURL, seed: seed, size: options.renderSize)
            let dir = options.outputDirectory.appendingPathComponent(String(format: "case_%02d", k + 1), isDirectory: true)
            let result = try runCase(truth, index: k + 1, directory: dir, landmarker: landmarker, options: options,
                                     progress: progress)
            progress(String(format: "case %d: NoW median coarse %.2f, SIDER %.2f mm; normals %.1f° vs %.1f°; %.0f s",
                            k + 1, result.coarse.now.median, result.sider.now.median,
                            result.coarse.normals.meanDegrees, result.sider.normals.meanDegrees, result.totalSeconds))
            results.append(result)
        }
        var report = try QualityReport(scan: scanURL.lastPathComponent, preset: options.config.name, seed: options.seed,
                                       renderSize: options.renderSize, cases: results)
        if case .flame = options.coarsePrior {
            report.coarseDefinition = "FLAME fitted to the 68 landmarks in the face crop (Eq. 3), the mesh the detail stage starts from"
        }
        try write(report, to: options.outputDirectory)
        return report
    }

    /// One case: front end, detail pipeline, scoring, per-case files.
    public static func runCase(_ truth: GroundTruthCase, index: Int, directory: URL, landmarker: FaceLandmarker,
                               options: Options, progress: (String) -> Void) throws -> QualityCaseResult {
        let total = Stopwatch()
        try truth.save(to: directory.appendingPathComponent("truth", isDirectory: true))
        let photo = truth.render.image
        let recon = try reconstruct(photo, name: "james seed \(truth.render.scene.seed)", tag: "case \(index)",
                                    directory: directory.appendingPathComponent("reconstruction", isDirectory: true),
                                    landmarker: landmarker, options: options, progress: progress)
        let (front, run, reconDir) = (recon.front, recon.run, recon.directory)
        let frontSeconds = recon.frontEndSeconds, reconSeconds = recon.reconstructionSeconds
        let clock = Stopwatch()

        let (predictions, outcome) = try scoreMeshes(recon, truth: truth, tag: "case \(index)", progress: progress)
        let scores = outcome.scores
        try MeshIO.save(front.coarseMesh, to: directory.appendingPathComponent("coarse.obj"))
        for (p, name) in zip(predictions, ["normals_coarse.png", "normals_sider.png"]) {
            try PNGEncoder.save(try QualityScoring.normalMap(p.mesh, camera: p.camera).normalMap(),
                                to: directory.appendingPathComponent(name))
        }
        // SIDER's own normal image (∇ₓf of the final f_θ, 8-bit), on the common pixels it covers.
        let fieldNormals = QualityScoring.photoNormals(fromCropImage: try ImageDecoder.load(reconDir.appendingPathComponent("normals.png")),
                                                       crop: run.crop, width: photo.width, height: photo.height)
        let fieldMask = outcome.commonMask.indices.map { outcome.commonMask[$0] && fieldNormals[$0] != .zero }
        let siderField = try NormalAngleStatistics(predicted: fieldNormals, truth: truth.render.normals, mask: fieldMask)
        let scoringSeconds = clock.seconds

        let scene = truth.render.scene
        let result = QualityCaseResult(index: index, seed: scene.seed, yaw: scene.yaw, pitch: scene.pitch, roll: scene.roll,
                                       coarse: scores[0], sider: scores[1], siderFieldNormals: siderField, frontEndSeconds: frontSeconds,
                                       reconstructionSeconds: reconSeconds, scoringSeconds: scoringSeconds,
                                       totalSeconds: total.seconds, stopReason: "\(run.stopReason)",
                                       detailIterations: run.iterations, directory: directory.lastPathComponent)
        try AtomicFile.writeJSON(result, to: directory.appendingPathComponent("case.json"))
        return result
    }

    /// A render reconstructed as a user's photo: the front end's result, `Reconstruction.run`'s
    /// report and its `detailed.obj`.
    public struct Reconstructed {
        public var front: QualityFrontEnd
        public var run: RunReport
        public var detailed: TriangleMesh
        /// The folder `Reconstruction.run` wrote into.
        public var directory: URL
        public var frontEndSeconds: Double
        public var reconstructionSeconds: Double
    }

    /// Front end (`QualityFrontEnd`) and detail pipeline on `photo`, writing into `directory` —
    /// the one place the quality benchmarks run the reconstruction.
    /// `replacePrior`, when given, swaps the front end's coarse mesh and camera before the
    /// detail stage (the wrinkle suite's `--start-from truth` diagnostic).
    public static func reconstruct(_ photo: RGBImage, name: String, tag: String, directory: URL, landmarker: FaceLandmarker,
                                   options: Options, replacePrior: ((QualityFrontEnd) throws -> QualityFrontEnd)? = nil,
                                   progress: (String) -> Void) throws -> Reconstructed {
        var clock = Stopwatch()
        progress("\(tag): landmarks and coarse prior")
        var front = try QualityFrontEnd.run(photo, landmarker: landmarker, crop: options.config.crop, prior: options.coarsePrior)
        if let replacePrior { front = try replacePrior(front) }
        let frontSeconds = clock.seconds
        clock.reset()
        progress("\(tag): coarse SDF and detail stage (config \(options.config.name))")
        var reconOptions = ReconstructionOptions(config: options.config, outputDirectory: directory)
        reconOptions.showProgress = options.showProgress
        let run = try Reconstruction.run(front.reconstructionInput(photo: photo, name: name), options: reconOptions)
        let reconSeconds = clock.seconds
        guard run.outputs.contains("detailed.obj") else {
            throw SiderError(.badInput, "\(tag): the detail stage stopped (\(run.stopReason)) without writing detailed.obj")
        }
        let detailed = try MeshIO.load(directory.appendingPathComponent("detailed.obj"))
        return Reconstructed(front: front, run: run, detailed: detailed, directory: directory,
                             frontEndSeconds: frontSeconds, reconstructionSeconds: reconSeconds)
    }

    /// The seven NoW landmarks cast onto the coarse prior and `detailed.obj`, and
    /// `QualityScoring.score` of both (in that order) against `truth`.
    public static func scoreMeshes(_ recon: Reconstructed, truth: GroundTruthCase, tag: String,
                                   progress: (String) -> Void) throws -> (predictions: [QualityPrediction], outcome: QualityScoring.Outcome) {
        let front = recon.front
        progress("\(tag): scoring")
        let coarseLandmarks = try front.nowLandmarks(on: front.coarseMesh)
        let siderLandmarks = try front.nowLandmarks(on: recon.detailed)
        progress("\(tag): NoW landmarks off the mesh (nearest covered pixel used): coarse \(coarseLandmarks.fallbacks), SIDER \(siderLandmarks.fallbacks) of 7")
        let predictions = [
            QualityPrediction(label: "coarse prior", mesh: front.coarseMesh, camera: front.camera, landmarks: coarseLandmarks.landmarks),
            QualityPrediction(label: "SIDER", mesh: recon.detailed, camera: front.camera, landmarks: siderLandmarks.landmarks),
        ]
        var outcome = try QualityScoring.score(predictions, truth: truth)
        outcome.scores[0].landmarkFallbacks = coarseLandmarks.fallbacks
        outcome.scores[1].landmarkFallbacks = siderLandmarks.fallbacks
        return (predictions, outcome)
    }

    /// `quality.json`, `quality.md` and the pooled cumulative error plot.
    public static func write(_ report: QualityReport, to dir: URL, maxError: Double = 8) throws {
        try AtomicFile.writeJSON(report, to: dir.appendingPathComponent("quality.json"))
        try AtomicFile.write(report.markdown, to: dir.appendingPathComponent("quality.md"))
        let curves = try [("coarse prior", report.cases.flatMap(\.coarse.distances)),
                          ("SIDER (\(report.preset))", report.cases.flatMap(\.sider.distances))].map {
            try CumulativeErrorCurve(label: $0.0, errors: $0.1, maxError: maxError)
        }
        let plot = CumulativeErrorPlot(curves: curves, title: "NoW error on \(report.cases.count) renders of \(report.scan)",
                                       xMax: maxError)
        try PNGEncoder.save(RasterPlotRenderer.render(plot), to: dir.appendingPathComponent("cumulative_error.png"))
        try AtomicFile.write(SVGPlotWriter.svg(plot), to: dir.appendingPathComponent("cumulative_error.svg"))
    }
}

import Foundation
import SiderCore
import Geometry
import ImageIO
import NeuralFields

/// What the pipeline after the front end starts from: the photo, its camera, the crop the
/// front end placed, the coarse mesh in that camera's coordinates and the face region.
public struct ReconstructionInput {
    public var photo: RGBImage
    /// SHA-256 of the photo file (run.json, checkpoints); the pixels' by default.
    public var photoSHA256: String
    /// The path given by the user, for run.json.
    public var name: String
    public var photoCamera: PinholeCamera
    /// The square crop (photo pixels → crop pixels) every image output lives in.
    public var crop: FaceCrop
    public var coarseMesh: TriangleMesh
    /// Polygons (photo pixels) left out of the face region (eyes, inner mouth).
    public var excludedRegions: [[SIMD2<Float>]]
    /// The face region (photo pixels): rays are shot only inside it, so that a prior larger than
    /// the face (FLAME's head, neck and ears) does not fit hair or background. Nil: the whole mask.
    public var faceRegion: [SIMD2<Float>]?
    /// Which prior the coarse mesh is, for run.json.
    public var coarsePrior: CoarsePriorRecord?
    /// Times of the stages before this one (landmarks, coarse mesh), for run.json.
    public var earlierStages: [StageTime] = []
    /// Degrees clockwise the photo was turned to make the face upright (`FaceFrontEnd`).
    public var photoRotationDegrees = 0

    public init(photo: RGBImage, photoCamera: PinholeCamera, crop: FaceCrop, coarseMesh: TriangleMesh,
                excludedRegions: [[SIMD2<Float>]] = [], faceRegion: [SIMD2<Float>]? = nil,
                coarsePrior: CoarsePriorRecord? = nil, name: String = "photo", photoSHA256: String? = nil) {
        self.photo = photo; self.photoCamera = photoCamera; self.crop = crop; self.coarseMesh = coarseMesh
        self.excludedRegions = excludedRegions; self.faceRegion = faceRegion; self.coarsePrior = coarsePrior
        self.name = name
        self.photoSHA256 = photoSHA256 ?? Digest.sha256Hex(floats: photo.pixels)
    }
}

/// How to run it.
public struct ReconstructionOptions {
    public var config: ReconstructionConfig
    public var outputDirectory: URL
    public var resume = false
    /// Progress bars on stderr (TTY-aware); off for tests.
    public var showProgress = true
    /// Checked before each coarse step and detail iteration; true stops with a checkpoint
    /// (default: Ctrl-C).
    public var shouldStop: () -> Bool = { InterruptFlag.isSet }

    public init(config: ReconstructionConfig, outputDirectory: URL) {
        self.config = config
        self.outputDirectory = outputDirectory
    }
}

/// `sider reconstruct` after the front end (Sect. 3.2–3.3), as a sequence of stages, each
/// taking the previous one's value: rays in the crop (`FaceRays`) → coarse SDF (`CoarseTrainer`)
/// → detail (`DetailOptimizer`) → outputs (`RunOutputs`) → run.json, written once.
/// Seeds come from `SeedPlan`; `checkpoint.bin` is written in both optimising stages, on
/// Ctrl-C and at their cadence, and `--resume` continues from it in the stage it was written in.
public enum Reconstruction {
    public static func run(_ input: ReconstructionInput, options: ReconstructionOptions) throws -> RunReport {
        let config = options.config
        let out = options.outputDirectory
        let seeds = SeedPlan(config.seed)
        var clock = StageClock(input.earlierStages)
        let checkpointURL = out.appendingPathComponent("checkpoint.bin")

        let face = try FaceRays(input, config: config.crop)
        clock.lap("rays")

        let saved = options.resume ? try loadCheckpoint(checkpointURL, config: config, photo: input.photoSHA256) : nil
        InterruptFlag.install()
        let trainer = try coarseStage(input, config: config, seeds: seeds, saved: saved, checkpointURL: checkpointURL,
                                      options: options)
        let coarse = trainer.isFinished ? try DetailStage.coarseField(trainer: trainer, config: config) : nil
        clock.lap("coarse")
        guard trainer.isFinished, let coarse else {
            var report = RunReport(input, config: config, face: face, trainer: trainer, stages: clock.stages)
            report.resumed = saved != nil
            report.interruptedIn = "coarse"
            try AtomicFile.writeJSON(report, to: out.appendingPathComponent("run.json"))
            return report
        }

        let detail = try DetailStage(face: face, trainer: trainer, coarse: coarse, config: config, seeds: seeds)
        let reason = try detail.run(saved: saved, checkpointURL: checkpointURL, photoSHA256: input.photoSHA256,
                                    options: options)
        clock.lap("detail")

        let outputs = try RunOutputs.write(face: face, detail: detail, coarseMesh: input.coarseMesh, config: config,
                                           meshes: reason != .interrupted, to: out)
        clock.lap("outputs")

        var report = RunReport(input, config: config, face: face, trainer: trainer, stages: clock.stages)
        report.lossCurve = detail.optimizer.state.curve.records
        report.iterations = detail.optimizer.state.iteration
        report.stopReason = reason
        report.interruptedIn = reason == .interrupted ? "detail" : nil
        report.nonFiniteEvents = detail.optimizer.state.nonFiniteEvents
        report.finalHitFraction = outputs.hitFraction
        report.lighting = outputs.lighting
        report.detailProfile = detail.optimizer.profile
        report.resumed = saved != nil
        report.outputs = outputs.files + ["coarse.obj", "run.json"]
        try AtomicFile.writeJSON(report, to: out.appendingPathComponent("run.json"))
        return report
    }

    /// The checkpoint to resume from, refused when it is of another photo or config.
    static func loadCheckpoint(_ url: URL, config: ReconstructionConfig, photo: String) throws -> RunCheckpoint {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SiderError(.missingFile, "nothing to resume: \(url.path) does not exist")
        }
        let ck = try RunCheckpoint.load(from: url)
        if let why = ck.meta.mismatch(config: config, photoSHA256: photo) { throw SiderError(.badInput, "cannot resume: \(why)") }
        return ck
    }

    /// Stage 2: f_c fitted to the coarse mesh, or restored from the checkpoint (a coarse-stage
    /// checkpoint continues training; a detail-stage one only restores the log).
    static func coarseStage(_ input: ReconstructionInput, config: ReconstructionConfig, seeds: SeedPlan,
                            saved: RunCheckpoint?, checkpointURL: URL, options: ReconstructionOptions) throws -> CoarseTrainer {
        let coarse = config.coarse
        let trainer = try CoarseTrainer(mesh: input.coarseMesh, config: coarse, seed: seeds.coarse)
        if let saved {
            trainer.resume(state: saved.meta.coarse)
            if saved.meta.stage == .detail { return trainer }
            try trainer.restoreNamedTensors(saved.tensors)
        }
        let bar = options.showProgress ? ProgressBar(stage: "coarse", total: coarse.steps) : nil
        let save: (CoarseTrainer) throws -> Void = { t in
            let meta = RunCheckpointMeta(config: config, photoSHA256: input.photoSHA256, stage: .coarse, coarse: t.state, detail: nil)
            try RunCheckpoint(meta: meta, tensors: t.namedTensors(weightsOnly: false)).save(to: checkpointURL)
        }
        let reason = try trainer.train(checkpointEvery: config.checkpoints.coarseEvery, shouldStop: options.shouldStop,
                                       checkpoint: save) { bar?.update(iteration: $0.step + 1, loss: $0.total) }
        bar?.finish(reason == .interrupted ? "interrupted (resume with --resume)" : "done")
        return trainer
    }
}

/// Stage times for run.json.
struct StageClock {
    private(set) var stages: [StageTime]
    private var clock = Stopwatch()
    init(_ earlier: [StageTime]) { stages = earlier }
    mutating func lap(_ name: String) { stages.append(StageTime(stage: name, seconds: clock.seconds)); clock.reset() }
}

extension RunReport {
    /// The report's common part; the detail stage's fields start empty.
    init(_ input: ReconstructionInput, config: ReconstructionConfig, face: FaceRays, trainer: CoarseTrainer, stages: [StageTime]) {
        self.init(version: SiderCore.version,
                  input: InputRecord(name: input.name, sha256: input.photoSHA256, width: input.photo.width, height: input.photo.height,
                                     rotationDegrees: input.photoRotationDegrees),
                  config: config, crop: face.crop, cameraPhoto: CameraRecord(input.photoCamera), cameraCrop: CameraRecord(face.camera),
                  coarsePrior: input.coarsePrior, frame: trainer.frame, rays: face.rays.count, finalHitFraction: nil,
                  coarseLoss: trainer.log, lossCurve: [], iterations: 0, stopReason: .interrupted, interruptedIn: nil,
                  nonFiniteEvents: [], resumed: false, stages: stages, outputs: ["run.json", "checkpoint.bin"])
    }
}

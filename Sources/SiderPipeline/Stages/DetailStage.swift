import Foundation
import SiderCore
import ImageIO
import NeuralFields

/// Stage 3: the detail stage's models and optimiser. f_θ = f_c (the coarse stage's network,
/// group "f_c", or the prior's distance field) plus, when the config has one, a detail field δ ("delta"); g_ω (the network
/// "g", or the intrinsic shader's "albedo", "albedoDetail" and "light").
public final class DetailStage {
    public let face: FaceRays
    public let geometry: RefinedGeometry
    public let shader: ConfiguredShader
    public let optimizer: DetailOptimizer<RefinedGeometry, ConfiguredShader>
    /// The intrinsic shader's skin confidence m per crop pixel (nil: none configured).
    public let skinConfidence: [Float]?
    let config: ReconstructionConfig

    /// - Parameter coarse: f_c (`coarseField`).
    public init(face: FaceRays, trainer: CoarseTrainer, coarse: any DifferentiableSDF, config: ReconstructionConfig,
                seeds: SeedPlan) throws {
        self.face = face
        self.config = config
        let frame = trainer.frame
        let delta: (any DifferentiableSDF)?
        if let height = config.detail.geometry.height {   // at most one kind (config validation)
            delta = try HeightFieldDetail(camera: face.camera, config: height, lengthUnit: frame.scale)
        } else {
            delta = config.detail.geometry.delta.map {
                NetworkGeometry(network: SDFNetwork(config: $0, seed: seeds.detailField), frame: frame, group: "delta")
            }
        }
        geometry = RefinedGeometry(coarse: coarse, detail: delta)
        skinConfidence = config.detail.shader.intrinsic?.skin.map { SkinConfidence.map(image: face.image, rays: face.rays, config: $0) }
        shader = ConfiguredShader(config: config.detail.shader, frame: frame, seeds: seeds, skinConfidence: skinConfidence)
        var problem = DetailProblem(rays: face.rays, targets: face.targets, coarse: trainer)
        // The prior's distance field is SDF_GT itself: λ₁ holds f_θ to it.
        if let prior = coarse as? PriorDistanceField { problem.regularizerSDF = prior.memoise(problem.regularizerPoints) }
        optimizer = try DetailOptimizer(problem: problem, geometry: geometry, shader: shader, config: config.detail,
                                        checkpoints: config.checkpoints, seed: seeds.detailBatches)
        coarseState = trainer.state
    }

    private let coarseState: CoarseRunState

    /// f_c as the config asks: the coarse stage's network (group "f_c"), or the prior's own
    /// distance field built from the trainer's mesh (`coarse.priorGrid`; logs its size and time).
    public static func coarseField(trainer: CoarseTrainer, config: ReconstructionConfig) throws -> any DifferentiableSDF {
        guard let grid = config.coarse.priorGrid else {
            return NetworkGeometry(network: trainer.network, frame: trainer.frame, group: "f_c")
        }
        let clock = Stopwatch()
        let field = try PriorDistanceField(mesh: trainer.mesh, config: grid, thickness: trainer.sdf.thickness)
        let d = field.grid.layout.dims
        SiderLog.make("coarse").info("f_c: the prior's distance field, \(field.grid.sampledPoints) samples of a \(d.x)×\(d.y)×\(d.z) lattice, \(String(format: "%.1f", clock.seconds)) s")
        return field
    }

    /// Runs the optimisation (from `saved` when it is a detail-stage checkpoint), writing
    /// checkpoints and progress snapshots (progress/render_NNNNN.png, normals_NNNNN.png).
    public func run(saved: RunCheckpoint?, checkpointURL: URL, photoSHA256: String,
                    options: ReconstructionOptions) throws -> DetailStopReason {
        let save: (DetailOptimizer<RefinedGeometry, ConfiguredShader>) throws -> Void = { [config, coarseState] o in
            let meta = RunCheckpointMeta(config: config, photoSHA256: photoSHA256, stage: .detail, coarse: coarseState, detail: o.state)
            try RunCheckpoint(meta: meta, tensors: o.tensors()).save(to: checkpointURL)
        }
        if let saved, saved.meta.stage == .detail, let state = saved.meta.detail {
            try optimizer.resume(state: state, tensors: saved.tensors)
        } else {
            try save(optimizer)
        }
        let progressDir = options.outputDirectory.appendingPathComponent("progress", isDirectory: true)
        let bar = options.showProgress ? ProgressBar(stage: "detail", total: config.detail.iterations) : nil
        let reason = try optimizer.run(progress: bar, shouldStop: options.shouldStop, checkpoint: save) { [self] it in
            let imgs = images()
            let tag = String(format: "%05d", it)
            try PNGEncoder.save(imgs.renderImage, to: progressDir.appendingPathComponent("render_\(tag).png"))
            try PNGEncoder.save(imgs.normalImage, to: progressDir.appendingPathComponent("normals_\(tag).png"))
        }
        bar?.finish(reason == .interrupted ? "interrupted (resume with --resume)" : "done")
        if optimizer.profile.iterations > 0 { SiderLog.make("detail").info("\(optimizer.profile.summary)") }
        if !optimizer.state.nonFiniteEvents.isEmpty {
            SiderLog.make("detail").warning("non-finite losses at iterations \(optimizer.state.nonFiniteEvents); restored and halved the learning rate each time")
        }
        return reason
    }

    /// The current surface's images (render, normals, depth, shading) in the crop.
    public func images() -> FaceImages {
        FaceImages(rays: face.rays, renderer: optimizer.renderer, geometry: geometry, shader: shader)
    }
}

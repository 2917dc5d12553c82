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

    public init(face: FaceRays, trainer: CoarseTrainer, config: ReconstructionConfig, seeds: SeedPlan) throws {
        self.face = face
        self.config = config
        let frame = trainer.frame
        let delta = config.detail.geometry.delta.map {
            NetworkGeometry(network: SDFNetwork(config: $0, seed: seeds.detailField), frame: frame, group: "delta")
        }
        let coarse: any DifferentiableSDF
        if let grid = config.coarse.priorGrid {
            coarse = try PriorDistanceField(mesh: trainer.mesh, config: grid, thickness: trainer.sdf.thickness)
        } else {
            coarse = NetworkGeometry(network: trainer.network, frame: frame, group: "f_c")
        }
        geometry = RefinedGeometry(coarse: coarse, detail: delta)
        skinConfidence = config.detail.shader.intrinsic?.skin.map { SkinConfidence.map(image: face.image, rays: face.rays, config: $0) }
        shader = ConfiguredShader(config: config.detail.shader, frame: frame, seeds: seeds, skinConfidence: skinConfidence)
        var problem = DetailProblem(rays: face.rays, targets: face.targets, coarse: trainer)
        // The prior's distance field is SDF_GT (on its own front sheet): λ₁ holds f_θ to it.
        if coarse is PriorDistanceField { problem.regularizerSDF = coarse.sdf(problem.regularizerPoints) }
        optimizer = try DetailOptimizer(problem: problem, geometry: geometry, shader: shader, config: config.detail,
                                        checkpoints: config.checkpoints, seed: seeds.detailBatches)
        coarseState = trainer.state
    }

    private let coarseState: CoarseRunState

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

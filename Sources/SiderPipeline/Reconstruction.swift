import Foundation
import SiderCore
import Geometry
import ImageIO
import NeuralFields

/// What the detail pipeline starts from: the photo, its camera, the coarse mesh in that camera's
/// coordinates, and the landmarks that place the crop.
public struct ReconstructionInput {
    public var photo: RGBImage
    public var photoCamera: PinholeCamera
    public var coarseMesh: TriangleMesh
    /// Points (photo pixels) whose bounding box, plus the preset's margin, is the crop.
    public var cropPoints: [SIMD2<Float>]
    /// Polygons (photo pixels) left out of the face region (eyes, inner mouth).
    public var excludedRegions: [[SIMD2<Float>]]
    /// Which prior the coarse mesh is, for `run.json` (nil: not recorded).
    public var coarsePrior: CoarsePriorRecord?
    /// The face region (photo pixels): rays are shot only inside this polygon, so that a prior
    /// larger than the face (FLAME's whole head, neck and ears) does not fit hair or background.
    /// Nil: the whole coarse mask.
    public var faceRegion: [SIMD2<Float>]?

    public init(photo: RGBImage, photoCamera: PinholeCamera, coarseMesh: TriangleMesh, cropPoints: [SIMD2<Float>],
                excludedRegions: [[SIMD2<Float>]] = [], coarsePrior: CoarsePriorRecord? = nil) {
        self.photo = photo; self.photoCamera = photoCamera; self.coarseMesh = coarseMesh
        self.cropPoints = cropPoints; self.excludedRegions = excludedRegions; self.coarsePrior = coarsePrior
        self.faceRegion = nil
    }
}

/// How to run it.
public struct ReconstructionOptions {
    public var preset: DetailPreset
    public var outputDirectory: URL
    public var resume = false
    public var inputName = ""
    /// Progress bars on stderr (TTY-aware); off for tests.
    public var showProgress = true
    /// Checked before each detail iteration; true stops with a checkpoint (default: Ctrl-C).
    public var shouldStop: () -> Bool = { InterruptFlag.isSet }

    public init(preset: DetailPreset, outputDirectory: URL) {
        self.preset = preset
        self.outputDirectory = outputDirectory
    }
}

/// The coarse SDF and detail stages of `sider reconstruct` (Sect. 3.2–3.3) and their outputs.
///
/// Crop: the square around the landmarks, resampled to `cropSize`²; camera in the crop from
/// `FaceCrop.cameraInCrop`. Face region: the coarse mesh rasterized in the crop, eroded by
/// `erosion` pixels, minus the excluded polygons; one ray per pixel, its interval ± margin
/// around the coarse depth. Coarse stage: `CoarseTrainer` fits f_θ to SDF_GT of the coarse mesh;
/// its sample pool 𝒫 feeds Eq. 10's regularisers. Detail stage: `DetailOptimizer`. Outputs
/// (all in the crop's frame): render.png, normals.png, depth.png, overlay.png,
/// coarse_normals.png, shaded.png, coarse_shaded.png, crop.png, detailed.obj/.ply (`DetailedSurface`), progress/, run.json, checkpoint.bin.
public enum Reconstruction {
    public static func run(_ input: ReconstructionInput, options: ReconstructionOptions) throws -> RunReport {
        let preset = options.preset
        let out = options.outputDirectory
        let log = SiderLog.make("reconstruct")
        var stages: [StageTime] = []
        var clock = Stopwatch()
        func lap(_ name: String) { stages.append(StageTime(stage: name, seconds: clock.seconds)); clock.reset() }

        // 1. Crop, camera, face region, rays.
        let crop = try FaceCrop(points: input.cropPoints, margin: preset.cropMargin, size: preset.cropSize)
        let camera = crop.cameraInCrop(input.photoCamera)
        let toPhoto = AffineTransform2D(a: 1 / crop.scale, b: 0, c: crop.originX, d: 0, e: 1 / crop.scale, f: crop.originY)
        let image = input.photo.warpedAffine(toPhoto, width: crop.size, height: crop.size, border: nil)
        let coarseRaster = try Rasterizer(camera: camera).render(input.coarseMesh.withVertexNormals())
        var mask = PixelMask(width: crop.size, height: crop.size, values: coarseRaster.mask).eroded(radius: preset.erosion)
        if let region = input.faceRegion { mask = mask.keepingPolygon(region.map(crop.toCrop)) }
        for poly in input.excludedRegions { mask = mask.removingPolygon(poly.map(crop.toCrop)) }
        let diagonal = input.coarseMesh.boundingBox.diagonal
        let rays = RaySet(camera: camera, mask: mask, depth: coarseRaster.depth, margin: preset.rayMarginFraction * diagonal)
        guard rays.count >= 64 else {
            throw SiderError(.badInput, "the coarse face covers only \(rays.count) pixels of the crop; is the coarse fit in this camera?")
        }
        let targets = rays.pixels.map { image[Int($0) % crop.size, Int($0) / crop.size] }
        lap("rays")

        // 2. Coarse SDF (Eq. 4–7), or the checkpointed weights when resuming.
        let checkpointURL = out.appendingPathComponent("checkpoint.bin")
        let resumeFrom = options.resume ? try Checkpoint<DetailRunState>.load(from: checkpointURL) : nil
        var coarsePreset = preset.coarse
        coarsePreset.seed = preset.detail.seed
        let trainer = try CoarseTrainer(mesh: input.coarseMesh, preset: coarsePreset)
        if resumeFrom == nil {
            let bar = options.showProgress ? ProgressBar(stage: "coarse", total: coarsePreset.iterations) : nil
            _ = try trainer.train(every: 10) { bar?.update(iteration: $0.step, loss: $0.total) }
            bar?.finish()
        }
        lap("coarse")

        // 3. Detail stage (Eq. 8–10).
        let frame = trainer.frame
        // The detail stage opens every positional-encoding band (see `CoarsePreset.coarseBands`).
        trainer.network.setActiveBands(Int.max)
        let detailField = preset.detailField.map {
            NetworkGeometry(network: SDFNetwork(config: $0, seed: preset.detail.seed &+ 2), frame: frame)
        }
        let geometry = RefinedGeometry(coarse: NetworkGeometry(network: trainer.network, frame: frame), detail: detailField,
                                       coarseLearningRateScale: preset.detail.coarseGeometryLearningRateScale)
        let shader = NetworkShader(network: RenderingNetwork(config: preset.shader, seed: preset.detail.seed &+ 1), frame: frame)
        let problem = DetailProblem(rays: rays, targets: targets, coarse: trainer)
        let optimizer = DetailOptimizer(problem: problem, geometry: geometry, shader: shader, settings: preset.detail)
        if let resumeFrom { try optimizer.resume(from: resumeFrom) } else { try optimizer.saveCheckpoint(to: checkpointURL) }
        let progressDir = out.appendingPathComponent("progress", isDirectory: true)
        let bar = options.showProgress ? ProgressBar(stage: "detail", total: preset.detail.maxIterations) : nil
        InterruptFlag.install()
        let reason = try optimizer.run(checkpointURL: checkpointURL, progress: bar, shouldStop: options.shouldStop) { it in
            let imgs = FaceImages(rays: rays, renderer: optimizer.renderer, geometry: geometry, shader: shader)
            let tag = String(format: "%05d", it)
            try PNGEncoder.save(imgs.renderImage, to: progressDir.appendingPathComponent("render_\(tag).png"))
            try PNGEncoder.save(imgs.normalImage, to: progressDir.appendingPathComponent("normals_\(tag).png"))
        }
        bar?.finish(reason == .interrupted ? "interrupted (resume with --resume)" : "done")
        if !optimizer.state.nonFiniteEvents.isEmpty {
            log.warning("non-finite losses at iterations \(optimizer.state.nonFiniteEvents); restored and halved the learning rate each time")
        }
        lap("detail")

        // 4. Outputs.
        var written: [String] = []
        func save(_ img: RGBImage, _ name: String) throws {
            try PNGEncoder.save(img, to: out.appendingPathComponent(name)); written.append(name)
        }
        let imgs = FaceImages(rays: rays, renderer: optimizer.renderer, geometry: geometry, shader: shader)
        try save(image, "crop.png")
        try save(imgs.renderImage, "render.png")
        try save(imgs.normalImage, "normals.png")
        try save(imgs.depthImage, "depth.png")
        try save(imgs.overlay(on: image), "overlay.png")
        var coarseNormals = coarseRaster.normals
        for i in coarseNormals.indices where !mask.values[i] { coarseNormals[i] = .zero }
        try save(NormalMap.encode(coarseNormals, width: crop.size, height: crop.size), "coarse_normals.png")
        try save(imgs.shadedImage, "shaded.png")
        try save(FaceImages.shaded(coarseNormals, width: crop.size, height: crop.size), "coarse_shaded.png")
        if reason != .interrupted {
            let surface = DetailedSurface.mesh(coarse: input.coarseMesh, geometry: geometry,
                                               thickness: coarsePreset.thicknessFraction * diagonal,
                                               subdivisions: preset.meshSubdivisions,
                                               searchLength: 2 * coarsePreset.thicknessFraction * diagonal)
            if surface.unmoved > 0 {
                log.info("detailed mesh: \(surface.unmoved) of \(surface.mesh.vertices.count) vertices found no front sheet and stay at the coarse surface")
            }
            try MeshIO.save(surface.mesh, to: out.appendingPathComponent("detailed.obj"))
            try MeshIO.save(surface.mesh, to: out.appendingPathComponent("detailed.ply"))
            written += ["detailed.obj", "detailed.ply"]
        }
        lap("outputs")

        let hits = imgs.normals.reduce(0) { $0 + ($1 == .zero ? 0 : 1) }
        let report = RunReport(version: SiderCore.version, input: options.inputName, photoWidth: input.photo.width,
                               photoHeight: input.photo.height, preset: preset, seed: preset.detail.seed,
                               ablation: preset.detail.ablation, crop: crop, cameraPhoto: CameraRecord(input.photoCamera),
                               cameraCrop: CameraRecord(camera), coarsePrior: input.coarsePrior, frame: frame, rays: rays.count,
                               finalHitFraction: Float(hits) / Float(rays.count), coarseLoss: trainer.log,
                               lossCurve: optimizer.state.curve.records, iterations: optimizer.state.iteration,
                               stopReason: reason, nonFiniteEvents: optimizer.state.nonFiniteEvents,
                               resumed: resumeFrom != nil, stages: stages, outputs: written + ["run.json"])
        try AtomicFile.writeJSON(report, to: out.appendingPathComponent("run.json"))
        return report
    }
}

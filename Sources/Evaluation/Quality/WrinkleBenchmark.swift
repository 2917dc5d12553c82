import Foundation
import Geometry
import ImageIO
import Landmarks
import SiderCore
import SiderPipeline

/// `sider bench quality --suite wrinkles`: the `james` scan with known wrinkle relief
/// (`WrinkleScan`, `WrinklePattern`) and the albedo-only control (`AlbedoMarks`), rendered in
/// `base.cases` scenes (seeds seed, seed+1, … of `ScanScene.sample`: pose, camera, light),
/// each case reconstructed as a user's photo (`QualityBenchmark.reconstruct`) and scored by
/// `WrinkleScoring` and the NoW metric.
///
/// Writes into `base.outputDirectory`: `quality.json`, `quality.md` and
/// `seed_NN/<case>/` holding `truth/` (`WrinkleTruth.save`), `reconstruction/`, `coarse.obj`,
/// `normals_{coarse,field,mesh}.png` and `shaded_{coarse,field,mesh}.png` (photo frame, the
/// raking preview light), `detail_{true,field,mesh}.png` (high-passed detail, one scale per
/// case) and `case.json`.
public enum WrinkleBenchmark {
    public struct Options {
        /// Scenes (`cases`), first seed, preset, prior, render size, output folder, progress.
        public var base: QualityBenchmark.Options
        public var specs: [WrinkleCaseSpec]
        /// The scan's own wrinkle shading taken out of its texture first (`WrinkleBandFlattening`).
        public var flattenTexture: Bool
        /// Diagnostic: the detail stage starts from the undisplaced scan (within the NoW face
        /// region, posed in the scene's camera) instead of the landmark prior, so the figures
        /// measure the detail stage alone, given the true broad shape.
        public var priorFromTruth: Bool
        public init(base: QualityBenchmark.Options, specs: [WrinkleCaseSpec], flattenTexture: Bool = false,
                    priorFromTruth: Bool = false) {
            self.base = base; self.specs = specs; self.flattenTexture = flattenTexture; self.priorFromTruth = priorFromTruth
        }
    }

    public static func run(_ options: Options, progress: (String) -> Void = { _ in }) throws -> WrinkleReport {
        let base = options.base
        guard (1...100).contains(base.cases) else { throw SiderError(.badInput, "--cases must be in 1…100") }
        guard (128...2048).contains(base.renderSize) else { throw SiderError(.badInput, "render size must be in 128…2048") }
        guard !options.specs.isEmpty else { throw SiderError(.badInput, "no wrinkle case selected") }
        progress("subdividing james (Loop ×\(WrinkleScan.subdivisionLevels)) and placing the wrinkle patterns")
        let scan = try WrinkleScan.james(flattenTexture: options.flattenTexture)
        let region = NoWFaceRegion(landmarks: scan.landmarks)
        let landmarker = try FaceLandmarker()
        var results: [WrinkleCaseResult] = []
        let total = base.cases * options.specs.count
        for k in 0..<base.cases {
            let seed = base.seed &+ UInt64(k)
            let scene = try ScanScene.sample(seed: seed, width: base.renderSize, height: base.renderSize,
                                             faceCentre: region.centre, faceRadius: region.radius)
            progress("scene seed \(seed): rendering james without relief")
            let smooth = try WrinkleTruth.renderSmooth(scan, scene: scene)
            let truePrior = options.priorFromTruth ? try undisplacedPrior(scan, region: region, scene: scene) : nil
            let sceneDir = base.outputDirectory.appendingPathComponent(String(format: "seed_%02d", Int(seed % 100)), isDirectory: true)
            for spec in options.specs {
                let index = results.count + 1
                let tag = "case \(index)/\(total) (seed \(seed), \(spec.label))"
                progress("\(tag): rendering")
                let truth = try WrinkleTruth.make(spec, scan: scan, scene: scene, smooth: smooth)
                let result = try runCase(truth, index: index, tag: tag, faceCentre: region.centre,
                                         directory: sceneDir.appendingPathComponent(spec.folderName, isDirectory: true),
                                         landmarker: landmarker, options: base, truePrior: truePrior, progress: progress)
                let face = String(format: "face %.2f° prior → %.2f° ∇f", result.face.prior.meanDegrees, result.face.detailField.meanDegrees)
                let detail: String
                if let r = result.wrinkles {
                    detail = String(format: "wrinkle corr %.2f gain %.2f", r.detailField.correlation, r.detailField.gain)
                } else {
                    let rms: Double = (result.marks?.detailField.rmsRecovered ?? 0) * 180 / .pi
                    detail = String(format: "spurious detail over the marks %.2f°", rms)
                }
                progress("\(tag): \(face); \(detail); \(String(format: "%.0f", result.totalSeconds)) s")
                results.append(result)
            }
        }
        var report = WrinkleReport(preset: base.config.name, seed: base.seed, renderSize: base.renderSize,
                                   texture: options.flattenTexture ? "flattened" : "scan", cases: results)
        if options.priorFromTruth { report.prior = undisplacedPriorKind }
        try AtomicFile.writeJSON(report, to: base.outputDirectory.appendingPathComponent("quality.json"))
        try AtomicFile.write(report.markdown, to: base.outputDirectory.appendingPathComponent("quality.md"))
        return report
    }

    static let undisplacedPriorKind = "undisplaced scan (truth)"

    /// The `priorFromTruth` mesh: the undisplaced scan at its own resolution (the Loop limit
    /// positions of its vertices), the triangles within the NoW face region, in the scene's camera frame.
    static func undisplacedPrior(_ scan: WrinkleScan, region: NoWFaceRegion, scene: ScanScene) throws -> TriangleMesh {
        let coarse = try scan.nowReference(scan.base).mesh
        let inside = coarse.vertices.map { v in
            let d = v - region.centre
            return (d * d).sum() <= region.radius * region.radius
        }
        let kept = coarse.filteringFaces { t in
            let f = coarse.faces[t]
            return inside[Int(f.x)] && inside[Int(f.y)] && inside[Int(f.z)]
        }
        return TriangleMesh(vertices: scene.pose.apply(kept.vertices), faces: kept.faces)
    }

    /// One case: reconstruction, scoring, images. `truePrior` replaces the landmark prior
    /// (and the front end's camera by the scene's) when given.
    public static func runCase(_ truth: WrinkleTruth, index: Int, tag: String, faceCentre: SIMD3<Float>, directory: URL,
                               landmarker: FaceLandmarker, options: QualityBenchmark.Options, truePrior: TriangleMesh? = nil,
                               progress: (String) -> Void) throws -> WrinkleCaseResult {
        let total = Stopwatch()
        try truth.save(to: directory.appendingPathComponent("truth", isDirectory: true))
        let render = truth.truth.render, w = render.scene.width, h = render.scene.height
        let replace: ((QualityFrontEnd) throws -> QualityFrontEnd)? = truePrior.map { mesh in
            { front in
                var front = front
                front.coarseMesh = mesh
                front.camera = render.scene.camera
                front.coarsePrior = CoarsePriorRecord(kind: undisplacedPriorKind, landmarkErrorMeanPx: 0, landmarkErrorMaxPx: 0)
                return front
            }
        }
        let recon = try QualityBenchmark.reconstruct(render.image, name: "james seed \(render.scene.seed) \(truth.spec.label)",
                                                     tag: tag, directory: directory.appendingPathComponent("reconstruction", isDirectory: true),
                                                     landmarker: landmarker, options: options, replacePrior: replace, progress: progress)
        let clock = Stopwatch()
        let (predictions, outcome) = try QualityBenchmark.scoreMeshes(recon, truth: truth.truth, tag: tag, progress: progress)
        let rasters = try predictions.map { try QualityScoring.normalMap($0.mesh, camera: $0.camera) }
        func cropField(_ name: String) throws -> [SIMD3<Float>]? {
            let url = recon.directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return QualityScoring.photoNormalsBilinear(fromCropImage: try ImageDecoder.load(url), crop: recon.run.crop, width: w, height: h)
        }
        guard let field = try cropField("normals.png") else { throw SiderError(.badInput, "\(tag): the run wrote no normals.png") }
        let crop = recon.run.crop
        let seen = try Rasterizer(camera: crop.cameraInCrop(render.scene.camera)).render(truth.posedMesh)
        let ceiling = QualityScoring.photoNormalsBilinear(fromCropImage: NormalMap.encode(seen.normals, width: crop.size, height: crop.size),
                                                          crop: crop, width: w, height: h)
        let predicted = WrinkleScoring.Predicted(prior: rasters[0].normals, coarseField: try cropField(WrinkleScoring.coarseFieldFile),
                                                 detailField: field, detailMesh: rasters[1].normals, ceiling: ceiling)
        let scored = try WrinkleScoring.score(truth, predicted: predicted, faceCentre: faceCentre)

        try MeshIO.save(recon.front.coarseMesh, to: directory.appendingPathComponent("coarse.obj"))
        for (normals, name) in [(predicted.prior, "coarse"), (field, "field"), (predicted.detailMesh, "mesh")] {
            let shown = normals.indices.map { scored.faceMask[$0] ? normals[$0] : .zero }
            try PNGEncoder.save(NormalMap.encode(shown, width: w, height: h), to: directory.appendingPathComponent("normals_\(name).png"))
            try PNGEncoder.save(Shading.shade(normals: shown, width: w, height: h, light: WrinkleTruth.rakingLight),
                                to: directory.appendingPathComponent("shaded_\(name).png"))
        }
        // One scale per case: the true detail's peak at full swing (the control's: the recovered one's).
        func peak(_ d: [SIMD3<Float>]) -> Float { d.reduce(Float(0)) { max($0, ($1 * $1).sum().squareRoot()) } }
        let scale = 0.5 / max(truth.spec.isControl ? peak(scored.fieldDetail) : peak(scored.trueDetail), 1e-4)
        for (d, name) in [(scored.trueDetail, "true"), (scored.fieldDetail, "field"), (scored.meshDetail, "mesh")] {
            try PNGEncoder.save(WrinkleScoring.detailImage(d, mask: scored.faceMask, width: w, height: h, scale: scale),
                                to: directory.appendingPathComponent("detail_\(name).png"))
        }
        let scene = render.scene
        let result = WrinkleCaseResult(
            index: index, spec: truth.spec, seed: scene.seed, yaw: scene.yaw, pitch: scene.pitch, roll: scene.roll,
            lightAngleDegrees: Double(acos(min(1, max(-1, -scene.lighting.direction.z)))) * 180 / .pi,
            millimetresPerPixel: Double(WrinkleScoring.unitsPerPixel(scene, faceCentre: faceCentre)),
            highPassSigmaPixels: Double(scored.sigmaPixels), face: scored.face, regions: scored.regions,
            nowPrior: outcome.scores[0], nowSider: outcome.scores[1],
            reconstructionSeconds: recon.reconstructionSeconds, scoringSeconds: clock.seconds, totalSeconds: total.seconds,
            stopReason: "\(recon.run.stopReason)", detailIterations: recon.run.iterations,
            directory: directory.deletingLastPathComponent().lastPathComponent + "/" + directory.lastPathComponent)
        try AtomicFile.writeJSON(result, to: directory.appendingPathComponent("case.json"))
        return result
    }
}

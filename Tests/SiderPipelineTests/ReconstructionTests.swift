import Foundation
import Testing
import Geometry
import ImageIO
import SiderPipeline

/// `Reconstruction.run` end to end on a tiny synthetic scene: outputs written, run.json consistent,
/// an interrupted and resumed run ending byte-identical to an uninterrupted one, and a resumed
/// run extending a finished one.
@Suite(.serialized) struct ReconstructionTests {
    static func tinyConfig() -> ReconstructionConfig {
        var p = TestConfigs.shipped("fast")
        p.crop.size = 64
        p.crop.erosion = 1
        p.output.meshSubdivisions = 1
        // f_c is the prior's distance field (no coarse steps).
        p.coarse.poolSize = 4000
        p.coarse.batchSize = 1024
        p.coarse.learningRate = .warmupCosine(1e-2, end: 1e-3, warmup: 3)
        p.detail.iterations = 12
        p.detail.raysPerBatch = 256
        p.detail.pointsPerBatch = 256
        p.detail.optimizer.groups["delta"]?.startIteration = 2
        p.detail.optimizer.groups["deltaCoarse"]?.startIteration = 2
        p.checkpoints.every = 4
        p.checkpoints.coarseEvery = 30
        p.checkpoints.snapshotEvery = 6
        return p
    }

    /// The same with f_c a network (fast-network's design with fast's shader): enough coarse
    /// steps for f_θ to hold the ε-shell (after 30 its zero set is still the sphere itself,
    /// which detailed.obj would place ε/2 inside).
    static func tinyNetworkConfig() -> ReconstructionConfig {
        var p = tinyConfig()
        p.coarse.priorGrid = nil
        p.coarse.steps = 100
        p.detail.optimizer.groups["f_c"] = ParameterGroupConfig(frozen: true, startIteration: 0)
        return p
    }

    static func input(shade: SIMD3<Float> = SIMD3(0.2, 0.3, 0.4)) throws -> ReconstructionInput {
        let camera = PinholeCamera(fx: 300, fy: 300, cx: 100, cy: 80, width: 200, height: 160)
        let mesh = TriangleMesh.icosphere(subdivisions: 3, radius: 0.1, center: [0.01, 0, 1])
        let raster = try Rasterizer(camera: camera).render(mesh)
        let photo = Shading.shade(normals: raster.normals, width: 200, height: 160, background: shade)
        let box: [SIMD2<Float>] = [camera.project([-0.09, -0.1, 1]), camera.project([0.11, 0.1, 1])]
        let c = tinyConfig().crop
        return ReconstructionInput(photo: photo, photoCamera: camera, crop: try FaceCrop(points: box, margin: c.margin, size: c.size),
                                   coarseMesh: mesh, name: "sphere")
    }

    static func temporary() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("recon-\(UUID().uuidString)")
    }

    static func options(_ dir: URL, _ config: ReconstructionConfig = tinyConfig()) -> ReconstructionOptions {
        var options = ReconstructionOptions(config: config, outputDirectory: dir)
        options.showProgress = false
        options.shouldStop = { false }
        return options
    }

    static func expectSameOutputs(_ a: URL, _ b: URL, _ what: String) throws {
        for name in ["detailed.obj", "normals.png", "render.png", "depth.png"] {
            let x = try Data(contentsOf: a.appendingPathComponent(name)), y = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(x == y, "\(name) differs after \(what)")
        }
    }

    /// fast's intrinsic shader: albedo.png × shading.png × lighting.shadingScale = render.png
    /// (to 8-bit rounding), 9 × 3 lighting coefficients in run.json, skin.png in [0, 1].
    static func expectIntrinsicDecomposition(_ dir: URL, _ report: RunReport) throws {
        let lighting = try #require(report.lighting)
        #expect(lighting.coefficients.count == 9 && lighting.coefficients.allSatisfy { $0.count == 3 && $0.allSatisfy(\.isFinite) })
        let albedo = try ImageDecoder.load(dir.appendingPathComponent("albedo.png"))
        let shading = try ImageDecoder.load(dir.appendingPathComponent("shading.png"))
        let render = try ImageDecoder.load(dir.appendingPathComponent("render.png"))
        _ = try ImageDecoder.load(dir.appendingPathComponent("skin.png"))
        let specular = lighting.specular == nil ? nil : try ImageDecoder.load(dir.appendingPathComponent("specular.png"))
        var worst: Float = 0, lit = 0
        for i in 0..<(render.width * render.height) * 3 where shading.pixels[i] > 0 {
            let product = min(1, albedo.pixels[i] * shading.pixels[i] * lighting.shadingScale + (specular?.pixels[i] ?? 0))
            // Each 8-bit factor is within 1/510 of its value: the product within about 1/510·(s·a + s + 1).
            worst = max(worst, abs(product - render.pixels[i]) / (1 + lighting.shadingScale))
            lit += 1
        }
        #expect(lit > 100, "shading.png is empty")
        #expect(worst < 3 / 255, "render.png is not albedo × shading × scale (+ specular): \(worst * 255)/255")
    }

    @Test func writesOutputsAndResumes() throws {
        let dir = Self.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = Self.options(dir)
        let report = try Reconstruction.run(try Self.input(), options: options)
        #expect(report.stopReason == .maxIterations)
        #expect(report.iterations == 12)
        for name in ["render.png", "normals.png", "depth.png", "overlay.png", "coarse_normals.png", "shaded.png", "coarse_shaded.png", "crop.png",
                     "detailed.obj", "detailed.ply", "coarse.obj", "run.json", "checkpoint.bin", "progress/normals_00006.png"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) missing")
        }
        #expect((report.finalHitFraction ?? 0) > 0.9)
        try Self.expectIntrinsicDecomposition(dir, report)
        // run.json read back: the same report (crop, cameras, loss curves per term, config).
        let json = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: dir.appendingPathComponent("run.json")))
        #expect(json.crop == report.crop && json.cameraCrop == report.cameraCrop && json.cameraPhoto == report.cameraPhoto)
        #expect(json.lossCurve == report.lossCurve && json.lossCurve.count == 12)
        #expect(json.lossCurve.allSatisfy { Set($0.terms.keys) == ["photometricSmooth", "sdf", "eikonal", "smoothness", "albedoChroma", "albedoLightness"] })
        #expect(json.coarseLoss.count == report.coarseLoss.count && json.config == Self.tinyConfig())
        // The crop camera sees the sphere's centre where the photo camera does, mapped by the crop.
        let c = SIMD3<Float>(0.01, 0, 1)
        let inPhoto = report.cameraPhoto.camera.project(c), inCrop = report.cameraCrop.camera.project(c)
        let mapped = report.crop.toCrop(inPhoto)
        #expect(abs(mapped.x - inCrop.x) < 1e-3 && abs(mapped.y - inCrop.y) < 1e-3)
        let normals = try ImageDecoder.load(dir.appendingPathComponent("normals.png"))
        #expect(normals.width == 64 && normals.height == 64)
        let detailed = try MeshIO.load(dir.appendingPathComponent("detailed.obj"))
        // The coarse mesh subdivided once, displaced onto f_θ's shell mid-surface: close to the
        // coarse sphere (radius 0.1) all round, not ε/2 = 0.02·diagonal/2 ≈ 3.5 mm outside it.
        let coarse = try Self.input().coarseMesh.subdividedMidpoint()
        #expect(detailed.faces.count == coarse.faces.count)
        let radial = detailed.vertices.map { abs((($0 - SIMD3<Float>(0.01, 0, 1)) * ($0 - SIMD3<Float>(0.01, 0, 1))).sum().squareRoot() - 0.1) }.sorted()
        // (δ, free from iteration 2 under fast's Charbonnier priors, moves it by about 2 mm in ten steps.)
        #expect(radial[radial.count / 2] < 0.0025, "median distance from the coarse sphere \(radial[radial.count / 2])")

        // run.json as a config repeats the run bit for bit.
        let again = Self.temporary()
        defer { try? FileManager.default.removeItem(at: again) }
        let fromRun = try ConfigLoader.load(dir.appendingPathComponent("run.json"))
        #expect(fromRun == report.config)
        _ = try Reconstruction.run(try Self.input(), options: Self.options(again, fromRun))
        try Self.expectSameOutputs(dir, again, "repeating run.json's config")

        // Interrupted in the detail stage before iteration 8 (7 done: between checkpoints and
        // good states), then resumed: the same loss curve and byte-identical outputs.
        try Self.expectInterruptAndResume(Self.tinyConfig(), after: 7, in: "detail", like: report, in: dir)

        // Resume with a higher maximum continues from iteration 12.
        options.resume = true
        options.config.detail.iterations = 16
        let resumed = try Reconstruction.run(try Self.input(), options: options)
        #expect(resumed.resumed)
        #expect(resumed.iterations == 16)
        #expect(resumed.lossCurve.count == 16)
        #expect(Array(resumed.lossCurve.prefix(12)) == report.lossCurve)
    }

    /// With f_c a network: interrupted in the coarse stage (at step 45 of 100) and in the detail
    /// stage, then resumed: the uninterrupted run's loss curve and byte-identical outputs.
    @Test func networkCoarseStageResumes() throws {
        let config = Self.tinyNetworkConfig()
        let dir = Self.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try Reconstruction.run(try Self.input(), options: Self.options(dir, config))
        #expect(report.coarseLoss.count > 0 && report.iterations == 12)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("fc_normals.png").path))
        for (stop, stage) in [(config.coarse.steps + 7, "detail"), (45, "coarse")] {
            try Self.expectInterruptAndResume(config, after: stop, in: stage, like: report, in: dir)
        }
    }

    /// A run stopped after `stop` calls of shouldStop, in `stage`, then resumed, ends as `report` did
    /// (its folder `dir`): the same loss curve and byte-identical outputs.
    static func expectInterruptAndResume(_ config: ReconstructionConfig, after stop: Int, in stage: String,
                                         like report: RunReport, in dir: URL) throws {
        let dir2 = Self.temporary()
        defer { try? FileManager.default.removeItem(at: dir2) }
        var split = Self.options(dir2, config)
        var calls = 0
        split.shouldStop = { calls += 1; return calls > stop }
        let stopped = try Reconstruction.run(try Self.input(), options: split)
        #expect(stopped.stopReason == .interrupted && stopped.interruptedIn == stage)
        #expect(FileManager.default.fileExists(atPath: dir2.appendingPathComponent("checkpoint.bin").path))
        split.resume = true
        split.shouldStop = { false }
        let finished = try Reconstruction.run(try Self.input(), options: split)
        #expect(finished.resumed)
        #expect(finished.lossCurve == report.lossCurve)
        try Self.expectSameOutputs(dir, dir2, "an interrupt in the \(stage) stage and resume")
    }

    /// `--resume` with a checkpoint of another photo, seed, crop size or config is refused with
    /// one line naming what differs.
    @Test func resumeOfAnotherRunIsRefused() throws {
        let dir = Self.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = Self.options(dir)
        var calls = 0
        options.shouldStop = { calls += 1; return calls > 20 }
        _ = try Reconstruction.run(try Self.input(), options: options)
        options.resume = true
        options.shouldStop = { false }
        func refusal(_ input: ReconstructionInput, _ config: ReconstructionConfig) -> String {
            var o = options
            o.config = config
            do { _ = try Reconstruction.run(input, options: o); return "accepted" } catch { return "\(error)" }
        }
        let base = Self.tinyConfig()
        #expect(refusal(try Self.input(shade: SIMD3(0.3, 0.3, 0.3)), base).contains("another photo"))
        var seed = base; seed.seed = 2
        #expect(refusal(try Self.input(), seed).contains("seed (1 in the checkpoint, 2 now)"))
        var size = base; size.crop.size = 80
        #expect(refusal(try Self.input(), size).contains("crop.size (64 in the checkpoint, 80 now)"))
        var term = base; term.detail.losses["sdf"] = ["weight": 2]
        #expect(refusal(try Self.input(), term).contains("detail.losses.sdf.weight (3 in the checkpoint, 2 now)"))
        for message in [refusal(try Self.input(), seed), refusal(try Self.input(), term)] {
            #expect(message.hasPrefix("cannot resume") && !message.contains("\n"), "\(message)")
        }
        // The same run resumes.
        #expect(refusal(try Self.input(), base) == "accepted")
    }
}

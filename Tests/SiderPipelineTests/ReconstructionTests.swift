import Foundation
import Testing
import Geometry
import ImageIO
import SiderPipeline

/// `Reconstruction.run` end to end on a tiny synthetic scene: outputs written, run.json consistent,
/// an interrupted and resumed run ending byte-identical to an uninterrupted one, and a resumed
/// run extending a finished one.
@Suite(.serialized) struct ReconstructionTests {
    static func tinyPreset() -> DetailPreset {
        var p = DetailPreset.fast
        p.cropSize = 64
        p.erosion = 1
        p.meshSubdivisions = 1
        // Enough steps for f_θ to hold the ε-shell (after 30 its zero set is still the sphere
        // itself, which detailed.obj would place ε/2 inside).
        p.coarse.iterations = 100
        p.coarse.poolSize = 4000
        p.coarse.batchSize = 1024
        p.coarse.learningRate = .warmupCosine(1e-2, end: 1e-3, warmup: 3, steps: 100)
        p.detail.maxIterations = 12
        p.detail.raysPerBatch = 256
        p.detail.regularizerPointsPerBatch = 256
        p.detail.shaderWarmup = 2
        p.detail.checkpointEvery = 4
        p.detail.snapshotEvery = 6
        return p
    }

    static func input() throws -> ReconstructionInput {
        let camera = PinholeCamera(fx: 300, fy: 300, cx: 100, cy: 80, width: 200, height: 160)
        let mesh = TriangleMesh.icosphere(subdivisions: 3, radius: 0.1, center: [0.01, 0, 1])
        let raster = try Rasterizer(camera: camera).render(mesh)
        let photo = Shading.shade(normals: raster.normals, width: 200, height: 160, background: SIMD3(0.2, 0.3, 0.4))
        let box: [SIMD2<Float>] = [camera.project([-0.09, -0.1, 1]), camera.project([0.11, 0.1, 1])]
        return ReconstructionInput(photo: photo, photoCamera: camera, coarseMesh: mesh, cropPoints: box)
    }

    @Test func writesOutputsAndResumes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = ReconstructionOptions(preset: Self.tinyPreset(), outputDirectory: dir)
        options.showProgress = false
        options.shouldStop = { false }
        let report = try Reconstruction.run(try Self.input(), options: options)
        #expect(report.stopReason == .maxIterations)
        #expect(report.iterations == 12)
        for name in ["render.png", "normals.png", "depth.png", "overlay.png", "coarse_normals.png", "shaded.png", "coarse_shaded.png", "crop.png",
                     "detailed.obj", "detailed.ply", "run.json", "checkpoint.bin", "progress/normals_00006.png"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) missing")
        }
        #expect(report.finalHitFraction > 0.9)
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
        #expect(radial[radial.count / 2] < 0.002, "median distance from the coarse sphere \(radial[radial.count / 2])")

        // Interrupted before iteration 8 (7 done: between checkpoints and good states), then
        // resumed: the same loss curve and byte-identical outputs as the uninterrupted run.
        let dir2 = FileManager.default.temporaryDirectory.appendingPathComponent("recon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir2) }
        var split = options
        split.outputDirectory = dir2
        var calls = 0
        split.shouldStop = { calls += 1; return calls > 7 }
        let stopped = try Reconstruction.run(try Self.input(), options: split)
        #expect(stopped.stopReason == .interrupted)
        #expect(stopped.iterations == 7)
        split.resume = true
        split.shouldStop = { false }
        let finished = try Reconstruction.run(try Self.input(), options: split)
        #expect(finished.resumed)
        #expect(finished.lossCurve == report.lossCurve)
        for name in ["detailed.obj", "normals.png", "render.png", "depth.png"] {
            let a = try Data(contentsOf: dir.appendingPathComponent(name)), b = try Data(contentsOf: dir2.appendingPathComponent(name))
            #expect(a == b, "\(name) differs after interrupt and resume")
        }

        // Resume with a higher maximum continues from iteration 12.
        options.resume = true
        options.preset.detail.maxIterations = 16
        let resumed = try Reconstruction.run(try Self.input(), options: options)
        #expect(resumed.resumed)
        #expect(resumed.iterations == 16)
        #expect(resumed.lossCurve.count == 16)
        #expect(Array(resumed.lossCurve.prefix(12)) == report.lossCurve)
    }
}

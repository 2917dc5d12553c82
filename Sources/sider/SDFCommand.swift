import ArgumentParser
import Foundation
import Geometry
import ImageIO
import Landmarks
import NeuralFields
import SiderCore
import SiderPipeline

/// `sider sdf MESH [--preset grid|fast-network|paper | --config FILE] [--out DIR]`: the coarse stage
/// (Eq. 4–7, the config's `coarse` section) on any mesh.
/// Writes DIR/coarse.obj (or .ply, the marching-cubes surface), DIR/loss.csv (the loss curve),
/// DIR/sdf.sidernn (f_θ's weights) and DIR/coarse.json (settings, timings, accuracy).
/// MESH may also be a photo (jpg, png, ppm): its MediaPipe 468-vertex face mesh is used.
struct SDFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sdf", abstract: "Train the coarse SDF of a mesh and extract its surface.")

    @Argument(help: "Input mesh (OBJ or PLY), or a photo whose 468-vertex face mesh to use.")
    var mesh: String

    @Option(help: "A shipped config whose coarse stage to run: grid (a grid encoding, the most accurate surface for the time), fast-network, paper (fast has no coarse network).")
    var preset: String = "grid"

    @Option(help: "A config file whose coarse stage to run (instead of --preset).")
    var config: String?

    @Option(help: "Shell thickness ε of Eq. 5 as a fraction of the bounding-box diagonal (a surface fit wants a thin one; reconstruct uses the config's).")
    var thickness: Float = 0.002

    @Option(help: "Output folder.")
    var out: String = "sdf-out"

    @Flag(help: "Write into --out even if it holds files that sider did not write.")
    var force = false

    @Option(help: "Override the preset's number of steps.")
    var iterations: Int?

    @Option(help: "Marching-cubes lattice points along the longest side.")
    var resolution: Int?

    @Option(help: "Surface format: obj or ply.")
    var format: String = "obj"

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    struct Summary: Codable {
        var preset: String
        var coarse: CoarseStageConfig
        var seed: UInt64
        var vertices: Int
        var faces: Int
        var trainSeconds: Double
        var extractSeconds: Double
        var totalSeconds: Double
        /// Process CPU seconds (user + system) of training + extraction: the load-independent cost.
        var cpuSeconds: Double
        var metrics: CoarseMetrics
        var meanAbsSDFAtSurfacePercentOfDiagonal: Float
        var chamferPercentOfDiagonal: Float?
        var extractedVertices: Int
    }

    /// A mesh file, or the MediaPipe face mesh (468 vertices, pixel units) of a photo's largest face.
    static func loadMesh(_ url: URL) throws -> TriangleMesh {
        guard ["jpg", "jpeg", "png", "ppm"].contains(url.pathExtension.lowercased()) else { return try MeshIO.load(url) }
        let photo = try ImageDecoder.load(url)
        let (_, face) = try FaceLandmarker().run(photo)
        return TriangleMesh(vertices: face.points468, faces: try FaceMeshTopology.triangles())
    }

    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6
    }

    func run() throws {
        try reportingErrors {
            var overrides = ["coarse.shellThickness=\(thickness)"]
            if let iterations { overrides.append("coarse.steps=\(iterations)") }
            if let resolution { overrides.append("coarse.meshResolution=\(resolution)") }
            let full = try config.map { try ConfigLoader.load(URL(fileURLWithPath: $0), overrides: overrides) }
                ?? ConfigLoader.shipped(preset, overrides: overrides)
            let p = full.coarse
            guard p.priorGrid == nil else {
                throw SiderError(.badInput, "config \(full.name) trains no coarse network (its f_c is the prior's distance field, coarse.priorGrid); sider sdf needs one: use --preset grid, paper or fast-network")
            }
            guard format == "obj" || format == "ply" else { throw SiderError(.badInput, "--format must be obj or ply") }
            let input = try Self.loadMesh(URL(fileURLWithPath: mesh))
            let dir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "sdf", force: force)
            let cpu0 = Self.cpuSeconds()
            let total = Stopwatch()
            var logged = p
            logged.logEvery = max(1, p.steps / 20)
            let trainer = try CoarseTrainer(mesh: input, config: logged, seed: seed)
            print("coarse stage: \(input.vertices.count) vertices, \(input.faces.count) faces, config \(full.name), "
                  + "\(p.steps) steps × \(p.batchSize) points, \(trainer.network.store.count) parameters")
            try trainer.train(progress: { r in
                print(String(format: "  step %5d  loss %.5f  (geo %.5f, eik %.5f)  lr %.2e  %.1f s",
                             r.step, r.total, r.geometric, r.eikonal, r.learningRate, r.seconds))
            })
            let sdf = trainer.sdf
            let trainSeconds = total.seconds
            let clock = Stopwatch()
            let surface = try CoarseExtraction.mesh(sdf, around: input, resolution: p.meshResolution, isoCells: p.isoCells)
            let extractSeconds = clock.seconds
            let totalSeconds = total.seconds
            let cpuSeconds = Self.cpuSeconds() - cpu0
            let metrics = try CoarseMetrics.measure(sdf, mesh: input, extracted: surface)
            try MeshIO.save(surface, to: dir.appendingPathComponent("coarse.\(format)"))
            if URL(fileURLWithPath: mesh).pathExtension.lowercased() != format {
                try MeshIO.save(input, to: dir.appendingPathComponent("input.\(format)"))
            }
            try AtomicFile.write(trainer.logCSV, to: dir.appendingPathComponent("loss.csv"))
            try sdf.network.save(to: dir.appendingPathComponent("sdf.sidernn"))
            let summary = Summary(preset: full.name, coarse: p, seed: seed, vertices: input.vertices.count, faces: input.faces.count,
                                  trainSeconds: trainSeconds, extractSeconds: extractSeconds, totalSeconds: totalSeconds, cpuSeconds: cpuSeconds,
                                  metrics: metrics, meanAbsSDFAtSurfacePercentOfDiagonal: 100 * metrics.meanAbsSDFAtSurfaceFraction,
                                  chamferPercentOfDiagonal: metrics.chamferFraction.map { 100 * $0 },
                                  extractedVertices: surface.vertices.count)
            try AtomicFile.writeJSON(summary, to: dir.appendingPathComponent("coarse.json"))
            print(String(format: "trained in %.1f s, extracted in %.1f s (total %.1f s, %.1f CPU s); mean |f| at surface %.3f%% of D, "
                         + "fit error %.3f%% of D, Chamfer %@ of D",
                         trainSeconds, extractSeconds, totalSeconds, cpuSeconds, 100 * metrics.meanAbsSDFAtSurfaceFraction,
                         100 * metrics.meanAbsErrorAtSurface / metrics.diagonal,
                         metrics.chamferFraction.map { String(format: "%.3f%%", 100 * $0) } ?? "n/a"))
            print("wrote \(dir.path)/{coarse.\(format), loss.csv, sdf.sidernn, coarse.json}")
        }
    }
}

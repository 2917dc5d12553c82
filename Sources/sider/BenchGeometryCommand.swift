import ArgumentParser
import Foundation
import Geometry
import SiderCore

/// `sider bench geometry`: throughput of the geometry kernels (BVH point-to-mesh queries,
/// rasterization, marching cubes) on synthetic meshes and, if present, the james.obj scan.
struct BenchGeometryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geometry",
        abstract: "Time the BVH, rasterizer and marching cubes.")

    @Option(help: "Point-to-mesh queries per measurement.") var queries = 200_000
    @Option(help: "Rasterized image side in pixels.") var size = 256
    @Option(help: "Marching-cubes grid points per axis.") var grid = 128
    @Option(help: "Repetitions of the raster timing.") var repeats = 20

    func run() throws {
        try reportingErrors {
            print("threads: \(Parallel.workerCount)")
            let dome = Self.domeMesh(side: 71)
            try benchMesh(name: "dome", dome)
            let james = DataPaths.scan("james.obj")
            if FileManager.default.fileExists(atPath: james.path) {
                var w = Stopwatch()
                let scan = try MeshIO.load(james)
                print(String(format: "james.obj: load %.1f ms", w.milliseconds))
                w.reset()
                try benchMesh(name: "james", scan)
            }
            try benchMarchingCubes()
        }
    }

    /// A (side−1)²·2-triangle height field shaped like a dome (10 082 triangles for side 71).
    static func domeMesh(side: Int) -> TriangleMesh {
        var m = TriangleMesh.grid(nx: side, ny: side, x0: -1, x1: 1, y0: -1, y1: 1)
        m.vertices = m.vertices.map { v in
            let r2 = v.x * v.x + v.y * v.y
            return SIMD3(v.x, v.y, -0.6 * expf(-2 * r2) + 0.05 * sinf(9 * v.x) * cosf(7 * v.y))
        }
        m.normals = nil
        return m
    }

    func benchMesh(name: String, _ mesh: TriangleMesh) throws {
        var w = Stopwatch()
        let bvh = try MeshBVH(mesh)
        let buildMs = w.milliseconds
        let box = mesh.boundingBox
        var rng = SeededGenerator(seed: 1)
        let ext = box.extent * 1.2, lo = box.center - ext / 2
        let uniform = (0..<queries).map { _ in lo + ext * SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) }
        let samples = mesh.sampleSurface(count: queries, seed: 2)
        let scale = box.diagonal * 0.01
        let near = zip(samples.points, samples.normals).map { p, n in p + n * scale * rng.normal() }
        w.reset()
        let d1 = bvh.distances(uniform)
        let tUniform = w.seconds
        w.reset()
        let d2 = bvh.distances(near)
        let tNear = w.seconds
        print(String(format: "%@: %d triangles, BVH build %.1f ms (%d nodes)", name, mesh.faces.count, buildMs, bvh.nodeCount))
        print(String(format: "  distances, uniform in box: %.0f queries/s (mean %.4g)", Double(queries) / tUniform,
                     Double(d1.reduce(0, +)) / Double(queries)))
        print(String(format: "  distances, near surface:   %.0f queries/s (mean %.4g)", Double(queries) / tNear,
                     Double(d2.reduce(0, +)) / Double(queries)))

        // The mesh centred 1.2 diagonals in front of the camera.
        let center = box.center
        let placed = mesh.transformed(translation: SIMD3(-center.x, -center.y, -center.z + 1.2 * box.diagonal))
        let cam = PinholeCamera(fovY: 0.9, width: size, height: size)
        let raster = Rasterizer(camera: cam)
        var out = try raster.render(placed)
        w.reset()
        for _ in 0..<repeats { out = try raster.render(placed) }
        print(String(format: "  raster %d×%d: %.2f ms (%d pixels covered)", size, size,
                     w.milliseconds / Double(repeats), out.coveredCount))
    }

    func benchMarchingCubes() throws {
        let layout = GridLayout(covering: BoundingBox(min: SIMD3(repeating: -1), max: SIMD3(repeating: 1)), resolution: grid)
        var w = Stopwatch()
        let g = try ScalarGrid.evaluate(layout) { pts in
            pts.map { p in (p * p).sum().squareRoot() - 0.8 + 0.05 * sinf(8 * p.x) * sinf(8 * p.y) * sinf(8 * p.z) }
        }
        let evalMs = w.milliseconds
        w.reset()
        let m = try MarchingCubes.extract(g)
        let mcMs = w.milliseconds
        print(String(format: "marching cubes %d³: evaluate %.1f ms, extract %.1f ms → %d vertices, %d triangles, watertight %@",
                     grid, evalMs, mcMs, m.vertices.count, m.faces.count, m.isWatertight ? "yes" : "no"))
    }
}

import Foundation
import Geometry
import ImageIO
@testable import Report
import SiderCore

/// A small synthetic output folder, laid out as `sider reconstruct` writes one: a spherical
/// cap facing the camera as the coarse mesh, the cap subdivided three times with a known
/// ripple d(x, y) along the outward normal as the detailed mesh, images rasterized from both,
/// and a run.json whose loss records use both shapes (flat fields and a `terms` dictionary).
enum SyntheticRun {
    static let camera = PinholeCamera(fx: 512, fy: 512, cx: 128, cy: 128, width: 256, height: 256)
    static let amplitude: Float = 0.0015

    static func ripple(_ p: SIMD3<Float>) -> Float { amplitude * sinf(60 * p.x + 0.4) * sinf(50 * p.y + 0.7) }

    static func coarseMesh(grid n: Int = 14) -> TriangleMesh {
        var v: [SIMD3<Float>] = []
        for j in 0..<n { for i in 0..<n {
            let x = -0.07 + 0.14 * Float(i) / Float(n - 1), y = -0.08 + 0.16 * Float(j) / Float(n - 1)
            v.append(SIMD3(x, y, 0.5 - 0.05 * (1 - (x * x + y * y) / 0.0113)))
        } }
        var f: [SIMD3<Int32>] = []
        for j in 0..<(n - 1) { for i in 0..<(n - 1) {
            let a = Int32(j * n + i), b = a + 1, c = a + Int32(n), d = c + 1
            // Counter-clockwise seen from the camera (normal towards −z).
            f += [SIMD3(a, c, b), SIMD3(b, c, d)]
        } }
        return TriangleMesh(vertices: v, faces: f)
    }

    static func detailedMesh(_ coarse: TriangleMesh) -> TriangleMesh {
        var base = coarse
        for _ in 0..<3 { base = base.subdividedMidpoint() }
        let n = DetailMaps.outwardNormals(base)
        var out = base
        for i in base.vertices.indices { out.vertices[i] += ripple(base.vertices[i]) * n[i] }
        return out
    }

    static let runJSON = """
    {"tool": "sider reconstruct", "version": "test",
     "input": {"name": "/photos/synthetic.png", "sha256": "00ff", "width": 256, "height": 256}, "iterations": 3, "stopReason": "maxIterations", "resumed": false, "rays": 4000, "finalHitFraction": 0.97,
     "cameraCrop": {"fx": 512, "fy": 512, "cx": 128, "cy": 128, "width": 256, "height": 256},
     "cameraPhoto": {"fx": 512, "fy": 512, "cx": 128, "cy": 128, "width": 256, "height": 256},
     "coarsePrior": {"kind": "synthetic cap", "landmarkErrorMeanPx": 1.5, "landmarkErrorMaxPx": 4.25},
     "config": {"name": "fast", "seed": 1, "detail": {"iterations": 3, "losses": {"sdf": {"weight": 3}}}, "crop": {"size": 256}},
     "stages": [{"stage": "landmarks", "seconds": 0.5}, {"stage": "detail", "seconds": 12.25}],
     "coarseLoss": [{"step": 0, "geometric": 0.3, "eikonal": 0.1, "total": 0.31, "learningRate": 0.002, "seconds": 0.1},
                    {"step": 50, "geometric": 0.1, "eikonal": 0.05, "total": 0.105, "learningRate": 0.002, "seconds": 0.2}],
     "lossCurve": [{"iteration": 1, "total": 0.9, "photometric": 0.8, "sdf": 0.01, "eikonal": 0.02, "hitFraction": 0.9, "learningRate": 0.001},
                   {"iteration": 2, "total": 0.7, "photometric": 0.6, "sdf": 0.011, "eikonal": 0.015, "hitFraction": 0.95, "learningRate": 0.001},
                   {"iteration": 3, "total": 0.5, "terms": {"photometric": 0.45, "sdf": 0.012, "wrinkleNew": 0.003}, "learningRate": 0.001}],
     "someFutureField": {"anything": [1, 2, 3]},
     "outputs": ["crop.png"]}
    """

    /// Writes the folder; `includeAlbedo` adds albedo.png and shading.png.
    static func write(to dir: URL, includeAlbedo: Bool = false) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let coarse = coarseMesh(), detailed = detailedMesh(coarse)
        try MeshIO.save(coarse, to: dir.appendingPathComponent("coarse.obj"))
        try MeshIO.save(detailed, to: dir.appendingPathComponent("detailed.obj"))
        let w = camera.width, h = camera.height
        var crop = RGBImage(width: w, height: h)
        for y in 0..<h { for x in 0..<w {
            crop[x, y] = SIMD3(Float(x) / Float(w), Float(y) / Float(h), 0.5 + 0.5 * sinf(Float(x + y) / 9))
        } }
        let rd = try Rasterizer(camera: camera).render(detailed), rc = try Rasterizer(camera: camera).render(coarse)
        let images: [(String, RGBImage)] = [
            ("crop.png", crop), ("render.png", rd.shaded()), ("normals.png", rd.normalMap()),
            ("coarse_normals.png", rc.normalMap()), ("shaded.png", rd.shaded()), ("coarse_shaded.png", rc.shaded()),
            ("depth.png", rd.depthImage()), ("overlay.png", rd.shaded()),
        ] + (includeAlbedo ? [("albedo.png", RGBImage(width: w, height: h, fill: SIMD3(0.8, 0.6, 0.5))),
                              ("shading.png", rd.shaded())] : [])
        for (name, img) in images { try PNGEncoder.save(img, to: dir.appendingPathComponent(name)) }
        try AtomicFile.write(runJSON, to: dir.appendingPathComponent("run.json"))
    }

    static func temporaryFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sider-report-tests-\(name)-\(getpid())", isDirectory: true)
    }

    /// The repository root (for scripts/), from this file's path.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

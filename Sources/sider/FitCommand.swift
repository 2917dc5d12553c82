import ArgumentParser
import Foundation
import Geometry
import ImageIO
import Landmarks
import MorphableModels
import SiderCore
import SiderPipeline

/// `sider fit IMAGE [--flame FILE --landmark-embedding FILE] [--out DIR]`: the coarse geometry of
/// paper Sect. 3.2. Detects the face, crops a square around it resized to `--size` (256, as the
/// paper), then either fits FLAME to the 68 landmarks (Eq. 3) or, with no FLAME file, lifts the
/// 468-point face mesh into the camera frame (`LandmarkMeshPrior`). Writes `coarse.obj` (camera
/// coordinates, metres), `fit.json`, `coarse_overlay.png` and `coarse_normals.png`, all in the
/// crop's pixel frame.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit the coarse face prior (FLAME, or the landmark mesh) to a photo.")

    @Argument(help: "Photo (JPEG, PNG or PPM).")
    var image: String

    @OptionGroup var flameOptions: FLAMEOptions

    @Option(help: "Output folder.")
    var out: String = "out/fit"

    @Flag(help: "Write into --out even if it holds files that sider did not write.")
    var force = false

    @Option(help: "Side of the square face crop the fit works in, pixels.")
    var size: Int = 256

    @Option(help: "Which face to use, 0-based in largest-first order (default: the largest).")
    var face: Int?

    @Flag(help: "Weak-perspective (scaled orthographic) camera instead of the pinhole camera.")
    var weakPerspective = false

    func run() throws {
        try reportingErrors {
            guard size >= 32, size <= 4096 else { throw SiderError(.badInput, "--size must be in 32...4096") }
            if let face, face < 0 { throw SiderError(.badInput, "--face must be 0 or more") }
            let clock = Stopwatch()
            let url = URL(fileURLWithPath: image)
            let decoded = try ImageDecoder.load(url)
            // Load the model first: a bad model file should fail before the slow front end.
            let prior = try flameOptions.coarsePrior()

            let upright = try FaceLandmarker().runUpright(decoded, face: face)
            let photo = upright.photo, found = upright.landmarks
            if upright.rotationDegrees != 0 {
                print("the face was not upright: photo turned \(upright.rotationDegrees)° clockwise")
            }
            let crop = FaceCrop(around: found.points68, side: size)
            let cropImage = photo.warpedAffine(crop.toImage, width: size, height: size)
            let points68 = found.points68.map { crop.fromImage($0) }
            let landmarkSeconds = clock.seconds

            let result: CoarseResult
            switch prior {
            case .flame(let model, let embedding, _):
                result = try fitFLAME(model, embedding, points68: points68)
            case .landmarkMesh:
                result = try liftLandmarkMesh(found.points468.map { crop.fromImage($0) }, points68: points68)
            }
            let fitSeconds = clock.seconds - landmarkSeconds

            let dir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "fit", force: force)
            try MeshIO.save(result.mesh, to: dir.appendingPathComponent("coarse.obj"))
            let raster = try Rasterizer(camera: result.camera.geometryCamera).render(result.mesh)
            try PNGEncoder.save(try overlay(cropImage, raster, targets: points68, model: result.landmarks),
                                to: dir.appendingPathComponent("coarse_overlay.png"))
            try PNGEncoder.save(raster.normalMap(), to: dir.appendingPathComponent("coarse_normals.png"))
            let errors = zip(result.landmarks, points68).map { simd_distance($0, $1) }
            let report = FitReport(image: url.path, prior: result.prior, projection: result.camera.projection.rawValue,
                                   crop: crop.report, camera: result.camera, parameters: result.parameters,
                                   landmarkError: .init(meanPx: errors.reduce(0, +) / Float(max(errors.count, 1)),
                                                        maxPx: errors.max() ?? 0, count: errors.count),
                                   vertices: result.mesh.vertices.count, faces: result.mesh.faces.count,
                                   seconds: .init(landmarks: landmarkSeconds, fit: fitSeconds))
            try AtomicFile.writeJSON(report, to: dir.appendingPathComponent("fit.json"))
            print(String(format: "%@: %d vertices, landmark error %.2f px mean (%.2f max) at %d×%d, fit %.2f s → %@",
                         result.prior, result.mesh.vertices.count, report.landmarkError.meanPx, report.landmarkError.maxPx,
                         size, size, fitSeconds, dir.path))
        }
    }

    // MARK: - The two priors

    struct CoarseResult {
        var prior: String
        var mesh: TriangleMesh
        var camera: FitCamera
        var parameters: FLAMEParameters?
        /// The prior's 68 landmarks projected into the crop.
        var landmarks: [SIMD2<Float>]
    }

    private func fitFLAME(_ model: FLAMEModel, _ embedding: LandmarkEmbedding, points68: [SIMD2<Float>]) throws -> CoarseResult {
        var options = FitOptions()
        options.projection = weakPerspective ? .weakPerspective : .perspective
        let fit = try FLAMEFitter(model: model, embedding: embedding, options: options)
            .fit(landmarks: points68.map { SIMD2(Double($0.x), Double($0.y)) }, imageWidth: size, imageHeight: size)
        // Without a contour in the embedding only the 51 inner points are fitted and compared.
        var projected = fit.projectedLandmarks.map { SIMD2(Float($0.x), Float($0.y)) }
        if projected.count == 51 { projected = Array(points68.prefix(17)) + projected }
        return CoarseResult(prior: "FLAME", mesh: fit.mesh, camera: fit.camera, parameters: fit.parameters,
                            landmarks: projected)
    }

    private func liftLandmarkMesh(_ points468: [SIMD3<Float>], points68: [SIMD2<Float>]) throws -> CoarseResult {
        if weakPerspective {
            throw SiderError(.unsupported, "--weak-perspective applies to FLAME fitting; the landmark-mesh prior is perspective")
        }
        let triangles = try FaceMeshTopology.triangles()
        // The 68 points may be dlib-refined: warp the mesh so its own iBUG points meet them.
        let targets = LandmarkMeshPrior.LandmarkTargets(anchors: IBUG68.table, targets: points68)
        let (mesh, camera) = try LandmarkMeshPrior.build(points468: points468, triangles: triangles,
                                                         imageWidth: size, imageHeight: size, landmarks: targets)
        // iBUG points on the lifted mesh (its first 468 vertices are MediaPipe's), projected.
        let pinhole = camera.geometryCamera
        let landmarks = IBUG68.table.map { entry in
            pinhole.project(entry.reduce(SIMD3<Float>.zero) { $0 + $1.weight * mesh.vertices[$1.vertex] })
        }
        return CoarseResult(prior: "landmark mesh", mesh: mesh, camera: camera, parameters: nil, landmarks: landmarks)
    }

    // MARK: - Outputs

    /// The crop with the shaded mesh blended over it, target landmarks in green and the
    /// prior's projected landmarks in red.
    private func overlay(_ crop: RGBImage, _ raster: RasterOutput, targets: [SIMD2<Float>],
                         model: [SIMD2<Float>]) throws -> RGBImage {
        let shaded = raster.shaded()
        var image = try crop.blended(with: shaded, alpha: 0.6, mask: raster.mask.map { $0 ? 1 : 0 })
        for p in targets { image.drawPoint(p, radius: 1.5, color: SIMD3(0.1, 0.9, 0.2)) }
        for p in model { image.drawPoint(p, radius: 1, color: SIMD3(0.95, 0.15, 0.1)) }
        return image
    }

    struct FitReport: Encodable {
        struct LandmarkError: Encodable { var meanPx: Float; var maxPx: Float; var count: Int }
        struct Seconds: Encodable { var landmarks: Double; var fit: Double }
        var image: String
        var prior: String
        var projection: String
        var coordinates = "crop pixels (pixel (i, j) spans [i, i+1) x [j, j+1)); mesh in OpenCV camera coordinates (x right, y down, z forward), metres"
        var crop: FaceCrop.Report
        var camera: FitCamera
        var parameters: FLAMEParameters?
        var landmarkError: LandmarkError
        var vertices: Int
        var faces: Int
        var seconds: Seconds
    }
}

/// The square, axis-aligned face crop the fit works in: side 1.7 × the larger extent of the 68
/// landmarks, centred on them, resampled to `side` pixels.
struct FaceCrop {
    let origin: SIMD2<Float>
    /// Input pixels per crop pixel.
    let scale: Float
    let side: Int

    init(around points: [SIMD2<Float>], side: Int) {
        let lo = points.reduce(SIMD2(Float.infinity, .infinity)) { pointwiseMin($0, $1) }
        let hi = points.reduce(SIMD2(-Float.infinity, -.infinity)) { pointwiseMax($0, $1) }
        let extent = max(hi.x - lo.x, hi.y - lo.y, 1) * 1.7
        origin = (lo + hi) / 2 - extent / 2
        scale = extent / Float(side)
        self.side = side
    }

    /// Crop pixel → image pixel (the map `warpedAffine` wants).
    var toImage: AffineTransform2D { AffineTransform2D(a: scale, b: 0, c: origin.x, d: 0, e: scale, f: origin.y) }

    func fromImage(_ p: SIMD2<Float>) -> SIMD2<Float> { (p - origin) / scale }

    /// Image point with MediaPipe depth (same pixel scale) → crop pixels.
    func fromImage(_ p: SIMD3<Float>) -> SIMD3<Float> {
        let q = fromImage(SIMD2(p.x, p.y))
        return SIMD3(q.x, q.y, p.z / scale)
    }

    struct Report: Encodable { var x: Float; var y: Float; var sideInImage: Float; var size: Int }
    var report: Report { Report(x: origin.x, y: origin.y, sideInImage: scale * Float(side), size: side) }
}

private func simd_distance(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float { ((a - b) * (a - b)).sum().squareRoot() }

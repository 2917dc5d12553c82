import Geometry
import SiderCore

/// The default coarse prior when no FLAME file is given: MediaPipe's 468-vertex face mesh,
/// lifted into a 3D camera frame consistent with the image.
///
/// Lifting is **perspective** with the same pinhole camera a FLAME fit would use (OpenCV axes,
/// f = 2·max(W, H) unless given, principal point at the image centre, pixel centres at +0.5).
/// The face is put at the depth Z₀ = f · w / w_px that gives it a nominal metric width
/// w = 14 cm between the cheek vertices 234 and 454 (w_px: their distance in pixels), so the
/// mesh is in metres like FLAME's. Each vertex with image position (u, v) and MediaPipe depth z
/// (pixel scale, smaller = nearer) goes to depth Z = Z₀ + z · Z₀ / f (a pixel at Z₀ is Z₀/f
/// metres) on its own pixel ray: X = (u − cx) Z / f, Y = (v − cy) Z / f — so projecting the
/// mesh gives back exactly the detected points. Optional midpoint subdivision and Taubin
/// smoothing make it less faceted; smoothing is applied to depth only (each vertex is put back
/// on its own pixel ray at its smoothed depth), so the projection stays on the image points.
public enum LandmarkMeshPrior {
    public static let nominalFaceWidth = 0.14
    public static let cheekVertices = (234, 454)

    public struct Options: Sendable {
        /// Focal length in pixels; nil: 2 · max(width, height), as `FitOptions`.
        public var focalLength: Double? = nil
        /// Levels of midpoint subdivision (each ×4 triangles).
        public var subdivisions = 1
        /// Taubin λ|μ smoothing iterations after subdivision (boundary fixed).
        public var smoothingIterations = 3
        public init() {}
    }

    /// - Parameters:
    ///   - points468: MediaPipe's face-mesh vertices (x, y in image pixels, z in pixel scale).
    ///   - triangles: the face-mesh triangles over those vertices.
    /// - Returns: the mesh in camera coordinates (metres), triangles facing the camera, and its camera.
    public static func build(points468: [SIMD3<Float>], triangles: [SIMD3<Int32>], imageWidth: Int, imageHeight: Int,
                             options: Options = Options()) throws -> (mesh: TriangleMesh, camera: FitCamera) {
        guard points468.count == 468 else {
            throw SiderError(.badInput, "landmark mesh prior needs the 468 face-mesh points, got \(points468.count)")
        }
        guard !triangles.isEmpty, triangles.allSatisfy({ t in (0..<3).allSatisfy { t[$0] >= 0 && t[$0] < 468 } }) else {
            throw SiderError(.badInput, "landmark mesh prior: triangle list empty or referring to vertices outside 0..<468")
        }
        guard imageWidth > 0, imageHeight > 0,
              points468.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw SiderError(.badInput, "landmark mesh prior: empty image or non-finite points")
        }
        let f = options.focalLength ?? 2 * Double(max(imageWidth, imageHeight))
        let cx = Double(imageWidth) / 2, cy = Double(imageHeight) / 2
        let a = points468[cheekVertices.0], b = points468[cheekVertices.1]
        let widthPx = Double(((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot())
        guard widthPx > 1 else { throw SiderError(.badInput, "landmark mesh prior: degenerate face (width \(widthPx) px)") }
        let Z0 = f * nominalFaceWidth / widthPx
        let vertices = points468.map { p -> SIMD3<Float> in
            let Z = Z0 + Double(p.z) * Z0 / f
            return SIMD3(Float((Double(p.x) - cx) * Z / f), Float((Double(p.y) - cy) * Z / f), Float(Z))
        }
        var mesh = TriangleMesh(vertices: vertices, faces: triangles)
        // Face the camera: normals (b−a)×(c−a) should point towards −z on average.
        let meanNormalZ = mesh.faceNormals().reduce(Float(0)) { $0 + $1.z }
        if meanNormalZ > 0 { mesh = mesh.flipped() }
        for _ in 0..<max(options.subdivisions, 0) { mesh = mesh.subdividedMidpoint() }
        let smoothed = mesh.smoothedTaubin(iterations: options.smoothingIterations)
        // Depth-only smoothing: keep each vertex's pixel, take the smoothed depth.
        for i in mesh.vertices.indices {
            let p = mesh.vertices[i], z = smoothed.vertices[i].z
            mesh.vertices[i] = SIMD3(p.x / p.z * z, p.y / p.z * z, z)
        }
        let camera = FitCamera(projection: .perspective, width: imageWidth, height: imageHeight, focalLength: f,
                               cx: cx, cy: cy, scale: 1, translation: .zero)
        return (mesh, camera)
    }
}

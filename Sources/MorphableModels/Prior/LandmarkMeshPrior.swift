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
///
/// When the 68 landmarks come from another detector than the mesh (the front end refines them
/// with dlib), `landmarks` moves the mesh onto them first: the image positions of the 468
/// points are warped by a smooth Gaussian-RBF field (width 15 % of the face) that carries the
/// mesh's own iBUG points (affine combinations of its vertices) onto the given ones, repeated
/// three times so the combinations land within a fraction of a pixel.
///
/// MediaPipe's mesh ends in the middle of the forehead; `Options.foreheadExtension` continues it
/// upwards (`extendForehead`, before lifting) so that forehead lines above it can be recovered.
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
        /// How far the forehead is extended above MediaPipe's mesh, as a fraction of the face
        /// height (vertex 152 chin to 10 forehead); 0: the mesh as detected. See `extendForehead`.
        public var foreheadExtension: Float = 0
        public init() {}
    }

    /// 68 (or any number of) landmarks the mesh should project onto, each an affine combination
    /// of face-mesh vertices (`anchors`, e.g. Landmarks' `IBUG68.table`) with its image target.
    public struct LandmarkTargets: Sendable {
        public var anchors: [[(vertex: Int, weight: Float)]]
        public var targets: [SIMD2<Float>]
        public init(anchors: [[(vertex: Int, weight: Float)]], targets: [SIMD2<Float>]) {
            self.anchors = anchors
            self.targets = targets
        }
    }

    /// - Parameters:
    ///   - points468: MediaPipe's face-mesh vertices (x, y in image pixels, z in pixel scale).
    ///   - triangles: the face-mesh triangles over those vertices.
    /// - Returns: the mesh in camera coordinates (metres), triangles facing the camera, and its camera.
    public static func build(points468 input: [SIMD3<Float>], triangles: [SIMD3<Int32>], imageWidth: Int, imageHeight: Int,
                             landmarks: LandmarkTargets? = nil,
                             options: Options = Options()) throws -> (mesh: TriangleMesh, camera: FitCamera) {
        var points468 = input
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
        if let landmarks { try warp(&points468, onto: landmarks, width: 0.15 * widthPx) }
        var faces = triangles
        if options.foreheadExtension > 0 {
            (points468, faces) = extendForehead(points468, triangles: triangles, by: options.foreheadExtension)
        }
        let Z0 = f * nominalFaceWidth / widthPx
        let vertices = points468.map { p -> SIMD3<Float> in
            let Z = Z0 + Double(p.z) * Z0 / f
            return SIMD3(Float((Double(p.x) - cx) * Z / f), Float((Double(p.y) - cy) * Z / f), Float(Z))
        }
        var mesh = TriangleMesh(vertices: vertices, faces: faces)
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

    /// Vertex 10: the top of MediaPipe's face oval (mid-forehead); 151 is the next vertex below it.
    public static let foreheadVertices = (top: 10, belowTop: 151)
    public static let chinVertex = 152

    /// MediaPipe's mesh ends in the middle of the forehead, above which forehead lines often lie.
    /// Adds a row of vertices above the upper part of the face oval: every boundary vertex b whose
    /// height along the face's up axis u (chin 152 → forehead 10, image plane) is at least 70 %
    /// of the face height H gets a copy b + e·H·u, its depth continued with the forehead's slope
    /// along u (from vertices 10 and 151, in MediaPipe's pixel-scale z); each boundary edge
    /// between two such vertices gets two triangles, wound against the edge's face. The 468
    /// points keep their indices; the copies follow them.
    public static func extendForehead(_ points: [SIMD3<Float>], triangles: [SIMD3<Int32>], by e: Float)
        -> (points: [SIMD3<Float>], triangles: [SIMD3<Int32>]) {
        func xy(_ p: SIMD3<Float>) -> SIMD2<Float> { SIMD2(p.x, p.y) }
        let top = points[foreheadVertices.top], below = points[foreheadVertices.belowTop], chin = points[chinVertex]
        let axis = xy(top) - xy(chin), height = (axis * axis).sum().squareRoot()
        guard height > 1 else { return (points, triangles) }
        let u = axis / height
        let rise = ((xy(top) - xy(below)) * u).sum()
        let slope = rise > 0.5 ? (top.z - below.z) / rise : 0
        // Directed edges; a boundary edge is one whose reverse no face has.
        var directed = Set<SIMD2<Int32>>()
        for t in triangles { for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] { directed.insert(SIMD2(a, b)) } }
        let boundary = directed.filter { !directed.contains(SIMD2($0.y, $0.x)) }
        func isUpper(_ i: Int32) -> Bool { ((xy(points[Int(i)]) - xy(chin)) * u).sum() >= 0.7 * height }
        var out = points, copy: [Int32: Int32] = [:]
        func copied(_ i: Int32) -> Int32 {
            if let c = copy[i] { return c }
            let p = points[Int(i)], step = e * height
            out.append(SIMD3(p.x + step * u.x, p.y + step * u.y, p.z + step * slope))
            copy[i] = Int32(out.count - 1)
            return copy[i]!
        }
        var faces = triangles
        for edge in boundary.sorted(by: { ($0.x, $0.y) < ($1.x, $1.y) }) where isUpper(edge.x) && isUpper(edge.y) {
            // The edge's face has a → b; the new strip runs b → a.
            let a = edge.x, b = edge.y, a2 = copied(a), b2 = copied(b)
            faces.append(SIMD3(b, a, a2))
            faces.append(SIMD3(b, a2, b2))
        }
        return (out, faces)
    }

    /// Moves the image positions of the points so the anchors' combinations reach the targets.
    private static func warp(_ points: inout [SIMD3<Float>], onto l: LandmarkTargets, width: Double) throws {
        guard l.anchors.count == l.targets.count,
              l.anchors.allSatisfy({ $0.allSatisfy { $0.vertex >= 0 && $0.vertex < points.count } }),
              l.targets.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw SiderError(.badInput, "landmark mesh prior: landmark anchors and targets do not match the mesh")
        }
        let targets = l.targets.map { SIMD2(Double($0.x), Double($0.y)) }
        for _ in 0..<3 {
            let anchors = l.anchors.map { entry in
                entry.reduce(SIMD2<Double>.zero) { $0 + Double($1.weight) * SIMD2(Double(points[$1.vertex].x), Double(points[$1.vertex].y)) }
            }
            guard let field = LandmarkWarp(anchors: anchors, targets: targets, width: width) else { return }
            for i in points.indices {
                let d = field.displacement(at: SIMD2(Double(points[i].x), Double(points[i].y)))
                points[i].x += Float(d.x)
                points[i].y += Float(d.y)
            }
        }
    }
}

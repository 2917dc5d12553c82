import Foundation
import Testing
import Geometry
import ImageIO
import SiderPipeline

/// What users receive in normals.png and depth.png, decoded from the PNG files and compared with
/// the encodings the README documents, on scenes whose normals and depth are known:
///   normals: RGB = ((n_x + 1)/2, (1 − n_y)/2, (1 − n_z)/2), background black;
///   depth:   grey = 1 − 0.9·(z − z_min)/(z_max − z_min) over the surface (nearest white,
///            farthest 0.1 grey), background black.
/// The detailed surface's images come from `FaceImages` (sphere tracing f_θ); the coarse prior's
/// from the `Rasterizer` (coarse_normals.png, and the scan renders of the evaluation).
@Suite struct OutputImageTests {
    /// 8-bit PNG: the writer rounds v·255 (± ½/255), the reader returns k/255.
    static let quantum: Float = 0.5 / 255

    static func roundTrip(_ image: RGBImage, _ name: String) throws -> RGBImage {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sider-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try PNGEncoder.save(image, to: url)
        let back = try ImageDecoder.load(url)
        #expect(back.width == image.width && back.height == image.height)
        return back
    }

    static func pixel(_ img: RGBImage, _ i: Int) -> SIMD3<Float> {
        SIMD3(img.pixels[3 * i], img.pixels[3 * i + 1], img.pixels[3 * i + 2])
    }

    static func documentedNormalColour(_ n: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3((n.x + 1) / 2, (1 - n.y) / 2, (1 - n.z) / 2)
    }

    static func documentedGrey(_ z: Float, _ lo: Float, _ hi: Float) -> Float { 1 - 0.9 * (z - lo) / (hi - lo) }

    static func maxAbs(_ v: SIMD3<Float>) -> Float { max(abs(v.x), abs(v.y), abs(v.z)) }

    static func unit(_ v: SIMD3<Float>) -> SIMD3<Float> { v / (v * v).sum().squareRoot() }

    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    /// A sphere (centre c, radius r) traced through every pixel: at pixels whose ray passes well
    /// inside the silhouette, n = (p − c)/r at the analytic hit p; well outside, black.
    @Test func sphereTracedNormalsAndDepthDecodeToTheDocumentedEncoding() throws {
        let size = 40
        let cam = PinholeCamera(fx: 50, fy: 50, cx: 20, cy: 20, width: size, height: size)
        let c = SIMD3<Float>(0.03, -0.02, 1), r: Float = 0.3
        let mask = PixelMask(width: size, height: size, fill: true)
        let rays = RaySet(camera: cam, mask: mask, depth: [Float](repeating: 1, count: size * size), margin: 0.45)
        let sphere = BumpySDF(center: c, radius: r, amplitudes: [], frequencies: [], phases: [], featureCount: 0)
        let shader = LambertShader(albedo: [0.8, 0.6, 0.5], light: [0.3, -0.2, -0.9], ambient: 0.2,
                                   featureWeight: 0, pointWeight: 0, featureCount: 0)
        var settings = SphereTraceSettings()
        settings.threshold = 1e-6
        let images = FaceImages(rays: rays, renderer: SurfaceRenderer(tracer: SphereTracer(settings: settings)),
                                geometry: sphere, shader: shader)
        let normals = try Self.roundTrip(images.normalImage, "normals.png")
        let depth = try Self.roundTrip(images.depthImage, "depth.png")

        var truth = [Float?](repeating: nil, count: size * size), margin = [Bool](repeating: false, count: size * size)
        for y in 0..<size { for x in 0..<size {
            let v = cam.ray(x: x, y: y).direction
            let b = (v * c).sum(), miss = (c * c).sum() - b * b     // squared distance of the ray from c
            margin[y * size + x] = abs(miss.squareRoot() - r) > 0.05 * r
            if let t = raySphere(v, c, r) { truth[y * size + x] = t }
        } }
        let hits = (0..<(size * size)).filter { images.depth[$0].isFinite }
        let zs = hits.compactMap { i in truth[i].map { t in t * cam.ray(x: i % size, y: i / size).direction.z } }
        let lo = try #require(zs.min()), hi = try #require(zs.max())
        var worstNormal: Float = 0, worstGrey: Float = 0, checked = 0
        for i in 0..<(size * size) where margin[i] {
            let v = cam.ray(x: i % size, y: i / size).direction
            guard let t = truth[i] else {
                #expect(Self.pixel(normals, i) == .zero && Self.pixel(depth, i) == .zero, "background pixel \(i) not black")
                continue
            }
            checked += 1
            let p = t * v, n = (p - c) / r
            worstNormal = max(worstNormal, Self.maxAbs(Self.pixel(normals, i) - Self.documentedNormalColour(n)))
            let g = Self.documentedGrey(p.z, lo, hi)
            worstGrey = max(worstGrey, Self.maxAbs(Self.pixel(depth, i) - SIMD3(repeating: g)))
        }
        print(String(format: "sphere: %d pixels, worst normal colour error %.5f, worst grey error %.5f (quantum %.5f)",
                     checked, worstNormal, worstGrey, Self.quantum))
        #expect(checked > 400)
        // The tracer stops within 10⁻⁶ of the surface: n is off by ~10⁻⁶/r, far below a quantum;
        // 1.05 quanta leaves room for float32 rounding at a half-quantum boundary.
        #expect(worstNormal <= 1.05 * Self.quantum)
        // The grey's range comes from the grazing hits, traced to ~10⁻⁶ in t: the same bound.
        #expect(worstGrey <= 1.05 * Self.quantum)
    }

    /// A tilted plane quad, rasterized: its normal (facing the camera) everywhere it covers a
    /// pixel centre, the analytic z of that centre's ray in the grey, black elsewhere.
    @Test func rasterizedPlaneNormalsAndDepthDecodeToTheDocumentedEncoding() throws {
        let size = 32
        let cam = PinholeCamera(fx: 40, fy: 40, cx: 16, cy: 16, width: size, height: size)
        // Plane through q with normal m (towards the camera), spanned by e1, e2.
        let q = SIMD3<Float>(0.02, 0.01, 1.2), m = Self.unit(SIMD3<Float>(0.35, -0.25, -1))
        let e1 = Self.unit(Self.cross(m, SIMD3(0, 1, 0))), e2 = Self.cross(m, e1)
        let corners = [q - 0.25 * e1 - 0.2 * e2, q + 0.25 * e1 - 0.2 * e2, q + 0.25 * e1 + 0.2 * e2, q - 0.25 * e1 + 0.2 * e2]
        let mesh = TriangleMesh(vertices: corners, faces: [SIMD3(0, 1, 2), SIMD3(0, 2, 3)])
        let raster = try Rasterizer(camera: cam).render(mesh)
        let normals = try Self.roundTrip(raster.normalMap(), "coarse_normals.png")
        let depth = try Self.roundTrip(raster.depthImage(), "depth.png")

        // Analytic: the centre ray v meets the plane at t = (m·q)/(m·v); covered if inside the quad.
        var z = [Float?](repeating: nil, count: size * size), clear = [Bool](repeating: false, count: size * size)
        for y in 0..<size { for x in 0..<size {
            let v = cam.ray(x: x, y: y).direction
            let p = (m * q).sum() / (m * v).sum() * v
            let a = ((p - q) * e1).sum() / 0.25, b = ((p - q) * e2).sum() / 0.2
            clear[y * size + x] = abs(abs(a) - 1) > 0.05 && abs(abs(b) - 1) > 0.05
            if abs(a) < 1 && abs(b) < 1 { z[y * size + x] = p.z }
        } }
        let zs = z.compactMap { $0 }
        let lo = try #require(zs.min()), hi = try #require(zs.max())
        let colour = Self.documentedNormalColour(m)
        var covered = 0
        for i in 0..<(size * size) where clear[i] {
            guard let zi = z[i] else {
                #expect(Self.pixel(normals, i) == .zero && Self.pixel(depth, i) == .zero, "background pixel \(i) not black")
                continue
            }
            covered += 1
            // Exact normal and perspective-correct depth: only the 8-bit rounding remains.
            #expect(Self.maxAbs(Self.pixel(normals, i) - colour) <= 1.01 * Self.quantum, "normal at pixel \(i)")
            #expect(Self.maxAbs(Self.pixel(depth, i) - SIMD3(repeating: Self.documentedGrey(zi, lo, hi))) <= 1.01 * Self.quantum,
                    "depth at pixel \(i)")
        }
        #expect(covered > 150)
        // The encoding's fixed points: the nearest covered pixel is white, the farthest 0.1 grey.
        let nearest = try #require(z.indices.filter { z[$0] != nil }.min { z[$0]! < z[$1]! })
        let farthest = try #require(z.indices.filter { z[$0] != nil }.max { z[$0]! < z[$1]! })
        #expect(Self.pixel(depth, nearest) == SIMD3(repeating: 1))
        #expect(abs(Self.pixel(depth, farthest).x - 0.1) <= Self.quantum + 1e-6)
    }
}

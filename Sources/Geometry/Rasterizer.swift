import SiderCore
import ImageIO

/// Per-pixel result of rasterizing a mesh; row-major, index = y·width + x.
public struct RasterOutput: Sendable {
    public let width: Int
    public let height: Int
    /// Camera-space z of the nearest surface; +∞ where nothing was drawn.
    public var depth: [Float]
    /// Camera-space unit normal facing the camera; zero where empty.
    public var normals: [SIMD3<Float>]
    /// Index into `mesh.faces` of the visible triangle; −1 where empty.
    public var triangles: [Int32]
    /// Perspective-correct barycentric weights (w0, w1, w2) on the visible triangle; zero where empty.
    public var barycentrics: [SIMD3<Float>]
    /// True where a triangle covers the pixel centre.
    public var mask: [Bool]

    init(width: Int, height: Int) {
        let n = width * height
        self.width = width
        self.height = height
        depth = [Float](repeating: .infinity, count: n)
        normals = [SIMD3<Float>](repeating: .zero, count: n)
        triangles = [Int32](repeating: -1, count: n)
        barycentrics = [SIMD3<Float>](repeating: .zero, count: n)
        mask = [Bool](repeating: false, count: n)
    }

    /// Number of covered pixels.
    public var coveredCount: Int { mask.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Camera-space surface points (unprojected pixel centres at their depth); zero where empty.
    public func positions(camera: any Camera) -> [SIMD3<Float>] {
        (0..<(width * height)).map { i in
            mask[i] ? camera.unproject(SIMD2(Float(i % width) + 0.5, Float(i / width) + 0.5), depth: depth[i]) : .zero
        }
    }

    /// Lambertian preview of the normals (see `Shading.shade`).
    public func shaded(light: SIMD3<Float> = SIMD3(0, 0, -1), ambient: Float = 0.15,
                       albedo: SIMD3<Float> = SIMD3(repeating: 0.85)) -> RGBImage {
        Shading.shade(normals: normals, width: width, height: height, light: light, ambient: ambient, albedo: albedo)
    }

    /// The normals colour-encoded (see `NormalMap`).
    public func normalMap() -> RGBImage { NormalMap.encode(normals, width: width, height: height) }

    /// The depth as a grey image (see `DepthMap`).
    public func depthImage() -> RGBImage { DepthMap.encode(depth, width: width, height: height) }
}

/// Z-buffered triangle rasterization of a mesh given in camera coordinates.
///
/// Every triangle is drawn whatever its winding (front- and back-facing); the nearest surface
/// wins (ties keep the lower triangle index). A pixel is covered when its centre
/// (x + 0.5, y + 0.5) lies inside the projected triangle: screen-space barycentrics
/// λᵢ = Eᵢ(p)/E(triangle) ≥ 0 from edge functions E. Attributes are interpolated
/// perspective-correctly: bᵢ = (λᵢ/wᵢ) / Σⱼ(λⱼ/wⱼ) with wᵢ = zᵢ for a pinhole camera (wᵢ = 1 for
/// orthographic), so depth z = Σ bᵢ zᵢ is the exact camera z of the surface point.
///
/// Normals: `.smooth` interpolates vertex normals (the mesh's `normals`, else area-weighted ones)
/// with the bᵢ and renormalises; `.flat` uses the face normal. Either is negated on triangles
/// whose face normal points away from the camera, so every output normal faces the viewer.
/// Triangles with a vertex at z ≤ `near` (perspective only) are skipped, not clipped.
/// Work is split into bands of rows across the cores.
public struct Rasterizer: Sendable {
    public enum NormalMode: Sendable { case smooth, flat }

    public var camera: any Camera
    public var normalMode: NormalMode
    public var near: Float

    public init(camera: any Camera, normalMode: NormalMode = .smooth, near: Float = 1e-4) {
        self.camera = camera
        self.normalMode = normalMode
        self.near = near
    }

    /// Screen-space set-up of one triangle.
    struct Setup {
        var s0: SIMD2<Float>, s1: SIMD2<Float>, s2: SIMD2<Float>
        var invW: SIMD3<Float>   // 1/wᵢ
        var z: SIMD3<Float>
        var invArea: Float
        var x0: Int32, x1: Int32, y0: Int32, y1: Int32  // inclusive pixel range; x0 > x1 = skip
    }

    public func render(_ mesh: TriangleMesh) throws -> RasterOutput {
        try mesh.validate(name: "rasterized mesh")
        let w = camera.width, h = camera.height
        guard w > 0, h > 0 else { throw SiderError(.badInput, "rasterizer: image size \(w)×\(h)") }
        var out = RasterOutput(width: w, height: h)
        let setups = triangleSetups(mesh)
        rasterize(setups, into: &out)
        fillNormals(mesh, into: &out)
        return out
    }

    private func triangleSetups(_ mesh: TriangleMesh) -> [Setup] {
        let cam = camera
        let persp = cam.isPerspective
        let screen = mesh.vertices.map { cam.project($0) }
        let w = Float(camera.width), h = Float(camera.height)
        return mesh.faces.map { f in
            let i0 = Int(f.x), i1 = Int(f.y), i2 = Int(f.z)
            let z = SIMD3(mesh.vertices[i0].z, mesh.vertices[i1].z, mesh.vertices[i2].z)
            var s = Setup(s0: screen[i0], s1: screen[i1], s2: screen[i2], invW: SIMD3(repeating: 1), z: z,
                          invArea: 0, x0: 1, x1: 0, y0: 1, y1: 0)
            if persp {
                guard z.min() > near else { return s }
                s.invW = 1 / z
            }
            let area = Rasterizer.edge(s.s0, s.s1, s.s2)
            guard abs(area) > 1e-12, area.isFinite else { return s }
            s.invArea = 1 / area
            let lo = pointwiseMin(s.s0, pointwiseMin(s.s1, s.s2)), hi = pointwiseMax(s.s0, pointwiseMax(s.s1, s.s2))
            // Pixel centres x + 0.5 inside [lo, hi].
            let fx0 = max(0, (lo.x - 0.5).rounded(.up)), fx1 = min(w - 1, (hi.x - 0.5).rounded(.down))
            let fy0 = max(0, (lo.y - 0.5).rounded(.up)), fy1 = min(h - 1, (hi.y - 0.5).rounded(.down))
            guard fx0 <= fx1, fy0 <= fy1 else { return s }
            s.x0 = Int32(fx0); s.x1 = Int32(fx1); s.y0 = Int32(fy0); s.y1 = Int32(fy1)
            return s
        }
    }

    /// Edge function: twice the signed area of (a, b, p).
    @inline(__always)
    static func edge(_ a: SIMD2<Float>, _ b: SIMD2<Float>, _ p: SIMD2<Float>) -> Float {
        (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
    }

    /// Z-buffer pass: fills depth, triangle ids and barycentrics, one band of rows per task.
    private func rasterize(_ setups: [Setup], into out: inout RasterOutput) {
        let w = out.width, h = out.height
        let persp = camera.isPerspective
        let bands = min(h, Parallel.workerCount * 4)
        var depthBuf = out.depth, triBuf = out.triangles, baryBuf = out.barycentrics
        depthBuf.withUnsafeMutableBufferPointer { db in
            triBuf.withUnsafeMutableBufferPointer { tb in
                baryBuf.withUnsafeMutableBufferPointer { bb in
                    setups.withUnsafeBufferPointer { sb in
                        let target = BandTarget(width: w, persp: persp, depth: SendablePointer(db.baseAddress!),
                                                tri: SendablePointer(tb.baseAddress!), bary: SendablePointer(bb.baseAddress!))
                        let sp = SendableConstPointer(sb.baseAddress!)
                        let count = sb.count
                        parallelFor(bands) { range in
                            for band in range {
                                let yLo = Int32(h * band / bands), yHi = Int32(h * (band + 1) / bands) - 1
                                for t in 0..<count { target.draw(sp[t], id: Int32(t), rows: yLo, yHi) }
                            }
                        }
                    }
                }
            }
        }
        out.depth = depthBuf
        out.triangles = triBuf
        out.barycentrics = baryBuf
    }

    /// The buffers one band writes into (each band owns disjoint rows).
    struct BandTarget: Sendable {
        let width: Int
        let persp: Bool
        let depth: SendablePointer<Float>
        let tri: SendablePointer<Int32>
        let bary: SendablePointer<SIMD3<Float>>

        @inline(__always)
        func draw(_ s: Setup, id: Int32, rows yLo: Int32, _ yHi: Int32) {
            guard s.x0 <= s.x1, s.y1 >= yLo, s.y0 <= yHi else { return }
            for y in max(s.y0, yLo)...min(s.y1, yHi) {
                let py = Float(y) + 0.5
                let row = Int(y) * width
                for x in s.x0...s.x1 {
                    let p = SIMD2(Float(x) + 0.5, py)
                    let l = SIMD3(Rasterizer.edge(s.s1, s.s2, p), Rasterizer.edge(s.s2, s.s0, p),
                                  Rasterizer.edge(s.s0, s.s1, p)) * s.invArea
                    // A small tolerance so pixel centres on shared edges are never lost.
                    guard l.min() >= -1e-6 else { continue }
                    let lc = pointwiseMax(l, .zero)
                    let q = lc * s.invW
                    let qs = q.sum()
                    let b = q / qs
                    // Perspective: 1/z interpolates linearly in screen space.
                    let z = persp ? lc.sum() / qs : (b * s.z).sum()
                    let i = row + Int(x)
                    if z < depth[i] {
                        depth[i] = z
                        tri[i] = id
                        bary[i] = b
                    }
                }
            }
        }
    }

    /// Normal pass: the camera-facing normal of each covered pixel, and the mask.
    private func fillNormals(_ mesh: TriangleMesh, into out: inout RasterOutput) {
        let smooth = normalMode == .smooth
        let vn = smooth ? (mesh.normals ?? mesh.vertexNormals()) : []
        let persp = camera.isPerspective
        let cam = camera
        let w = out.width
        let n = out.width * out.height
        let tris = out.triangles, bary = out.barycentrics, depth = out.depth
        var normalBuf = out.normals, maskBuf = out.mask
        normalBuf.withUnsafeMutableBufferPointer { nb in
            maskBuf.withUnsafeMutableBufferPointer { mb in
                let normals = SendablePointer(nb.baseAddress!), mask = SendablePointer(mb.baseAddress!)
                parallelFor(n, minChunk: 4096) { range in
                    for i in range {
                        let t = Int(tris[i])
                        guard t >= 0 else { continue }
                        mask[i] = true
                        let f = mesh.faces[t]
                        let a = mesh.vertices[Int(f.x)], b = mesh.vertices[Int(f.y)], c = mesh.vertices[Int(f.z)]
                        let fn = normalized(cross(b - a, c - a))
                        let view = persp ? cam.unproject(SIMD2(Float(i % w) + 0.5, Float(i / w) + 0.5), depth: depth[i])
                                         : SIMD3<Float>(0, 0, 1)
                        var nrm = fn
                        if smooth {
                            let wt = bary[i]
                            let s = normalized(wt.x * vn[Int(f.x)] + wt.y * vn[Int(f.y)] + wt.z * vn[Int(f.z)])
                            if s != .zero { nrm = s }
                        }
                        normals[i] = dot(fn, view) > 0 ? -nrm : nrm
                    }
                }
            }
        }
        out.normals = normalBuf
        out.mask = maskBuf
    }
}

import SiderCore

/// The signed distance of a triangle mesh, sampled on a regular lattice in a narrow band around
/// the mesh and read back as a tricubic B-spline:
///   f(x) = Σ_ijk c_ijk B(u − i) B(v − j) B(w − k),   (u, v, w) = (x − origin) / h,
/// c the samples themselves (no prefilter: the spline averages them over about one spacing,
/// which rounds a fine mesh's facets off). A sample is ±Point2Mesh, + on the side the outward
/// normal (interpolated at the nearest point; outward = away from the vertex centroid) points
/// to, so f has no kink at the mesh and its zero level set is the mesh. The spline is C²: ∇f
/// and the Hessian are continuous — what sphere tracing, shading by ∇f and IDR's implicit
/// differentiation of the hit point need. Where a point's 4×4×4 support leaves the band, the
/// exact signed Point2Mesh stands in (`MeshBVH`; the spline differs from it by the smoothing
/// only, about h²/6 times the curvature): ∇f = ±(x − c)/‖x − c‖, Hessian taken as 0 (such
/// points are far from the surface, where nothing is shaded). Beyond an open mesh's boundary
/// the sign flips across the plane the surface continues in: f's zero level set continues the
/// surface there (over the eye and mouth holes, past the outline).
public struct MeshDistanceGrid: Sendable {
    public let layout: GridLayout
    /// Band half-width around the mesh, in mesh units.
    public let band: Float
    public let bvh: MeshBVH
    /// The mesh's outward vertex normals (the sign of the distance).
    let normals: [SIMD3<Float>]
    /// Samples c (NaN outside the band), x fastest.
    let values: [Float]
    /// 1 where the cell whose lower corner is that node has its whole 4×4×4 support in the band.
    let supported: [UInt8]

    /// The most lattice points a grid may have (4 bytes each, plus 1 for the support mask).
    public static let maxPoints = 48_000_000

    /// Samples `mesh`'s signed distance at every lattice point within `band` of a triangle.
    /// - Parameters:
    ///   - spacing: h, in mesh units.
    ///   - band: how far from the mesh samples are taken; at least 4h, so that a point within
    ///     0.5h of the surface has its whole support sampled.
    public init(mesh: TriangleMesh, spacing h: Float, band: Float) throws {
        guard h.isFinite, h > 0, band.isFinite, band > 0 else {
            throw SiderError(.badInput, "mesh distance grid: spacing and band must be finite and positive")
        }
        let bvh = try MeshBVH(mesh)
        let box = mesh.boundingBox.expanded(by: band + 3 * h)
        let counts = (box.extent / h).rounded(.up) + 1
        guard counts.max() < 1e6 else { throw SiderError(.badInput, "mesh distance grid: spacing too small for the mesh") }
        let dims = SIMD3<Int>(Int(counts.x), Int(counts.y), Int(counts.z))
        guard let total = CheckedSize.product([dims.x, dims.y, dims.z], limit: Self.maxPoints) else {
            throw SiderError(.badInput, "mesh distance grid: \(dims.x)×\(dims.y)×\(dims.z) points exceed \(Self.maxPoints); use a larger spacing")
        }
        let layout = GridLayout(dims: dims, origin: box.min, spacing: SIMD3(repeating: h))
        // Lattice points within `band` of a triangle's bounding box.
        var inBand = [UInt8](repeating: 0, count: total)
        for t in mesh.faces {
            let a = mesh.vertices[Int(t.x)], b = mesh.vertices[Int(t.y)], c = mesh.vertices[Int(t.z)]
            let lo = ((pointwiseMin(a, pointwiseMin(b, c)) - band - layout.origin) / h).rounded(.up)
            let hi = ((pointwiseMax(a, pointwiseMax(b, c)) + band - layout.origin) / h).rounded(.down)
            let i0 = SIMD3<Int>(Int(max(lo.x, 0)), Int(max(lo.y, 0)), Int(max(lo.z, 0)))
            let i1 = SIMD3<Int>(min(Int(hi.x), dims.x - 1), min(Int(hi.y), dims.y - 1), min(Int(hi.z), dims.z - 1))
            guard i0.x <= i1.x, i0.y <= i1.y, i0.z <= i1.z else { continue }
            for k in i0.z...i1.z { for j in i0.y...i1.y {
                let row = layout.index(0, j, k)
                for i in i0.x...i1.x { inBand[row + i] = 1 }
            } }
        }
        var indices: [Int] = []
        var points: [SIMD3<Float>] = []
        for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x where inBand[layout.index(i, j, k)] != 0 {
            indices.append(layout.index(i, j, k))
            points.append(layout.point(i, j, k))
        } } }
        let normals = mesh.outwardVertexNormals()
        let nearest = bvh.closestPoints(points)
        var values = [Float](repeating: .nan, count: total)
        for (slot, (p, c)) in zip(indices, zip(points, nearest)) where c.distance <= band && c.triangle >= 0 {
            values[slot] = Self.side(p, c, mesh: mesh, normals: normals) * c.distance
        }
        self.layout = layout
        self.band = band
        self.bvh = bvh
        self.normals = normals
        self.values = values
        supported = Self.supportMask(values, dims: dims)
    }

    /// Number of lattice points holding a sample.
    public var sampledPoints: Int { values.reduce(0) { $0 + ($1.isNaN ? 0 : 1) } }

    /// The support mask, separably: a cell is supported when nodes i−1…i+2 along each axis are.
    static func supportMask(_ values: [Float], dims: SIMD3<Int>) -> [UInt8] {
        var m = values.map { $0.isNaN ? UInt8(0) : 1 }
        let strides = [1, dims.x, dims.x * dims.y]
        for axis in 0..<3 {
            let stride = strides[axis], len = dims[axis]
            var next = [UInt8](repeating: 0, count: m.count)
            for idx in 0..<m.count {
                let coord = (idx / stride) % len
                guard coord >= 1, coord + 2 < len else { continue }
                next[idx] = m[idx - stride] & m[idx] & m[idx + stride] & m[idx + 2 * stride]
            }
            m = next
        }
        return m
    }

    /// f, ∇f and (when `hessian`) the Hessian at one point.
    public func sample(_ x: SIMD3<Float>, hessian: Bool = true) -> SplineSample {
        let h = layout.spacing.x
        let u = (x - layout.origin) / h
        let fl = u.rounded(.down)
        if (fl.x >= 1 && fl.y >= 1 && fl.z >= 1 && fl.x < Float(layout.dims.x - 2) && fl.y < Float(layout.dims.y - 2)
            && fl.z < Float(layout.dims.z - 2)) {
            let i = Int(fl.x), j = Int(fl.y), k = Int(fl.z)
            let cell = layout.index(i, j, k)
            if supported[cell] != 0 { return spline(cell: cell, t: u - fl, h: h, hessian: hessian) }
        }
        return exact(x)
    }

    /// `sample` for many points, across the cores.
    public func samples(_ points: [SIMD3<Float>], hessian: Bool = true) -> [SplineSample] {
        Self.map(points, fill: SplineSample()) { self.sample($0, hessian: hessian) }
    }

    /// f alone for many points (the sphere tracer's query), across the cores.
    public func values(_ points: [SIMD3<Float>]) -> [Float] {
        Self.map(points, fill: 0) { self.sample($0, hessian: false).value }
    }

    /// `transform` of every point, in parallel chunks.
    static func map<T>(_ points: [SIMD3<Float>], fill: T, _ transform: @Sendable (SIMD3<Float>) -> T) -> [T] {
        var out = [T](repeating: fill, count: points.count)
        out.withUnsafeMutableBufferPointer { ob in
            let dst = SendablePointer(ob.baseAddress!)
            points.withUnsafeBufferPointer { pb in
                let src = SendableConstPointer(pb.baseAddress!)
                parallelFor(points.count, minChunk: 256) { r in
                    for i in r { dst[i] = transform(src[i]) }
                }
            }
        }
        return out
    }

    /// The exact signed distance, for points the band does not support.
    func exact(_ x: SIMD3<Float>) -> SplineSample {
        guard let c = bvh.closestPoint(to: x), c.triangle >= 0 else { return SplineSample(value: .infinity) }
        let s = Self.side(x, c, mesh: bvh.mesh, normals: normals)
        let g = c.distance > 0 ? s * (x - c.point) / c.distance : .zero
        return SplineSample(value: s * c.distance, gradient: g)
    }

    /// +1 on the side of the outward normal interpolated at x's nearest point c, else −1.
    @inline(__always)
    static func side(_ x: SIMD3<Float>, _ c: MeshBVH.ClosestPoint, mesh: TriangleMesh, normals: [SIMD3<Float>]) -> Float {
        ((x - c.point) * mesh.interpolate(normals, at: c)).sum() >= 0 ? 1 : -1
    }

    /// The tricubic B-spline over the 4×4×4 nodes around `cell` (its lower corner), at the cell
    /// fraction t; derivatives in mesh units.
    @inline(__always)
    func spline(cell: Int, t: SIMD3<Float>, h: Float, hessian: Bool) -> SplineSample {
        let (wx, dx, ddx) = CubicBSpline.basis(t.x), (wy, dy, ddy) = CubicBSpline.basis(t.y), (wz, dz, ddz) = CubicBSpline.basis(t.z)
        let sx = 1, sy = layout.dims.x, sz = layout.dims.x * layout.dims.y
        var f: Float = 0, g = SIMD3<Float>.zero, hd = SIMD3<Float>.zero, ho = SIMD3<Float>.zero
        values.withUnsafeBufferPointer { c in
            let base = cell - sx - sy - sz
            for kk in 0..<4 {
                var pf: Float = 0, px: Float = 0, pxx: Float = 0, py: Float = 0, pyy: Float = 0, pxy: Float = 0
                for jj in 0..<4 {
                    let row = base + kk * sz + jj * sy
                    let r = SIMD4(c[row], c[row + 1], c[row + 2], c[row + 3])
                    let s0 = (r * wx).sum(), s1 = (r * dx).sum(), s2 = hessian ? (r * ddx).sum() : 0
                    pf += wy[jj] * s0; px += wy[jj] * s1; py += dy[jj] * s0
                    pxx += wy[jj] * s2; pyy += ddy[jj] * s0; pxy += dy[jj] * s1
                }
                f += wz[kk] * pf
                g += SIMD3(wz[kk] * px, wz[kk] * py, dz[kk] * pf)
                hd += SIMD3(wz[kk] * pxx, wz[kk] * pyy, ddz[kk] * pf)
                ho += SIMD3(wz[kk] * pxy, dz[kk] * px, dz[kk] * py)
            }
        }
        if !hessian { hd = .zero; ho = .zero }
        return SplineSample(value: f, gradient: g / h, hessianDiagonal: hd / (h * h), hessianOffDiagonal: ho / (h * h))
    }
}

/// f, ∇f and the (symmetric) Hessian of a field at one point.
public struct SplineSample: Sendable, Equatable {
    public var value: Float = 0
    public var gradient = SIMD3<Float>.zero
    /// H_xx, H_yy, H_zz.
    public var hessianDiagonal = SIMD3<Float>.zero
    /// H_xy, H_xz, H_yz.
    public var hessianOffDiagonal = SIMD3<Float>.zero

    public init(value: Float = 0, gradient: SIMD3<Float> = .zero, hessianDiagonal: SIMD3<Float> = .zero,
                hessianOffDiagonal: SIMD3<Float> = .zero) {
        self.value = value
        self.gradient = gradient
        self.hessianDiagonal = hessianDiagonal
        self.hessianOffDiagonal = hessianOffDiagonal
    }

    /// H v.
    @inline(__always)
    public func hessian(times v: SIMD3<Float>) -> SIMD3<Float> {
        let d = hessianDiagonal, o = hessianOffDiagonal
        return SIMD3(d.x * v.x + o.x * v.y + o.y * v.z,
                     o.x * v.x + d.y * v.y + o.z * v.z,
                     o.y * v.x + o.z * v.y + d.z * v.z)
    }
}

import Geometry
import NeuralFields
import SiderCore

/// δ as a height field over the crop (`detail.geometry.height`), the alternative to δ's network:
///
///   δ(x) = −L·h(p(x)),  p(x) = ((f_x·X/Z + c_x)/s + m, (f_y·Y/Z + c_y)/s + m),
///   h(p) = Σᵢⱼ cᵢⱼ·B(pₓ − i)·B(p_y − j),
///
/// x = (X, Y, Z) in camera space, p its crop pixel in lattice units (node spacing s crop pixels,
/// m nodes beyond the crop's edge), B the uniform cubic B-spline, L the frame's length unit (c
/// in normalised units, like δ's network). With f_c a distance field, f_c − L·h moves the surface
/// by L·h along the prior's normal where each ray meets it: a displacement map in the photo's own
/// frame (DECA's detail is one in UV space). Every node is its own parameter, so any bandwidth up
/// to the node spacing is equally easy to reach (no spectral bias, no axis-aligned encoding
/// stripes); the priors on ∇f decide which relief survives. C² in x, so the Hessian IDR's
/// backward needs is continuous:
///
///   ∇δ = −L·(hₓ·Jₓ + h_y·J_y),  Jₓ = ∂pₓ/∂x = a·(1, 0, −X/Z), J_y = b·(0, 1, −Y/Z),
///   a = f_x/(s·Z), b = f_y/(s·Z),
///   ∇²δ = −L·(hₓₓ·JₓJₓᵀ + hₓᵧ·(JₓJ_yᵀ + J_yJₓᵀ) + h_yy·J_yJ_yᵀ + hₓ·∇²pₓ + h_y·∇²p_y),
///   ∇²pₓ: (X, Z) = −a/Z, (Z, Z) = 2a·X/Z²;  ∇²p_y: (Y, Z) = −b/Z, (Z, Z) = 2b·Y/Z².
///
/// With `levels` > 1, lattices of spacing s, 2s, 4s, … add (h = Σₗ hₗ): the coarse nodes move
/// broad shape in few steps, where the fine ones alone would need many coherent ones. Nodes outside
/// a lattice are zero; points with Z ≤ 0 have δ = 0. Parameter group "delta"; with
/// `coarseSpacing` one more lattice adds, in group "deltaCoarse", so that broad shape and detail
/// can have their own schedules.
public final class HeightFieldDetail: DifferentiableSDF {
    public let camera: PinholeCamera
    public let config: HeightFieldConfig
    public let lengthUnit: Float
    /// One group per store: "delta", then "deltaCoarse" with `coarseSpacing`.
    let groups: [NetworkParameterGroup]
    public var group: NetworkParameterGroup { groups[0] }
    public var coarseGroup: NetworkParameterGroup? { groups.count > 1 ? groups[1] : nil }
    /// One lattice per level, finest first (spacing s·2ˡ), then the coarse one; their heights add.
    let lattices: [HeightLattice]
    /// The heights of `group` (every level), then of `coarseGroup`: one store per group.
    let stores: [ParameterStore]
    /// The last `forward`'s samples and h's derivatives there, level-major (`lattices.count` × points).
    private var last: [(sample: HeightLattice.Sample, h: HeightLattice.Derivatives)] = []
    private var lastCount: Int { last.count / lattices.count }

    /// - Parameters:
    ///   - camera: the crop's camera (the lattices cover its pixels).
    ///   - lengthUnit: L, the camera-space length of one normalised unit (`CoarseFrame.scale`).
    public init(camera: PinholeCamera, config: HeightFieldConfig, lengthUnit: Float) throws {
        guard config.spacing.isFinite, config.spacing > 0, config.margin >= 0, (1...8).contains(config.levels),
              lengthUnit > 0, lengthUnit.isFinite else {
            throw SiderError(.badInput, "height field needs a positive node spacing and length unit and 1…8 levels")
        }
        self.camera = camera
        self.config = config
        self.lengthUnit = lengthUnit
        var lattices: [HeightLattice] = [], totals = [0, 0]
        var spacings = (0..<config.levels).map { (spacing: config.spacing * Float(1 << $0), part: 0) }
        if let coarse = config.coarseSpacing { spacings.append((coarse, 1)) }
        for (spacing, part) in spacings {
            guard spacing.isFinite, spacing > 0 else { throw SiderError(.badInput, "height field needs positive node spacings") }
            func count(_ pixels: Int) -> Int { Int((Float(pixels) / spacing).rounded(.up)) + 1 + 2 * config.margin }
            let nodes = SIMD2(count(camera.width), count(camera.height))
            guard let n = CheckedSize.product(nodes.x, nodes.y, limit: 1 << 24), let sum = CheckedSize.sum(totals[part], n, limit: 1 << 24) else {
                throw SiderError(.badInput, "height field of \(nodes.x)×\(nodes.y) nodes is too large (node spacing \(spacing) crop pixels)")
            }
            lattices.append(HeightLattice(camera: camera, spacing: spacing, margin: config.margin, nodes: nodes, part: part, offset: totals[part]))
            totals[part] = sum
        }
        self.lattices = lattices
        stores = (0..<(config.coarseSpacing == nil ? 1 : 2)).map { part in
            let store = ParameterStore()
            _ = store.allocate("heights", count: totals[part])
            store.freeze()
            return store
        }
        groups = zip(["delta", "deltaCoarse"], stores).map { NetworkParameterGroup(name: $0, store: $1) }
    }

    public var parameterGroups: [any ParameterGroup] { groups }
    public var featureCount: Int { 0 }

    /// Nodes per row and column of the finest level.
    public var nodes: SIMD2<Int> { lattices[0].nodes }

    /// Every level's node heights c (normalised units) of group "delta", each row-major, finest first.
    public var nodeHeights: UnsafeMutablePointer<Float> { stores[0].values }
    /// Where `lattice`'s heights start in its group's store.
    private func heights(_ lattice: HeightLattice) -> UnsafeMutablePointer<Float> { stores[lattice.part].values + lattice.offset }

    public func sdf(_ points: [SIMD3<Float>]) -> [Float] {
        var out = [Float](repeating: 0, count: points.count)
        let bases = lattices.map { SendableConstPointer(UnsafePointer(heights($0))) }, L = lengthUnit, lattices = lattices
        points.withUnsafeBufferPointer { src in
            let sp = SendableConstPointer(src.baseAddress!)
            out.withUnsafeMutableBufferPointer { dst in
                let dp = SendablePointer(dst.baseAddress!)
                parallelFor(points.count, minChunk: 4096) { range in
                    for i in range {
                        var h: Float = 0
                        for (lattice, c) in zip(lattices, bases) {
                            let s = lattice.sample(sp.base[i], second: false)
                            if s.valid { h += lattice.derivatives(s, c.base).h }
                        }
                        dp.base[i] = -L * h
                    }
                }
            }
        }
        return out
    }

    public func forward(_ points: [SIMD3<Float>]) -> GeometryEvaluation {
        let L = lengthUnit
        last = lattices.flatMap { lattice in
            let c = UnsafePointer(heights(lattice))
            return points.map { x in
                let s = lattice.sample(x, second: true)
                return (s, s.valid ? lattice.derivatives(s, c) : HeightLattice.Derivatives())
            }
        }
        var sdf = [Float](repeating: 0, count: points.count)
        var gradients = [SIMD3<Float>](repeating: .zero, count: points.count)
        for l in lattices.indices {
            for k in 0..<points.count {
                let (s, d) = last[l * points.count + k]
                guard s.valid else { continue }
                sdf[k] -= L * d.h
                gradients[k] -= L * (d.hx * s.jx + d.hy * s.jy)
            }
        }
        return GeometryEvaluation(sdf: sdf, features: [], gradients: gradients)
    }

    /// ∂L/∂x = ∂L/∂δ·∇δ + ∇²δ·∂L/∂(∇δ) at the last `forward`'s points; adds ∂L/∂c unless frozen.
    public func backward(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) -> [SIMD3<Float>] {
        accumulate(dSDF: dSDF, dGradients: dGradients)
        let L = lengthUnit, n = lastCount
        var dx = [SIMD3<Float>](repeating: .zero, count: n)
        for l in lattices.indices {
            for k in 0..<n {
                let (s, d) = last[l * n + k]
                guard s.valid else { continue }
                let (hx, hy, hxx, hxy, hyy) = (d.hx, d.hy, d.hxx, d.hxy, d.hyy)
                if let dSDF { dx[k] += dSDF[k] * (-L) * (hx * s.jx + hy * s.jy) }
                guard let dGradients else { continue }
                let v = dGradients[k], x = s.point
                let ax = (s.jx * v).sum(), ay = (s.jy * v).sum()
                // (hₓₓJₓJₓᵀ + hₓᵧ(JₓJ_yᵀ + J_yJₓᵀ) + h_yyJ_yJ_yᵀ)·v
                var hv = s.jx * (hxx * ax + hxy * ay) + s.jy * (hxy * ax + hyy * ay)
                // hₓ∇²pₓ·v + h_y∇²p_y·v, with a = Jₓ.x, b = J_y.y
                let a = s.jx.x, b = s.jy.y, z = x.z
                hv += hx * SIMD3(-a / z * v.z, 0, -a / z * v.x + 2 * a * x.x / (z * z) * v.z)
                hv += hy * SIMD3(0, -b / z * v.z, -b / z * v.y + 2 * b * x.y / (z * z) * v.z)
                dx[k] += -L * hv
            }
        }
        return dx
    }

    public func accumulateParameterGradients(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) {
        accumulate(dSDF: dSDF, dGradients: dGradients)
    }

    /// ∂L/∂cᵢⱼ += −L·(∂L/∂δ·Bᵢⱼ + (Jₓ·∂L/∂∇δ)·∂ₓBᵢⱼ + (J_y·∂L/∂∇δ)·∂_yBᵢⱼ), per level.
    private func accumulate(dSDF: [Float]?, dGradients: [SIMD3<Float>]?) {
        let L = lengthUnit, n = lastCount
        for (l, lattice) in lattices.enumerated() {
            guard !groups[lattice.part].isFrozen else { continue }
            let g = stores[lattice.part].grads + lattice.offset, nodes = lattice.nodes
            for k in 0..<n {
                let s = last[l * n + k].sample
                guard s.valid else { continue }
                let ds = dSDF?[k] ?? 0
                let v = dGradients?[k] ?? .zero
                let gx = (s.jx * v).sum(), gy = (s.jy * v).sum()
                guard ds != 0 || gx != 0 || gy != 0 else { continue }
                for j in 0..<4 {
                    let row = s.node.y + j
                    guard row >= 0, row < nodes.y else { continue }
                    let along = ds * s.wy[j], alongX = gx * s.wy[j], alongY = gy * s.dy[j]
                    for i in 0..<4 {
                        let col = s.node.x + i
                        guard col >= 0, col < nodes.x else { continue }
                        g[row * nodes.x + col] -= L * (along * s.wx[i] + alongX * s.dx[i] + alongY * s.wx[i])
                    }
                }
            }
        }
    }
}

/// The lattice's geometry: crop camera, node spacing and count (what a point's sample needs).
struct HeightLattice: Sendable {
    var camera: PinholeCamera
    var spacing: Float
    var margin: Int
    var nodes: SIMD2<Int>
    /// 0: group "delta"'s store, 1: "deltaCoarse"'s.
    var part: Int
    /// Where this lattice's heights start in its store.
    var offset: Int

    /// One point's lattice cell, weights and derivatives.
    struct Sample {
        var node = SIMD2<Int>(Int.min, Int.min)
        var wx = SIMD4<Float>.zero, dx = SIMD4<Float>.zero, ddx = SIMD4<Float>.zero
        var wy = SIMD4<Float>.zero, dy = SIMD4<Float>.zero, ddy = SIMD4<Float>.zero
        var jx = SIMD3<Float>.zero, jy = SIMD3<Float>.zero
        var point = SIMD3<Float>.zero
        var valid: Bool { node.x > Int.min }
    }

    @inline(__always)
    func sample(_ x: SIMD3<Float>, second: Bool) -> Sample {
        var s = Sample()
        guard x.z > 0, x.x.isFinite, x.y.isFinite, x.z.isFinite else { return s }
        let sp = spacing, m = Float(margin)
        let px = (camera.fx * x.x / x.z + camera.cx) / sp + m
        let py = (camera.fy * x.y / x.z + camera.cy) / sp + m
        guard abs(px) < 1e6, abs(py) < 1e6 else { return s }
        let fx = px.rounded(.down), fy = py.rounded(.down)
        (s.wx, s.dx, s.ddx) = CubicBSpline.basis(px - fx)
        (s.wy, s.dy, s.ddy) = CubicBSpline.basis(py - fy)
        if !second { s.ddx = .zero; s.ddy = .zero }
        s.node = SIMD2(Int(fx) - 1, Int(fy) - 1)
        let a = camera.fx / (sp * x.z), b = camera.fy / (sp * x.z)
        s.jx = a * SIMD3(1, 0, -x.x / x.z)
        s.jy = b * SIMD3(0, 1, -x.y / x.z)
        s.point = x
        return s
    }

    /// h and its first and second derivatives in lattice units.
    struct Derivatives {
        var h: Float = 0, hx: Float = 0, hy: Float = 0, hxx: Float = 0, hxy: Float = 0, hyy: Float = 0
    }

    /// h and its derivatives at a sample, from the heights `c` of this lattice.
    @inline(__always)
    func derivatives(_ s: Sample, _ c: UnsafePointer<Float>) -> Derivatives {
        var h: Float = 0, hx: Float = 0, hy: Float = 0, hxx: Float = 0, hxy: Float = 0, hyy: Float = 0
        for j in 0..<4 {
            let row = s.node.y + j
            guard row >= 0, row < nodes.y else { continue }
            var v: Float = 0, vd: Float = 0, vdd: Float = 0
            for i in 0..<4 {
                let col = s.node.x + i
                guard col >= 0, col < nodes.x else { continue }
                let cij = c[row * nodes.x + col]
                v += s.wx[i] * cij; vd += s.dx[i] * cij; vdd += s.ddx[i] * cij
            }
            h += s.wy[j] * v; hx += s.wy[j] * vd; hy += s.dy[j] * v
            hxx += s.wy[j] * vdd; hxy += s.dy[j] * vd; hyy += s.ddy[j] * v
        }
        return Derivatives(h: h, hx: hx, hy: hy, hxx: hxx, hxy: hxy, hyy: hyy)
    }
}

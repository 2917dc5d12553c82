import SiderCore

/// Configuration of a multiresolution grid encoding (Instant-NGP style).
public struct GridEncodingConfig: Sendable, Equatable, Codable {
    public var levels: Int
    public var featuresPerLevel: Int
    public var baseResolution: Int
    public var growth: Float
    /// log₂ of the entries per level; levels with more vertices than that are hashed.
    public var log2TableSize: Int

    public init(levels: Int, featuresPerLevel: Int = 2, baseResolution: Int = 16, growth: Float = 1.5,
                log2TableSize: Int = 17) {
        self.levels = levels; self.featuresPerLevel = featuresPerLevel; self.baseResolution = baseResolution
        self.growth = growth; self.log2TableSize = log2TableSize
    }

    func resolution(_ l: Int) -> Int {
        var r = Float(baseResolution)
        for _ in 0..<l { r *= growth }
        return max(1, Int(r))
    }
}

/// Multiresolution grid encoding φ(x) = [x, T_0(x), …, T_{L−1}(x)] on the cube [−1, 1]³.
///
/// Level l has resolution R_l = ⌊R₀·bˡ⌋; its vertex features (F each) live in a dense table
/// when (R_l+1)³ ≤ 2ᵏ, else in a spatial hash of 2ᵏ entries (i ⊕ 2654435761·j ⊕ 805459861·k).
/// T_l(x) = Σ_c w_c(x)·T[c] is trilinear over the 8 corners c of the cell containing
/// p = (x + 1)/2·R_l, with w_c = Π_d (c_d ? t_d : 1 − t_d), t = p − ⌊p⌋.
/// Derivatives: ∂w_c/∂x_d = (R_l/2)·s_d·Π_{e≠d} w_e-factors; the Hessian of w_c has only
/// off-diagonal terms ∂²w_c/∂x_d∂x_e = (R_l/2)²·s_d·s_e·(third factor), which feed the
/// second-order term of the spatial gradient. The raw x is kept in the first 3 outputs so
/// IDR's geometric initialisation applies. Points outside the cube are clamped to it.
public final class GridEncoding: InputEncoding, @unchecked Sendable {
    public let config: GridEncodingConfig
    public let outputDimension: Int
    public var hasParameters: Bool { true }
    let view: ParameterView
    unowned let store: ParameterStore
    let resolutions: [Int]
    let hashed: [Bool]
    let tableSize: Int

    public init(config: GridEncodingConfig, store: ParameterStore, name: String) {
        self.config = config
        self.store = store
        outputDimension = 3 + config.levels * config.featuresPerLevel
        tableSize = 1 << config.log2TableSize
        resolutions = (0..<config.levels).map { config.resolution($0) }
        hashed = resolutions.map { ($0 + 1) * ($0 + 1) * ($0 + 1) > (1 << config.log2TableSize) }
        let entries = resolutions.enumerated().map { l, r in
            min((r + 1) * (r + 1) * (r + 1), 1 << config.log2TableSize)
        }
        offsets = entries.reduce(into: [0]) { $0.append($0.last! + $1) }
        view = store.allocate("\(name).grid", count: offsets.last! * config.featuresPerLevel)
    }
    let offsets: [Int]

    // Cell cache: `encode` stores each (point, level)'s 8 corner rows and (t, R/2); the other
    // passes over the same points (same pointer and count, not modified in between — as
    // SDFNetwork does) read it instead of recomputing and rehashing.
    private var cacheCorners = UnsafeMutablePointer<SIMD8<Int32>>.allocate(capacity: 1)
    private var cacheCells = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: 1)
    private var cacheCapacity = 0
    private var cachedX: UnsafePointer<Float>? = nil
    private var cachedRows = 0

    deinit {
        cacheCorners.deallocate()
        cacheCells.deallocate()
    }

    private func reserveCache(_ rows: Int) {
        let need = rows * config.levels
        guard need > cacheCapacity else { return }
        cacheCorners.deallocate(); cacheCells.deallocate()
        cacheCorners = .allocate(capacity: need); cacheCells = .allocate(capacity: need)
        cacheCapacity = need
    }

    /// The cached cell tables for `x` (nil when `x` was not the last encoded batch).
    private func cache(for x: UnsafePointer<Float>, rows: Int) -> (SendablePointer<SIMD8<Int32>>, SendablePointer<SIMD4<Float>>)? {
        guard cachedX == x, rows <= cachedRows else { return nil }
        return (SendablePointer(cacheCorners), SendablePointer(cacheCells))
    }

    /// Cell of point r at level l: from the cache when present, else computed.
    @inline(__always)
    func lookup(_ cached: (SendablePointer<SIMD8<Int32>>, SendablePointer<SIMD4<Float>>)?, _ p: UnsafePointer<Float>,
                row r: Int, level l: Int, corners: inout SIMD8<Int32>, t: inout SIMD3<Float>, scale: inout Float) {
        if let (cc, ct) = cached {
            let i = r * config.levels + l
            corners = cc[i]
            let v = ct[i]
            t = SIMD3(v.x, v.y, v.z); scale = v.w
        } else {
            cell(p, level: l, corners: &corners, t: &t, scale: &scale)
        }
    }

    /// Features uniform in ±1e−4 (Instant-NGP).
    func initialise(_ rng: inout SeededGenerator) {
        let t = store.value(view)
        for i in 0..<view.count { t[i] = rng.uniform(-1e-4, 1e-4) }
    }

    /// Corner table rows (feature offsets) and the cell's local coordinates at level l.
    @inline(__always)
    func cell(_ p: UnsafePointer<Float>, level l: Int, corners: inout SIMD8<Int32>, t: inout SIMD3<Float>,
              scale: inout Float) {
        let r = resolutions[l]
        scale = Float(r) * 0.5
        var i0 = SIMD3<Int32>(repeating: 0)
        for d in 0..<3 {
            let u = min(max((p[d] + 1) * 0.5, 0), 1) * Float(r)
            var i = Int32(u)
            if i >= Int32(r) { i = Int32(r) - 1 }
            if i < 0 { i = 0 }
            i0[d] = i
            t[d] = u - Float(i)
        }
        let base = offsets[l], f = Int32(config.featuresPerLevel)
        for c in 0..<8 {
            let x = i0.x + Int32(c & 1), y = i0.y + Int32((c >> 1) & 1), z = i0.z + Int32((c >> 2) & 1)
            let idx: Int
            if hashed[l] {
                let h = UInt32(bitPattern: x) ^ (UInt32(bitPattern: y) &* 2_654_435_761) ^ (UInt32(bitPattern: z) &* 805_459_861)
                idx = Int(h & UInt32(tableSize - 1))
            } else {
                let n = Int32(r + 1)
                idx = Int(x + n * (y + n * z))
            }
            corners[c] = Int32(base + idx) * f
        }
    }

    /// Weight of corner c and its partial derivatives ∂w/∂x (with the R/2 chain factor).
    @inline(__always)
    static func weight(_ c: Int, _ t: SIMD3<Float>, _ k: Float) -> (Float, SIMD3<Float>, SIMD3<Float>) {
        let s = SIMD3<Float>(c & 1 == 1 ? 1 : -1, (c >> 1) & 1 == 1 ? 1 : -1, (c >> 2) & 1 == 1 ? 1 : -1)
        let f = SIMD3<Float>(c & 1 == 1 ? t.x : 1 - t.x, (c >> 1) & 1 == 1 ? t.y : 1 - t.y,
                             (c >> 2) & 1 == 1 ? t.z : 1 - t.z)
        let w = f.x * f.y * f.z
        let dw = SIMD3<Float>(s.x * f.y * f.z, s.y * f.x * f.z, s.z * f.x * f.y) * k
        // Mixed second derivatives: (xy, xz, yz)
        let h = SIMD3<Float>(s.x * s.y * f.z, s.x * s.z * f.y, s.y * s.z * f.x) * (k * k)
        return (w, dw, h)
    }

    public func encode(_ x: UnsafePointer<Float>, rows: Int, into e: UnsafeMutablePointer<Float>, lde: Int) {
        let xp = SendableConstPointer(x), ep = SendablePointer(e), tp = SendableConstPointer(UnsafePointer(store.value(view)))
        let nl = config.levels, nf = config.featuresPerLevel
        reserveCache(rows)
        let cc = SendablePointer(cacheCorners), ct = SendablePointer(cacheCells)
        parallelFor(rows, minChunk: 128) { range in
            var corners = SIMD8<Int32>(), t = SIMD3<Float>(), k: Float = 0
            for r in range {
                let p = xp.base + 3 * r, o = ep.base + r * lde
                o[0] = p[0]; o[1] = p[1]; o[2] = p[2]
                for l in 0..<nl {
                    self.cell(p, level: l, corners: &corners, t: &t, scale: &k)
                    cc[r * nl + l] = corners
                    ct[r * nl + l] = SIMD4(t.x, t.y, t.z, k)
                    for f in 0..<nf { o[3 + l * nf + f] = 0 }
                    for c in 0..<8 {
                        let (w, _, _) = GridEncoding.weight(c, t, k)
                        let row = tp.base + Int(corners[c])
                        for f in 0..<nf { o[3 + l * nf + f] += w * row[f] }
                    }
                }
            }
        }
        cachedX = x
        cachedRows = rows
    }

    public func pullback(_ x: UnsafePointer<Float>, rows: Int, dE: UnsafePointer<Float>, ldde: Int,
                         into out: UnsafeMutablePointer<Float>?, accumulate: Bool, parameters: Bool) {
        let cached = cache(for: x, rows: rows)
        let xp = SendableConstPointer(x), dp = SendableConstPointer(dE)
        let tp = SendableConstPointer(UnsafePointer(store.value(view)))
        let nl = config.levels, nf = config.featuresPerLevel
        if let out {
        let op = SendablePointer(out)
        parallelFor(rows, minChunk: 128) { range in
            var corners = SIMD8<Int32>(), t = SIMD3<Float>(), k: Float = 0
            for r in range {
                let p = xp.base + 3 * r, g = dp.base + r * ldde
                var acc = SIMD3<Float>(g[0], g[1], g[2])
                for l in 0..<nl {
                    self.lookup(cached, p, row: r, level: l, corners: &corners, t: &t, scale: &k)
                    let inside = self.insideMask(p)
                    for c in 0..<8 {
                        let (_, dw, _) = GridEncoding.weight(c, t, k)
                        let row = tp.base + Int(corners[c])
                        var v: Float = 0
                        for f in 0..<nf { v += row[f] * g[3 + l * nf + f] }
                        acc += dw * inside * v
                    }
                }
                let o = op.base + 3 * r
                if accumulate { o[0] += acc.x; o[1] += acc.y; o[2] += acc.z }
                else { o[0] = acc.x; o[1] = acc.y; o[2] = acc.z }
            }
        }
        }
        guard parameters else { return }
        // ∂L/∂T[c] += w_c·dE_l. Levels own disjoint table ranges, so the scatter is split by level.
        let gp = SendablePointer(store.grad(view))
        parallelFor(nl) { levels in
            var corners = SIMD8<Int32>(), t = SIMD3<Float>(), k: Float = 0
            for l in levels {
                for r in 0..<rows {
                    let p = xp.base + 3 * r, g = dp.base + r * ldde
                    self.lookup(cached, p, row: r, level: l, corners: &corners, t: &t, scale: &k)
                    for c in 0..<8 {
                        let (w, _, _) = GridEncoding.weight(c, t, k)
                        let row = gp.base + Int(corners[c])
                        for f in 0..<nf { row[f] += w * g[3 + l * nf + f] }
                    }
                }
            }
        }
    }

    /// 1 where the coordinate is strictly inside the cube (clamped coordinates have zero derivative).
    @inline(__always)
    func insideMask(_ p: UnsafePointer<Float>) -> SIMD3<Float> {
        SIMD3<Float>(abs(p[0]) < 1 ? 1 : 0, abs(p[1]) < 1 ? 1 : 0, abs(p[2]) < 1 ? 1 : 0)
    }

    public func pushforward(_ x: UnsafePointer<Float>, rows: Int, tangent: UnsafePointer<Float>,
                            into dE: UnsafeMutablePointer<Float>, ldde: Int) {
        let cached = cache(for: x, rows: rows)
        let xp = SendableConstPointer(x), tg = SendableConstPointer(tangent), dp = SendablePointer(dE)
        let tp = SendableConstPointer(UnsafePointer(store.value(view)))
        let nl = config.levels, nf = config.featuresPerLevel
        parallelFor(rows, minChunk: 128) { range in
            var corners = SIMD8<Int32>(), t = SIMD3<Float>(), k: Float = 0
            for r in range {
                let p = xp.base + 3 * r, tv = SIMD3<Float>(tg.base[3 * r], tg.base[3 * r + 1], tg.base[3 * r + 2])
                let o = dp.base + r * ldde
                o[0] = tv.x; o[1] = tv.y; o[2] = tv.z
                for l in 0..<nl {
                    self.lookup(cached, p, row: r, level: l, corners: &corners, t: &t, scale: &k)
                    let inside = self.insideMask(p)
                    for f in 0..<nf { o[3 + l * nf + f] = 0 }
                    for c in 0..<8 {
                        let (_, dw, _) = GridEncoding.weight(c, t, k)
                        let a = (dw * inside * tv).sum()
                        let row = tp.base + Int(corners[c])
                        for f in 0..<nf { o[3 + l * nf + f] += a * row[f] }
                    }
                }
            }
        }
    }

    public func secondOrder(_ x: UnsafePointer<Float>, rows: Int, ge: UnsafePointer<Float>, ldge: Int,
                            barG: UnsafePointer<Float>, dX: UnsafeMutablePointer<Float>?, parameters: Bool) {
        let cached = cache(for: x, rows: rows)
        let nl = config.levels, nf = config.featuresPerLevel
        if let dX {
            let xp = SendableConstPointer(x), gp = SendableConstPointer(ge), bp = SendableConstPointer(barG)
            let op = SendablePointer(dX), tp = SendableConstPointer(UnsafePointer(store.value(view)))
            parallelFor(rows, minChunk: 128) { range in
                var corners = SIMD8<Int32>(), t = SIMD3<Float>(), k: Float = 0
                for r in range {
                    let p = xp.base + 3 * r, g = gp.base + r * ldge
                    let b = SIMD3<Float>(bp.base[3 * r], bp.base[3 * r + 1], bp.base[3 * r + 2])
                    let inside = self.insideMask(p)
                    let bi = b * inside
                    var acc = SIMD3<Float>()
                    for l in 0..<nl {
                        self.lookup(cached, p, row: r, level: l, corners: &corners, t: &t, scale: &k)
                        for c in 0..<8 {
                            let (_, _, h) = GridEncoding.weight(c, t, k)
                            let row = tp.base + Int(corners[c])
                            var v: Float = 0
                            for f in 0..<nf { v += row[f] * g[3 + l * nf + f] }
                            // H = [[0,h.x,h.y],[h.x,0,h.z],[h.y,h.z,0]]; dX += v·H·b̄
                            acc += v * SIMD3<Float>(h.x * bi.y + h.y * bi.z, h.x * bi.x + h.z * bi.z,
                                                    h.y * bi.x + h.z * bi.y)
                        }
                    }
                    let o = op.base + 3 * r
                    o[0] += acc.x * inside.x; o[1] += acc.y * inside.y; o[2] += acc.z * inside.z
                }
            }
        }
        // ∂L/∂T[c] += Ge_l·(Ḡ·∂w_c/∂x), split by level (disjoint table ranges).
        guard parameters else { return }
        let gp = SendablePointer(store.grad(view)), xp = SendableConstPointer(x)
        let gep = SendableConstPointer(ge), bp = SendableConstPointer(barG)
        parallelFor(nl) { levels in
            var corners = SIMD8<Int32>(), t = SIMD3<Float>(), k: Float = 0
            for l in levels {
                for r in 0..<rows {
                    let p = xp.base + 3 * r, g = gep.base + r * ldge
                    let b = SIMD3<Float>(bp.base[3 * r], bp.base[3 * r + 1], bp.base[3 * r + 2]) * self.insideMask(p)
                    self.lookup(cached, p, row: r, level: l, corners: &corners, t: &t, scale: &k)
                    for c in 0..<8 {
                        let (_, dw, _) = GridEncoding.weight(c, t, k)
                        let a = (dw * b).sum()
                        let row = gp.base + Int(corners[c])
                        for f in 0..<nf { row[f] += a * g[3 + l * nf + f] }
                    }
                }
            }
        }
    }
}

import SiderCore
import Foundation

/// Random Fourier features (Tancik et al. 2020) with log-spaced frequencies:
///   φ(x) = [x, sin(b₁·x), …, sin(b_m·x), cos(b₁·x), …, cos(b_m·x)],   D = 3 + 2m,
/// b_k = ω_k·d_k, ω_k = ω_min·(ω_max/ω_min)^{k/(m−1)}, d_k unit directions drawn from a seed.
/// Unlike the axis-aligned positional encoding, whose high bands draw stripes along x, y and z,
/// the directions are spread over the sphere. Derivatives: ∂sin(b·x)/∂x = cos(b·x)·b,
/// ∂cos(b·x)/∂x = −sin(b·x)·b, ∂²sin(b·x)/∂x∂xᵀ = −sin(b·x)·b bᵀ, ∂²cos = −cos(b·x)·b bᵀ.
public final class FourierFeatures: InputEncoding, @unchecked Sendable {
    public let config: FourierFeaturesConfig
    /// b_k, k = 0..<m.
    public let directions: [SIMD3<Float>]
    public var outputDimension: Int { 3 + 2 * directions.count }
    public var hasParameters: Bool { false }

    public init(config: FourierFeaturesConfig) {
        self.config = config
        let m = max(0, config.features)
        var rng = SeededGenerator(seed: config.seed)
        let lo = Double(config.minFrequency), hi = Double(max(config.maxFrequency, config.minFrequency))
        directions = (0..<m).map { k in
            var d = SIMD3<Float>.zero
            repeat { d = SIMD3(rng.normal(), rng.normal(), rng.normal()) } while (d * d).sum() < 1e-6
            let t = m > 1 ? Double(k) / Double(m - 1) : 0
            return Float(lo * pow(hi / lo, t)) * d / (d * d).sum().squareRoot()
        }
    }

    /// Calls `body(r, s, c)` for each row with s[k] = sin(b_k·x_r), c[k] = cos(b_k·x_r).
    @inline(__always)
    func forEachRow(_ x: UnsafePointer<Float>, _ range: Range<Int>,
                    _ body: (Int, UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
        directions.withUnsafeBufferPointer { b in
            let m = b.count
            forEachSinCosRow(range, width: m, arguments: { r, a in
                let p = x + 3 * r, q = SIMD3(p[0], p[1], p[2])
                for k in 0..<m { a[k] = (b[k] * q).sum() }
            }, body)
        }
    }

    public func encode(_ x: UnsafePointer<Float>, rows: Int, into e: UnsafeMutablePointer<Float>, lde: Int) {
        let xp = SendableConstPointer(x), ep = SendablePointer(e), m = directions.count
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let p = xp.base + 3 * r, o = ep.base + r * lde
                o[0] = p[0]; o[1] = p[1]; o[2] = p[2]
                for k in 0..<m { o[3 + k] = sn[k]; o[3 + m + k] = cs[k] }
            }
        }
    }

    public func pullback(_ x: UnsafePointer<Float>, rows: Int, dE: UnsafePointer<Float>, ldde: Int,
                         into out: UnsafeMutablePointer<Float>?, accumulate: Bool, parameters: Bool) {
        guard let out else { return }
        let xp = SendableConstPointer(x), dp = SendableConstPointer(dE), op = SendablePointer(out), m = directions.count
        let b = directions
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let g = dp.base + r * ldde, o = op.base + 3 * r
                var acc = SIMD3(g[0], g[1], g[2])
                for k in 0..<m { acc += (cs[k] * g[3 + k] - sn[k] * g[3 + m + k]) * b[k] }
                if accumulate { acc += SIMD3(o[0], o[1], o[2]) }
                o[0] = acc.x; o[1] = acc.y; o[2] = acc.z
            }
        }
    }

    public func pushforward(_ x: UnsafePointer<Float>, rows: Int, tangent: UnsafePointer<Float>,
                            into dE: UnsafeMutablePointer<Float>, ldde: Int) {
        let xp = SendableConstPointer(x), tp = SendableConstPointer(tangent), dp = SendablePointer(dE), m = directions.count
        let b = directions
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let t = tp.base + 3 * r, o = dp.base + r * ldde
                let tv = SIMD3(t[0], t[1], t[2])
                o[0] = t[0]; o[1] = t[1]; o[2] = t[2]
                for k in 0..<m {
                    let bt = (b[k] * tv).sum()
                    o[3 + k] = cs[k] * bt
                    o[3 + m + k] = -sn[k] * bt
                }
            }
        }
    }

    public func secondOrder(_ x: UnsafePointer<Float>, rows: Int, ge: UnsafePointer<Float>, ldge: Int,
                            barG: UnsafePointer<Float>, dX: UnsafeMutablePointer<Float>?, parameters: Bool) {
        guard let dX else { return }
        let xp = SendableConstPointer(x), gp = SendableConstPointer(ge), bp = SendableConstPointer(barG)
        let op = SendablePointer(dX), m = directions.count
        let b = directions
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let g = gp.base + r * ldge, bg = bp.base + 3 * r, o = op.base + 3 * r
                let barG = SIMD3(bg[0], bg[1], bg[2])
                var acc = SIMD3<Float>.zero
                for k in 0..<m {
                    acc -= (sn[k] * g[3 + k] + cs[k] * g[3 + m + k]) * (b[k] * barG).sum() * b[k]
                }
                o[0] += acc.x; o[1] += acc.y; o[2] += acc.z
            }
        }
    }
}

/// `{"fourier": {"features": m, "minFrequency": ω_min, "maxFrequency": ω_max, "seed": s}}`;
/// frequencies in radians per unit of the network's (normalised) input.
public struct FourierFeaturesConfig: Codable, Sendable, Equatable {
    public var features: Int
    public var minFrequency: Float
    public var maxFrequency: Float
    public var seed: UInt64

    public init(features: Int, minFrequency: Float, maxFrequency: Float, seed: UInt64) {
        self.features = features; self.minFrequency = minFrequency; self.maxFrequency = maxFrequency; self.seed = seed
    }

    /// 1…1024 features, 0 < ω_min ≤ ω_max ≤ 10⁴.
    public var isPlausible: Bool {
        (1...1024).contains(features) && minFrequency.isFinite && maxFrequency.isFinite && minFrequency > 0
            && minFrequency <= maxFrequency && maxFrequency <= 10_000
    }
}

import SiderCore
import Foundation

/// NeRF/IDR positional encoding φ: x ↦ [x, sin(2⁰x), cos(2⁰x), …, sin(2^{L−1}x), cos(2^{L−1}x)]
/// (each term a 3-vector; D = 3 + 6L; L = 6 for IDR's geometry network, 4 for view directions).
///
/// Each output depends on one coordinate c only, so J is block-diagonal:
/// ∂sin(ωx_c)/∂x_c = ω·cos(ωx_c), ∂cos(ωx_c)/∂x_c = −ω·sin(ωx_c), and the Hessian is diagonal:
/// ∂²sin/∂x_c² = −ω²·sin, ∂²cos/∂x_c² = −ω²·cos. With L = 0 it is the identity (D = 3).
///
/// Band window (coarse-to-fine, as in BARF/Nerfies): band f's sin and cos terms are multiplied
/// by a_f ∈ [0, 1] (`bandWeights`, all 1 by default). With IDR's geometric init the weights on
/// every band start at zero, and a band with a_f = 0 feeds zeros forward and gets zero gradient,
/// so its weights stay exactly zero: the coarse stage can fit f_θ with the low bands only, and the
/// detail stage then opens the high bands, starting from the smooth coarse f_θ unchanged.
public final class PositionalEncoding: InputEncoding, @unchecked Sendable {
    public let frequencies: Int
    public var outputDimension: Int { 3 + 6 * frequencies }
    public var hasParameters: Bool { false }
    /// a_f per band (count `frequencies`).
    public private(set) var bandWeights: [Float]

    public init(frequencies: Int) {
        self.frequencies = max(0, frequencies)
        bandWeights = [Float](repeating: 1, count: max(0, frequencies))
    }

    /// Opens the first `count` bands (a = 1) and closes the rest (a = 0).
    public func setActiveBands(_ count: Int) {
        bandWeights = (0..<frequencies).map { $0 < count ? 1 : 0 }
    }

    public func encode(_ x: UnsafePointer<Float>, rows: Int, into e: UnsafeMutablePointer<Float>, lde: Int) {
        let xp = SendableConstPointer(x), ep = SendablePointer(e), nf = frequencies, a = bandWeights
        parallelFor(rows, minChunk: 256) { range in
            for r in range {
                let p = xp.base + 3 * r, o = ep.base + r * lde
                o[0] = p[0]; o[1] = p[1]; o[2] = p[2]
                for f in 0..<nf {
                    let w = Float(1 << f), af = a[f]
                    for c in 0..<3 {
                        o[3 + 6 * f + c] = af * sinf(w * p[c])
                        o[6 + 6 * f + c] = af * cosf(w * p[c])
                    }
                }
            }
        }
    }

    public func pullback(_ x: UnsafePointer<Float>, rows: Int, dE: UnsafePointer<Float>, ldde: Int,
                         into out: UnsafeMutablePointer<Float>?, accumulate: Bool, parameters: Bool) {
        guard let out else { return }
        let xp = SendableConstPointer(x), dp = SendableConstPointer(dE), op = SendablePointer(out), nf = frequencies
        let a = bandWeights
        parallelFor(rows, minChunk: 256) { range in
            for r in range {
                let p = xp.base + 3 * r, g = dp.base + r * ldde, o = op.base + 3 * r
                for c in 0..<3 {
                    var acc = g[c]
                    for f in 0..<nf {
                        let w = Float(1 << f)
                        acc += a[f] * w * (cosf(w * p[c]) * g[3 + 6 * f + c] - sinf(w * p[c]) * g[6 + 6 * f + c])
                    }
                    o[c] = accumulate ? o[c] + acc : acc
                }
            }
        }
    }

    public func pushforward(_ x: UnsafePointer<Float>, rows: Int, tangent: UnsafePointer<Float>,
                            into dE: UnsafeMutablePointer<Float>, ldde: Int) {
        let xp = SendableConstPointer(x), tp = SendableConstPointer(tangent), dp = SendablePointer(dE), nf = frequencies
        let a = bandWeights
        parallelFor(rows, minChunk: 256) { range in
            for r in range {
                let p = xp.base + 3 * r, t = tp.base + 3 * r, o = dp.base + r * ldde
                o[0] = t[0]; o[1] = t[1]; o[2] = t[2]
                for f in 0..<nf {
                    let w = Float(1 << f), aw = a[f] * w
                    for c in 0..<3 {
                        o[3 + 6 * f + c] = aw * cosf(w * p[c]) * t[c]
                        o[6 + 6 * f + c] = -aw * sinf(w * p[c]) * t[c]
                    }
                }
            }
        }
    }

    public func secondOrder(_ x: UnsafePointer<Float>, rows: Int, ge: UnsafePointer<Float>, ldge: Int,
                            barG: UnsafePointer<Float>, dX: UnsafeMutablePointer<Float>?, parameters: Bool) {
        guard let dX else { return }
        let xp = SendableConstPointer(x), gp = SendableConstPointer(ge), bp = SendableConstPointer(barG)
        let op = SendablePointer(dX), nf = frequencies, a = bandWeights
        parallelFor(rows, minChunk: 256) { range in
            for r in range {
                let p = xp.base + 3 * r, g = gp.base + r * ldge, b = bp.base + 3 * r, o = op.base + 3 * r
                for c in 0..<3 {
                    var h: Float = 0
                    for f in 0..<nf {
                        let w = Float(1 << f)
                        h -= a[f] * w * w * (sinf(w * p[c]) * g[3 + 6 * f + c] + cosf(w * p[c]) * g[6 + 6 * f + c])
                    }
                    o[c] += h * b[c]
                }
            }
        }
    }
}

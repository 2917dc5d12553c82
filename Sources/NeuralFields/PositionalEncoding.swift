import SiderCore
import Foundation

/// NeRF/IDR positional encoding φ: x ↦ [x, sin(2⁰x), cos(2⁰x), …, sin(2^{L−1}x), cos(2^{L−1}x)]
/// (each term a 3-vector; D = 3 + 6L; L = 6 for IDR's geometry network, 4 for view directions).
///
/// Each output depends on one coordinate c only, so J is block-diagonal:
/// ∂sin(ωx_c)/∂x_c = ω·cos(ωx_c), ∂cos(ωx_c)/∂x_c = −ω·sin(ωx_c), and the Hessian is diagonal:
/// ∂²sin/∂x_c² = −ω²·sin, ∂²cos/∂x_c² = −ω²·cos. With L = 0 it is the identity (D = 3).
public final class PositionalEncoding: InputEncoding, @unchecked Sendable {
    public let frequencies: Int
    public var outputDimension: Int { 3 + 6 * frequencies }
    public var hasParameters: Bool { false }

    public init(frequencies: Int) {
        self.frequencies = max(0, frequencies)
    }

    /// Calls `body(r, s, c)` for each row r in `range` with s[3f + c'] = sin(2^f·x_{c'}) and
    /// c[3f + c'] = cos(2^f·x_{c'}).
    @inline(__always)
    func forEachRow(_ x: UnsafePointer<Float>, _ range: Range<Int>,
                    _ body: (Int, UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
        let nf = frequencies
        forEachSinCosRow(range, width: 3 * nf, arguments: { r, a in
            let p = x + 3 * r
            for f in 0..<nf {
                let w = Float(1 << f)
                a[3 * f] = w * p[0]; a[3 * f + 1] = w * p[1]; a[3 * f + 2] = w * p[2]
            }
        }, body)
    }

    public func encode(_ x: UnsafePointer<Float>, rows: Int, into e: UnsafeMutablePointer<Float>, lde: Int) {
        let xp = SendableConstPointer(x), ep = SendablePointer(e), nf = frequencies
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let p = xp.base + 3 * r, o = ep.base + r * lde
                o[0] = p[0]; o[1] = p[1]; o[2] = p[2]
                for f in 0..<nf {
                    for c in 0..<3 {
                        o[3 + 6 * f + c] = sn[3 * f + c]
                        o[6 + 6 * f + c] = cs[3 * f + c]
                    }
                }
            }
        }
    }

    public func pullback(_ x: UnsafePointer<Float>, rows: Int, dE: UnsafePointer<Float>, ldde: Int,
                         into out: UnsafeMutablePointer<Float>?, accumulate: Bool, parameters: Bool) {
        guard let out else { return }
        let xp = SendableConstPointer(x), dp = SendableConstPointer(dE), op = SendablePointer(out), nf = frequencies
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let g = dp.base + r * ldde, o = op.base + 3 * r
                for c in 0..<3 {
                    var acc = g[c]
                    for f in 0..<nf {
                        let w = Float(1 << f)
                        acc += w * (cs[3 * f + c] * g[3 + 6 * f + c] - sn[3 * f + c] * g[6 + 6 * f + c])
                    }
                    o[c] = accumulate ? o[c] + acc : acc
                }
            }
        }
    }

    public func pushforward(_ x: UnsafePointer<Float>, rows: Int, tangent: UnsafePointer<Float>,
                            into dE: UnsafeMutablePointer<Float>, ldde: Int) {
        let xp = SendableConstPointer(x), tp = SendableConstPointer(tangent), dp = SendablePointer(dE), nf = frequencies
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let t = tp.base + 3 * r, o = dp.base + r * ldde
                o[0] = t[0]; o[1] = t[1]; o[2] = t[2]
                for f in 0..<nf {
                    let w = Float(1 << f)
                    for c in 0..<3 {
                        o[3 + 6 * f + c] = w * cs[3 * f + c] * t[c]
                        o[6 + 6 * f + c] = -w * sn[3 * f + c] * t[c]
                    }
                }
            }
        }
    }

    public func secondOrder(_ x: UnsafePointer<Float>, rows: Int, ge: UnsafePointer<Float>, ldge: Int,
                            barG: UnsafePointer<Float>, dX: UnsafeMutablePointer<Float>?, parameters: Bool) {
        guard let dX else { return }
        let xp = SendableConstPointer(x), gp = SendableConstPointer(ge), bp = SendableConstPointer(barG)
        let op = SendablePointer(dX), nf = frequencies
        parallelFor(rows, minChunk: 256) { range in
            self.forEachRow(xp.base, range) { r, sn, cs in
                let g = gp.base + r * ldge, b = bp.base + 3 * r, o = op.base + 3 * r
                for c in 0..<3 {
                    var h: Float = 0
                    for f in 0..<nf {
                        let w = Float(1 << f)
                        h -= w * w * (sn[3 * f + c] * g[3 + 6 * f + c] + cs[3 * f + c] * g[6 + 6 * f + c])
                    }
                    o[c] += h * b[c]
                }
            }
        }
    }
}

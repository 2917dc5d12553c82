#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-pixel mask and vector-field operations of the wrinkle scoring (row-major, index y·w + x).
public enum PixelMasks {
    /// Morphological dilation by a square of half-side `radius` (Chebyshev distance): a pixel is
    /// set when any pixel within `radius` is set. Separable (rows, then columns).
    public static func dilate(_ mask: [Bool], width w: Int, height h: Int, radius: Int) -> [Bool] {
        guard radius > 0, mask.count == w * h else { return mask }
        func pass(_ src: [Bool], dx: Int, dy: Int) -> [Bool] {
            var out = [Bool](repeating: false, count: src.count)
            for y in 0..<h {
                for x in 0..<w {
                    for k in -radius...radius {
                        let xx = x + k * dx, yy = y + k * dy
                        if xx >= 0, yy >= 0, xx < w, yy < h, src[yy * w + xx] { out[y * w + x] = true; break }
                    }
                }
            }
            return out
        }
        return pass(pass(mask, dx: 1, dy: 0), dx: 0, dy: 1)
    }

    /// The masked Gaussian blur of a vector field: on the pixels of `support`,
    ///
    ///   (G_σ ∗ f)(p) = Σ_q G_σ(p − q)·[q ∈ support]·f(q) / Σ_q G_σ(p − q)·[q ∈ support],
    ///
    /// a normalised convolution (kernel truncated at 3σ, separable), so pixels off the surface
    /// neither enter nor darken the average; zero off `support`.
    public static func blur(_ f: [SIMD3<Float>], support: [Bool], width w: Int, height h: Int, sigma: Float) -> [SIMD3<Float>] {
        guard sigma > 0, f.count == w * h, support.count == w * h else { return f }
        let r = max(1, Int((3 * sigma).rounded(.up)))
        let kernel = (-r...r).map { k in expf(-Float(k * k) / (2 * sigma * sigma)) }
        var num = f.indices.map { support[$0] ? f[$0] : .zero }
        var den = support.map { $0 ? Float(1) : 0 }
        for (dx, dy) in [(1, 0), (0, 1)] {
            var n2 = [SIMD3<Float>](repeating: .zero, count: w * h), d2 = [Float](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    var sn = SIMD3<Float>.zero, sd: Float = 0
                    for k in -r...r {
                        let xx = x + k * dx, yy = y + k * dy
                        guard xx >= 0, yy >= 0, xx < w, yy < h else { continue }
                        let g = kernel[k + r], j = yy * w + xx
                        sn += g * num[j]; sd += g * den[j]
                    }
                    n2[y * w + x] = sn; d2[y * w + x] = sd
                }
            }
            num = n2; den = d2
        }
        return f.indices.map { support[$0] && den[$0] > 0 ? num[$0] / den[$0] : .zero }
    }

    /// The high-passed field f − G_σ ∗ f on `support` (zero elsewhere).
    public static func highPass(_ f: [SIMD3<Float>], support: [Bool], width w: Int, height h: Int, sigma: Float) -> [SIMD3<Float>] {
        let low = blur(f, support: support, width: w, height: h, sigma: sigma)
        return f.indices.map { support[$0] ? f[$0] - low[$0] : .zero }
    }
}

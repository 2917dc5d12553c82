import Foundation
import ImageIO

/// The intrinsic shader's skin confidence m(p) ∈ [0, 1] per crop pixel, from the photo's colour
/// over the face region (`SkinConfidenceConfig` states the formula). 0 outside the region.
public enum SkinConfidence {
    public static func map(image: RGBImage, rays: RaySet, config: SkinConfidenceConfig) -> [Float] {
        let w = rays.width, h = rays.height
        var inFace = [Bool](repeating: false, count: w * h)
        var luminance = [Float](repeating: 0, count: w * h)
        var chroma = [SIMD3<Float>](repeating: .zero, count: w * h)
        for p in rays.pixels.map({ Int($0) }) {
            let c = image[p % w, p / w]
            let sum = c.x + c.y + c.z
            inFace[p] = true
            luminance[p] = 0.2126 * c.x + 0.7152 * c.y + 0.0722 * c.z
            chroma[p] = sum > 1e-4 ? c / sum : SIMD3(repeating: 1 / 3)
        }
        let face = rays.pixels.map { Int($0) }
        guard !face.isEmpty else { return [Float](repeating: 0, count: w * h) }
        let reference = SIMD3((0..<3).map { k in median(face.map { chroma[$0][k] }) })
        let local = maskedBlur(luminance, mask: inFace, width: w, height: h, sigma: config.blur * Float(max(w, h)))
        let (q0, q1) = (config.darkness[0], config.darkness[1])
        var m = [Float](repeating: 0, count: w * h)
        for p in face {
            let d = chroma[p] - reference
            let colour = 1 - ramp((d * d).sum().squareRoot(), config.chroma[0], config.chroma[1])
            let q = local[p] > 1e-4 ? luminance[p] / local[p] : 0
            m[p] = colour * ramp(q, q0, q1)
        }
        return m
    }

    static func ramp(_ t: Float, _ a: Float, _ b: Float) -> Float { min(1, max(0, (t - a) / (b - a))) }

    static func median(_ v: [Float]) -> Float {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    /// Σ G·(v·mask) / Σ G·mask, separable Gaussian of `sigma` pixels (0 where no mask is near).
    static func maskedBlur(_ v: [Float], mask: [Bool], width w: Int, height h: Int, sigma: Float) -> [Float] {
        let r = max(1, Int((3 * sigma).rounded(.up)))
        let kernel = (-r...r).map { expf(-0.5 * Float($0 * $0) / (sigma * sigma)) }
        func blur(_ x: [Float]) -> [Float] {
            var tmp = [Float](repeating: 0, count: w * h), out = tmp
            for y in 0..<h { for xx in 0..<w {
                var s: Float = 0
                for k in -r...r where xx + k >= 0 && xx + k < w { s += kernel[k + r] * x[y * w + xx + k] }
                tmp[y * w + xx] = s
            } }
            for y in 0..<h { for xx in 0..<w {
                var s: Float = 0
                for k in -r...r where y + k >= 0 && y + k < h { s += kernel[k + r] * tmp[(y + k) * w + xx] }
                out[y * w + xx] = s
            } }
            return out
        }
        let weights = mask.map { $0 ? Float(1) : 0 }
        let num = blur(zip(v, weights).map(*)), den = blur(weights)
        return zip(num, den).map { $1 > 1e-6 ? $0 / $1 : 0 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wrinkle patterns of the wrinkle benchmark, each a set of `WrinkleStroke`s placed from
/// the scan's landmarks in its face plane (`ScanFaceFrame`; u right, v up, mm, origin at the
/// nose bridge; Lₖ = iBUG landmark k in plane coordinates, s = −1 on the image left, +1 right).
/// Widths are chosen to be resolved by the pipeline's 256-pixel crop (≈ 0.8 mm per crop pixel
/// on `james`' renders): the finest, crow's feet, is about 2 crop pixels at half maximum.
///
/// - forehead: three horizontal furrows at 12, 22 and 32 mm above the higher brow top
///   (max v of L₁₇…L₂₆), gently arched (−0.003·u² mm) and wavy (0.8 mm, period 37 mm), spanning
///   ±40, ±37, ±33 mm; half-width 3.0 mm.
/// - frown: the two vertical glabellar lines between the brows, from (s·4.5, L₂₇.v − 3) to
///   (s·7, L₂₇.v + 15); half-width 2.2 mm.
/// - nasolabial: nose-to-mouth folds, a curve from beside the nose wing (L₃₁ / L₃₅ + (s·6, 5))
///   through (mouth corner L₄₈ / L₅₄ + (s·7, 12)) to (mouth corner + (s·6, −10)); half-width 4.5 mm.
/// - crowsFeet: four short lines fanning out from 5 mm beyond each outer eye corner
///   (L₃₆ / L₄₅) at 28°, 8°, −12°, −32° from the horizontal, 10–13 mm long; half-width 1.6 mm.
public enum WrinklePattern: String, Sendable, Codable, CaseIterable, Comparable {
    case forehead, frown, nasolabial, crowsFeet = "crowsfeet"

    public static func < (a: WrinklePattern, b: WrinklePattern) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The strokes of this pattern on a face with landmarks `l` (plane coordinates, 68 points).
    public func strokes(landmarks l: [SIMD2<Float>]) -> [WrinkleStroke] {
        switch self {
        case .forehead:
            let browTop = (17...26).map { l[$0].y }.max()!
            let heights: [Float] = [12, 22, 32], spans: [Float] = [40, 37, 33]
            return zip(heights, spans).enumerated().map { k, hs in
                let (h, span) = hs
                let pts = stride(from: -span, through: span, by: 2).map { u -> SIMD2<Float> in
                    SIMD2(u, browTop + h - 0.003 * u * u + 0.8 * sinf(2 * .pi * u / 37 + Float(k)))
                }
                return WrinkleStroke(points: pts, halfWidth: 3.0, taper: 0.2)
            }
        case .frown:
            let bridge = l[27].y
            return [-1, 1].map { (s: Float) in
                .line(SIMD2(s * 4.5, bridge - 3), SIMD2(s * 7, bridge + 15), halfWidth: 2.2, taper: 0.3)
            }
        case .nasolabial:
            return [(-1, 31, 48), (1, 35, 54)].map { (s: Float, wing: Int, corner: Int) in
                .curve(l[wing] + SIMD2(s * 6, 5), through: l[corner] + SIMD2(s * 7, 12), to: l[corner] + SIMD2(s * 6, -10),
                       halfWidth: 4.5, taper: 0.3)
            }
        case .crowsFeet:
            let angles: [Float] = [28, 8, -12, -32], lengths: [Float] = [11, 13, 12, 10]
            return [(-1, 36), (1, 45)].flatMap { (s: Float, corner: Int) -> [WrinkleStroke] in
                let start = l[corner] + SIMD2(s * 5, 0)
                return zip(angles, lengths).map { a, len in
                    let d = SIMD2(s * cosf(a * .pi / 180), sinf(a * .pi / 180))
                    return .line(start, start + len * d, halfWidth: 1.6, taper: 0.3)
                }
            }
        }
    }

    /// max over the pattern's strokes of their profiles at q.
    public static func profile(_ strokes: [WrinkleStroke], at q: SIMD2<Float>) -> Float {
        strokes.reduce(0) { max($0, $1.profile(q)) }
    }
}

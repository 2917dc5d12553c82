import Foundation
import SiderCore

/// How much of a known detail field a method recovers, over a set of pixels.
///
/// With the true detail d_t(p) = n_true(p) − n_true without relief(p) and the recovered detail
/// d_r(p) = n_detailed(p) − n_coarse(p) (camera-space unit normals, so both are 3-vectors per
/// pixel), both high-passed by the same operator H f = f − G_σ ∗ f (`PixelMasks.highPass`: a
/// masked Gaussian blur over the pixels every method covers, σ in pixels stated with the
/// result) — so what the coarse prior and f_c get wrong at low frequencies does not count —
/// and summed over the pixels p of a region R and the three components:
///
///   ⟨a, b⟩ = Σ_{p ∈ R} a(p)·b(p),
///   correlation = ⟨H d_r, H d_t⟩ / (‖H d_r‖·‖H d_t‖)   (1: the right pattern, any scale;
///                                                          0: unrelated or orthogonal),
///   gain        = ⟨H d_r, H d_t⟩ / ⟨H d_t, H d_t⟩      (the least-squares scale of the true
///                                                          detail in the recovered one: 1 all
///                                                          of it, 0.5 half its amplitude).
///
/// Both are 0 when a norm is 0. `rmsRecovered` / `rmsTrue` are ‖H d‖/√|R| (a unit-vector
/// difference of ε ≈ ε radians). Pooling over cases adds the three sums (`pooled`).
public struct DetailAgreement: Sendable, Codable, Equatable {
    public var pixels: Int
    public var correlation: Double
    public var gain: Double
    public var rmsRecovered: Double
    public var rmsTrue: Double
    /// ⟨H d_r, H d_t⟩, ⟨H d_r, H d_r⟩, ⟨H d_t, H d_t⟩.
    public var dot: Double
    public var recoveredSquared: Double
    public var trueSquared: Double

    public init(pixels: Int, dot: Double, recoveredSquared rr: Double, trueSquared tt: Double) {
        self.pixels = pixels; self.dot = dot; recoveredSquared = rr; trueSquared = tt
        correlation = rr > 0 && tt > 0 ? dot / (rr * tt).squareRoot() : 0
        gain = tt > 0 ? dot / tt : 0
        rmsRecovered = pixels > 0 ? (rr / Double(pixels)).squareRoot() : 0
        rmsTrue = pixels > 0 ? (tt / Double(pixels)).squareRoot() : 0
    }

    /// The sums over `region` of already high-passed fields.
    public init(recovered: [SIMD3<Float>], truth: [SIMD3<Float>], region: [Bool]) throws {
        guard recovered.count == truth.count, truth.count == region.count else {
            throw SiderError(.badInput, "detail fields of different sizes (\(recovered.count), \(truth.count), \(region.count))")
        }
        var d = 0.0, rr = 0.0, tt = 0.0, n = 0
        for i in region.indices where region[i] {
            let a = SIMD3<Double>(recovered[i]), b = SIMD3<Double>(truth[i])
            d += (a * b).sum(); rr += (a * a).sum(); tt += (b * b).sum(); n += 1
        }
        guard d.isFinite, rr.isFinite, tt.isFinite else { throw SiderError(.numerical, "non-finite detail field") }
        self.init(pixels: n, dot: d, recoveredSquared: rr, trueSquared: tt)
    }

    /// Sums over several measurements (pooled correlation and gain).
    public static func pooled(_ parts: [DetailAgreement]) -> DetailAgreement {
        DetailAgreement(pixels: parts.reduce(0) { $0 + $1.pixels }, dot: parts.reduce(0) { $0 + $1.dot },
                        recoveredSquared: parts.reduce(0) { $0 + $1.recoveredSquared },
                        trueSquared: parts.reduce(0) { $0 + $1.trueSquared })
    }
}

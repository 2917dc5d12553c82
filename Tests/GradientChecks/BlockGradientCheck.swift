import Foundation
import NeuralFields
import SiderCore
import Testing

/// A named slice of a flat vector (a network's parameters, or a batch's inputs) whose gradient
/// is checked on its own.
public struct GradientBlock: Sendable, CustomStringConvertible {
    public var name: String
    public var range: Range<Int>

    public init(_ name: String, _ range: Range<Int>) {
        self.name = name
        self.range = range
    }

    public var description: String { "\(name) [\(range.lowerBound)..<\(range.upperBound)]" }
}

/// One block's finite-difference check along one direction.
public struct BlockCheckResult: Sendable, CustomStringConvertible {
    public let block: GradientBlock
    /// "ĝ" (the analytic gradient's direction in the block) or "random".
    public let direction: String
    /// g·d and the extrapolated central difference D along the same unit d.
    public let analytic: Double
    public let numeric: Double
    /// ‖g_b‖, the analytic gradient's norm over the block: the scale its tolerance is set in.
    public let blockNorm: Double
    /// The allowed |D − g·d| (see `BlockGradientCheck`) and its rounding-noise and truncation parts.
    public let allowed: Double
    public let noise: Double
    public let truncation: Double

    public var error: Double { abs(numeric - analytic) }
    public var passes: Bool { error <= allowed && numeric.isFinite && analytic.isFinite }
    /// The check would see an error of `BlockGradientCheck.sensitivity`·‖g_b‖ in this block (a
    /// block with no gradient is checked against the difference's own noise only).
    public var isSensitive: Bool { isSensitive(to: BlockGradientCheck.sensitivity) }
    public func isSensitive(to fraction: Double) -> Bool { blockNorm == 0 || allowed <= fraction * blockNorm }

    public var description: String {
        "\(block.name) along \(direction): analytic \(analytic), numeric \(numeric), error \(error) "
            + "(allowed \(allowed) = rtol·‖g_b‖ + noise \(noise) + truncation \(truncation), ‖g_b‖ \(blockNorm))"
    }
}

/// Finite-difference checks of a gradient, block by block.
///
/// One random direction over all parameters averages a wrong gradient confined to a small
/// block (one layer's bias, a grid level) with the right rest, and it hides. Here every block b
/// is checked on its own, along two unit directions supported on b: d = ĝ_b (the analytic
/// gradient's direction: a wrong scale of g_b shows in full) and a random d (an error
/// orthogonal to g_b).
///
/// The engine is float32, the loss is summed in Double. Per direction, with the central
/// differences D(h) and D(h/2) of L along d, the numeric derivative is their Richardson
/// extrapolation D = (4·D(h/2) − D(h))/3 (truncation O(h⁴)), and the check is
///     |D − g·d| ≤ rtol·‖g_b‖ + 8·σ_L/h + |D(h) − D(h/2)|/3,
/// each term argued from what limits it:
/// - rtol = `relativeTolerance` = 10⁻³ for the float32 sums of the analytic gradient (relative
///   error ~10⁻⁶ on these sizes, so generous);
/// - σ_L, the noise of L itself (float32 rounding; in a rendered loss also the tracer's jitter),
///   measured here: the RMS scatter of L at 9 offsets t·h/4 (t = −4…4, which D uses too) about
///   their least-squares cubic. D's noise is ≈ 1.9·σ_L/h (the Richardson weights on four
///   noisy values), so 8·σ_L/h is 4 standard deviations;
/// - |D(h) − D(h/2)|/3, the h² truncation term that the extrapolation removes — a generous
///   bound for what remains, and large where a kink (ReLU, a grid cell face) lies within h.
/// A check too noisy to see an error of `sensitivity` (5 %) of ‖g_b‖ fails as well
/// (`isSensitive`): a test must be able to fail.
public enum BlockGradientCheck {
    public static let relativeTolerance = 1e-3
    public static let sensitivity = 0.05

    /// One block per named view of `store` (a layer's weight, gain, bias; a grid table), with the
    /// views named in `split` cut into consecutive blocks of the given sizes (a grid's levels).
    public static func blocks(_ store: ParameterStore, split: [String: [Int]] = [:]) -> [GradientBlock] {
        store.views.flatMap { v -> [GradientBlock] in
            guard let sizes = split[v.name] else { return [GradientBlock(v.name, v.offset..<(v.offset + v.count))] }
            var start = v.offset
            return sizes.enumerated().map { i, n in
                defer { start += n }
                return GradientBlock("\(v.name)[\(i)]", start..<(start + n))
            }
        }
    }

    /// Blocks of `width` consecutive entries (one point's coordinates), named "name i".
    public static func rows(_ count: Int, width: Int, name: String, offset: Int = 0) -> [GradientBlock] {
        (0..<count).map { GradientBlock("\(name) \($0)", (offset + $0 * width)..<(offset + ($0 + 1) * width)) }
    }

    /// Checks `gradient` = ∂L/∂v at `values` block by block; `loss(v)` evaluates L at v.
    public static func check(_ blocks: [GradientBlock], values: [Float], gradient: [Float], h: Float = 2e-3,
                             relativeTolerance rtol: Double = relativeTolerance, seed: UInt64 = 7,
                             loss: ([Float]) -> Double) -> [BlockCheckResult] {
        var rng = SeededGenerator(seed: seed)
        var results: [BlockCheckResult] = []
        for block in blocks {
            let g = block.range.map { Double(gradient[$0]) }
            let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var random = block.range.map { _ in Double(rng.normal()) }
            let rn = random.reduce(0) { $0 + $1 * $1 }.squareRoot()
            random = random.map { $0 / rn }
            let alongGradient = norm > 0 ? g.map { $0 / norm } : random
            for (label, d) in [("ĝ", alongGradient), ("random", random)] {
                let analytic = zip(g, d).reduce(0) { $0 + $1.0 * $1.1 }
                // L at t·h/4 for t = −4…4: D(h), D(h/2) and the noise estimate share the samples.
                let ts = (-4...4).map(Double.init)
                let ls = ts.map { t -> Double in
                    var v = values
                    let step = Float(t / 4) * h
                    for (k, i) in block.range.enumerated() { v[i] += step * Float(d[k]) }
                    return loss(v)
                }
                let dh = (ls[8] - ls[0]) / (2 * Double(h)), dh2 = (ls[6] - ls[2]) / Double(h)
                let numeric = (4 * dh2 - dh) / 3
                let noiseTerm = 8 * cubicResidual(ts, ls) / Double(h), truncation = abs(dh - dh2) / 3
                results.append(BlockCheckResult(block: block, direction: label, analytic: analytic, numeric: numeric,
                                                blockNorm: norm, allowed: rtol * norm + noiseTerm + truncation,
                                                noise: noiseTerm, truncation: truncation))
            }
        }
        return results
    }

    /// RMS residual of a least-squares cubic through (t, l) (5 degrees of freedom for 9 points): a
    /// smooth L leaves only its O(h⁴) part there, so what remains is noise.
    static func cubicResidual(_ t: [Double], _ l: [Double]) -> Double {
        let terms = 4
        var a = [[Double]](repeating: [Double](repeating: 0, count: terms + 1), count: terms)
        for (x, y) in zip(t, l) {
            let m = (0..<terms).map { pow(x, Double($0)) }
            for r in 0..<terms { for c in 0..<terms { a[r][c] += m[r] * m[c] }; a[r][terms] += m[r] * y }
        }
        for p in 0..<terms {   // Gauss–Jordan on the normal equations (positive definite)
            let pivot = a[p][p]
            for c in p...terms { a[p][c] /= pivot }
            for r in 0..<terms where r != p {
                let k = a[r][p]
                for c in p...terms { a[r][c] -= k * a[p][c] }
            }
        }
        let ss = zip(t, l).reduce(0.0) { acc, p in
            let e = p.1 - (0..<terms).reduce(0.0) { $0 + a[$1][terms] * pow(p.0, Double($1)) }
            return acc + e * e
        }
        return (ss / Double(max(t.count - terms, 1))).squareRoot()
    }

    /// The same for a network's parameters: `store.grads` must hold ∂L/∂θ; `loss()` evaluates L
    /// at the store's current values (which are restored afterwards).
    public static func check(_ store: ParameterStore, blocks: [GradientBlock]? = nil, h: Float = 2e-3,
                             relativeTolerance rtol: Double = relativeTolerance, seed: UInt64 = 7,
                             loss: () -> Double) -> [BlockCheckResult] {
        let theta = store.valueArray
        defer { store.valueArray = theta }
        return check(blocks ?? Self.blocks(store), values: theta, gradient: store.gradArray, h: h, relativeTolerance: rtol,
                     seed: seed) {
            store.valueArray = $0
            return loss()
        }
    }

    /// Expects every result to pass and to see an error of `sensitivity`·‖g_b‖ (see `BlockCheckResult`).
    public static func expect(_ results: [BlockCheckResult], _ label: String = "", sensitivity: Double = sensitivity,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!results.isEmpty, "\(label): nothing checked", sourceLocation: sourceLocation)
        for r in results {
            #expect(r.passes, "\(label) \(r)", sourceLocation: sourceLocation)
            #expect(r.isSensitive(to: sensitivity), "\(label) too noisy to check: \(r)", sourceLocation: sourceLocation)
        }
    }
}

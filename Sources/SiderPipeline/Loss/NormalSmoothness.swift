import Foundation
import SiderCore

/// Normal smoothness prior: L = (1/Q) Σ ‖∇ₓf(x̂ + ξ) − 2∇ₓf(x̂) + ∇ₓf(x̂ − ξ)‖ over the first Q
/// hit points (`points`), ξ uniform on the sphere of radius `step` (normalised units) from the
/// run's RNG, x̂ and ξ held fixed. The second difference ignores the coarse shape's smooth
/// curvature and costs fine relief (skin texture) far more than folds; the L1 norm lets a few
/// sharp creases through. ∂L/∂∇ₓf = u/Q at x̂ ± ξ and −2u/Q at x̂, u the difference's direction.
/// With `delta` the norm goes through Charbonnier instead (`RobustPenalty`): small curvature, a
/// faint wrinkle's, costs quadratically instead of being flattened.
public struct NormalSmoothness: GeometryLossTerm {
    public let name = "smoothness"
    public var weight: Float
    /// ‖ξ‖ in normalised units.
    public var step: Float
    /// Hit points per batch it looks at.
    public var points: Int
    public var penalty: RobustPenalty

    public init(weight: Float, step: Float, points: Int, penalty: RobustPenalty = .l1) {
        self.weight = weight; self.step = step; self.points = points; self.penalty = penalty
    }

    init(options: inout LossTermOptions) throws {
        weight = try options.value("weight")
        step = try options.value("step", in: 1e-6...1)
        points = try options.count("points")
        penalty = try RobustPenalty(options: &options)
    }

    /// x̂ + ξ for each of the first `points` hits, then x̂ − ξ for each.
    public func extraPoints(_ context: GeometryTermContext, rng: inout SeededGenerator) -> [SIMD3<Float>] {
        let base = Array(context.hitPoints.prefix(points))
        let radius = step * context.lengthUnit
        let offsets = base.map { _ in
            let u = Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1
            let a = Float(rng.next() >> 40) / Float(1 << 24) * 2 * .pi
            let s = (1 - u * u).squareRoot()
            return radius * SIMD3(s * cos(a), s * sin(a), u)
        }
        return zip(base, offsets).map { $0 + $1 } + zip(base, offsets).map { $0 - $1 }
    }

    public func accumulate(_ eval: GeometryEvaluation, extra: Range<Int>, context: GeometryTermContext,
                           dSDF: inout [Float], dGradients: inout [SIMD3<Float>]) -> Float {
        let q = extra.count / 2
        let plus = extra.lowerBound, minus = extra.lowerBound + q, centre = context.hits.lowerBound
        var total: Float = 0
        let wq: Float = q > 0 ? 1 / Float(q) : 0
        for j in 0..<q {
            let diff = eval.gradients[plus + j] + eval.gradients[minus + j] - 2 * eval.gradients[centre + j]
            let (value, factor) = penalty.evaluateNorm(diff)
            total += value * wq
            guard factor > 0 else { continue }
            let g = diff * (weight * wq * factor)
            dGradients[plus + j] += g
            dGradients[minus + j] += g
            dGradients[centre + j] -= 2 * g
        }
        return total
    }
}

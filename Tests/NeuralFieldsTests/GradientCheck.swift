import SiderCore
@testable import NeuralFields

/// Finite-difference helpers. The engine is float32, so checks use central differences of a
/// loss accumulated in Double along a random unit direction in parameter (or point) space:
/// a directional derivative averages per-component rounding, and with h ≈ 1e−3 the float32
/// tolerance is a relative error ≤ 1e−2 (typically 1e−4 … 1e−3 is observed).
enum GradientCheck {
    static let tolerance = 1e-2

    static func relativeError(_ a: Double, _ b: Double) -> Double {
        abs(a - b) / max(abs(a), abs(b), 1e-6)
    }

    static func randomDirection(_ n: Int, _ rng: inout SeededGenerator) -> [Float] {
        var d = (0..<n).map { _ in rng.normal() }
        let s = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
        d = d.map { $0 / s }
        return d
    }

    /// (finite difference, analytic) of L along a random direction in `store`'s parameters.
    static func parameters(_ store: ParameterStore, seed: UInt64 = 7, h: Float = 1e-3,
                           loss: () -> Double) -> (fd: Double, analytic: Double) {
        var rng = SeededGenerator(seed: seed)
        let d = randomDirection(store.count, &rng)
        let grad = store.gradArray
        let theta = store.valueArray
        var analytic = 0.0
        for i in 0..<d.count { analytic += Double(grad[i]) * Double(d[i]) }
        store.valueArray = zip(theta, d).map { $0 + h * $1 }
        let lp = loss()
        store.valueArray = zip(theta, d).map { $0 - h * $1 }
        let lm = loss()
        store.valueArray = theta
        return ((lp - lm) / (2 * Double(h)), analytic)
    }

    /// (finite difference, analytic) of L along a random direction in the points (N×3).
    static func points(_ x: [Float], gradient: [Float], seed: UInt64 = 11, h: Float = 1e-3,
                       loss: ([Float]) -> Double) -> (fd: Double, analytic: Double) {
        var rng = SeededGenerator(seed: seed)
        let d = randomDirection(x.count, &rng)
        var analytic = 0.0
        for i in 0..<d.count { analytic += Double(gradient[i]) * Double(d[i]) }
        let lp = loss(zip(x, d).map { $0 + h * $1 })
        let lm = loss(zip(x, d).map { $0 - h * $1 })
        return ((lp - lm) / (2 * Double(h)), analytic)
    }

    static func randomPoints(_ n: Int, radius: Float, _ rng: inout SeededGenerator) -> [Float] {
        (0..<(3 * n)).map { _ in rng.uniform(-radius, radius) }
    }
}

import Foundation
import NeuralFields
import SiderCore
import SiderPipeline

/// Finite-difference checks per parameter block (each layer's weights and biases, each
/// encoding table): a wrong gradient confined to one block cannot hide under the others.
///
/// For block b, a random unit direction d inside it: fd = (J(θ + h·d) − J(θ − h·d))/(2h) against
/// the analytic ⟨∇J, d⟩. Tolerance: 3 % of the larger, plus an absolute floor `floor` for
/// blocks whose directional derivative is at the level of J's float rounding (|J|·2⁻²³/h).
enum ObjectiveGradientCheck {
    struct Failure: CustomStringConvertible {
        var block: String, fd: Double, analytic: Double
        var description: String { "\(block): fd \(fd), analytic \(analytic)" }
    }

    /// `loss` evaluates J at the store's current values; `gradient` is ∇J as the code under test
    /// computed it (indexed like the store). Returns the blocks that disagree.
    static func check(_ store: ParameterStore, gradient: [Float], h: Float = 1e-3, relative: Double = 0.03,
                      floor: Double = 2e-5, seed: UInt64 = 1, loss: () -> Double) -> [Failure] {
        var rng = SeededGenerator(seed: seed)
        let theta = store.valueArray
        var failures: [Failure] = []
        for view in store.views where view.count > 0 {
            var d = [Float](repeating: 0, count: store.count)
            var norm: Float = 0
            for i in view.offset..<(view.offset + view.count) { d[i] = rng.normal(); norm += d[i] * d[i] }
            norm = norm.squareRoot()
            var analytic = 0.0
            for i in view.offset..<(view.offset + view.count) { d[i] /= norm; analytic += Double(gradient[i]) * Double(d[i]) }
            store.valueArray = zip(theta, d).map { $0 + h * $1 }
            let plus = loss()
            store.valueArray = zip(theta, d).map { $0 - h * $1 }
            let minus = loss()
            store.valueArray = theta
            let fd = (plus - minus) / (2 * Double(h))
            if abs(fd - analytic) > relative * max(abs(fd), abs(analytic)) + floor {
                failures.append(Failure(block: view.name, fd: fd, analytic: analytic))
            }
        }
        return failures
    }
}

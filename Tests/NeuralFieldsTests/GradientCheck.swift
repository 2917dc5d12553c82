import SiderCore
import GradientChecks
@testable import NeuralFields

/// Test inputs and parameter blocks for the finite-difference checks (`BlockGradientCheck`).
enum GradientCheck {
    static func randomPoints(_ n: Int, radius: Float, _ rng: inout SeededGenerator) -> [Float] {
        (0..<(3 * n)).map { _ in rng.uniform(-radius, radius) }
    }

    /// Random points at least `margin` from every cell face of every level of `grid` (a grid
    /// encoding is trilinear per cell, so ∇ₓf jumps across faces and a difference in x that
    /// straddles one measures the jump, not the derivative).
    static func pointsInsideCells(_ n: Int, radius: Float, grid: GridEncoding, margin: Float,
                                  _ rng: inout SeededGenerator) -> [Float] {
        var out: [Float] = []
        while out.count < 3 * n {
            let p = (0..<3).map { _ in rng.uniform(-radius, radius) }
            let clear = grid.resolutions.allSatisfy { r in
                p.allSatisfy { c in
                    let u = (c + 1) / 2 * Float(r)
                    return abs(u - u.rounded()) * 2 / Float(r) > margin
                }
            }
            if clear { out += p }
        }
        return out
    }

    /// One block per layer weight, gain and bias, and one per level of a grid table.
    static func blocks(_ net: SDFNetwork) -> [GradientBlock] {
        guard let grid = net.encoding as? GridEncoding else { return BlockGradientCheck.blocks(net.store) }
        let sizes = (0..<grid.config.levels).map { (grid.offsets[$0 + 1] - grid.offsets[$0]) * grid.config.featuresPerLevel }
        return BlockGradientCheck.blocks(net.store, split: [grid.view.name: sizes])
    }
}

extension GradientCheck {
    /// Per row of the last `forward` of a ReLU `mlp` (no skips), the smallest |z| over its hidden
    /// pre-activations, recomputed in Double from the layers' weights and the MLP's input E.
    static func reluMargins(_ mlp: MLP, rows n: Int) -> [Double] {
        precondition(mlp.config.skips.isEmpty && mlp.config.activation == .relu)
        let d = mlp.config.input
        return (0..<n).map { r in
            var u = (0..<d).map { Double(mlp.input[r * d + $0]) }, margin = Double.infinity
            for layer in mlp.layers.dropLast() {
                let z = (0..<layer.outputs).map { o in
                    (0..<layer.inputs).reduce(Double(layer.bias[o])) {
                        $0 + Double(layer.inputScale) * Double(layer.weight[o * layer.inputs + $1]) * u[$1]
                    }
                }
                margin = min(margin, z.map(abs).min() ?? .infinity)
                u = z.map { max($0, 0) }
            }
            return margin
        }
    }

    /// The indices of the `count` rows farthest from a ReLU kink (see `reluMargins`), and the
    /// smallest margin among them.
    static func rowsClearOfKinks(_ mlp: MLP, rows n: Int, count: Int) -> (rows: [Int], margin: Double) {
        let margins = reluMargins(mlp, rows: n)
        let best = margins.indices.sorted { margins[$0] > margins[$1] }.prefix(count).sorted()
        return (Array(best), best.map { margins[$0] }.min() ?? 0)
    }
}

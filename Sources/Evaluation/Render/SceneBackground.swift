import ImageIO
import SiderCore

/// Backgrounds for ground-truth renders: a plain colour, or a smooth "textured" one — a
/// vertical gradient between two colours modulated by value noise (bilinearly interpolated
/// random lattice values at two octaves), so the face stands on something photo-like without
/// any content a landmark detector could mistake for a face.
public enum SceneBackground: Sendable, Equatable, Codable {
    case plain(SIMD3<Float>)
    case textured(top: SIMD3<Float>, bottom: SIMD3<Float>, seed: UInt64)

    /// A background drawn from `g`: plain or textured with equal probability, in muted colours
    /// (a grey level mixed 25 % with a random colour, like walls and studio backdrops).
    public static func sample(_ g: inout SeededGenerator) -> SceneBackground {
        func muted() -> SIMD3<Float> {
            let grey = g.uniform(0.2, 0.85)
            let hue = SIMD3<Float>(g.uniform(), g.uniform(), g.uniform())
            return SIMD3(repeating: grey * 0.75) + 0.25 * hue
        }
        if g.uniform() < 0.5 { return .plain(muted()) }
        return .textured(top: muted(), bottom: muted(), seed: g.next())
    }

    public func image(width: Int, height: Int) -> RGBImage {
        switch self {
        case .plain(let c):
            return RGBImage(width: width, height: height, fill: c)
        case .textured(let top, let bottom, let seed):
            var img = RGBImage(width: width, height: height, fill: .zero)
            var g = SeededGenerator(seed: seed)
            let coarse = Lattice(cells: 4, &g), fine = Lattice(cells: 16, &g)
            for y in 0..<height {
                let v = (Float(y) + 0.5) / Float(max(height, 1))
                let base = top * (1 - v) + bottom * v
                for x in 0..<width {
                    let u = (Float(x) + 0.5) / Float(max(width, 1))
                    let noise = 0.7 * coarse.value(u, v) + 0.3 * fine.value(u, v)   // in [0, 1]
                    img[x, y] = (base * (0.75 + 0.5 * noise)).clamped(lowerBound: .zero, upperBound: SIMD3(1, 1, 1))
                }
            }
            return img
        }
    }

    /// Random values on a (cells+1)² lattice over the unit square, bilinearly interpolated.
    struct Lattice {
        let cells: Int
        let values: [Float]
        init(cells: Int, _ g: inout SeededGenerator) {
            self.cells = cells
            values = (0..<((cells + 1) * (cells + 1))).map { _ in g.uniform() }
        }
        func value(_ u: Float, _ v: Float) -> Float {
            let x = u * Float(cells), y = v * Float(cells)
            let i = min(Int(x), cells - 1), j = min(Int(y), cells - 1)
            let fx = x - Float(i), fy = y - Float(j)
            // Smoothstep weights avoid visible lattice creases.
            let sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy)
            let n = cells + 1
            let a = values[j * n + i], b = values[j * n + i + 1]
            let c = values[(j + 1) * n + i], d = values[(j + 1) * n + i + 1]
            return (a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy
        }
    }
}

import NeuralFields

/// Where the specular lobe's highlight falls, per crop pixel: a bilinear lattice (a node every
/// `spacing` crop pixels, one more row and column past the crop's edge) of offsets
/// e(p) = (eₓ, e_y, 0) added to the lobe's half vector, h(p) = (h₀ + e(p))/‖h₀ + e(p)‖.
///
/// A highlight's derivative changes sign across its peak, so which side of the peak a pixel
/// lies on decides the sign in which it reads relief; the prior's broad normals are a few
/// degrees off, as far as the lobe is wide. e lets the lobe's peak sit where the photo's
/// highlight is without moving the surface: for the specular term only, it stands in for the
/// broad shape's error. Its values live in the lobe's store (`SpecularLobe`, group "specular").
struct HalfVectorField {
    let width: Int
    let height: Int
    let spacing: Int
    /// Lattice nodes per row and column.
    let columns: Int
    let rows: Int
    let view: ParameterView

    /// Allocates 2 values per node in `store` (not yet frozen).
    init(width: Int, height: Int, spacing: Int, store: ParameterStore) {
        precondition(width > 0 && height > 0 && spacing > 0, "half-vector field over an empty crop")
        self.width = width; self.height = height; self.spacing = spacing
        columns = (width + spacing - 1) / spacing + 1
        rows = (height + spacing - 1) / spacing + 1
        view = store.allocate("placement", count: 2 * columns * rows)
    }

    /// The four nodes around crop pixel `pixel` (row-major index) and their bilinear weights.
    func corners(_ pixel: Int32) -> (nodes: SIMD4<Int32>, weights: SIMD4<Float>) {
        let p = Int(pixel)
        let x = (Float(p % width) + 0.5) / Float(spacing), y = (Float(p / width) + 0.5) / Float(spacing)
        let i = min(columns - 2, Int(x)), j = min(rows - 2, Int(y))
        let fx = x - Float(i), fy = y - Float(j)
        let base = Int32(j * columns + i), c = Int32(columns)
        return (SIMD4(base, base + 1, base + c, base + c + 1),
                SIMD4((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy))
    }

    /// e at crop pixel `pixel`.
    func offset(_ pixel: Int32, in store: ParameterStore) -> SIMD3<Float> {
        let e = store.value(view), (nodes, w) = corners(pixel)
        var o = SIMD3<Float>.zero
        for k in 0..<4 {
            let n = Int(nodes[k])
            o.x += w[k] * e[2 * n]; o.y += w[k] * e[2 * n + 1]
        }
        return o
    }

    /// Adds ∂L/∂e(pixel) = `g` (its x and y) to the nodes' gradients.
    func accumulate(_ g: SIMD3<Float>, at pixel: Int32, in store: ParameterStore) {
        let d = store.grad(view), (nodes, w) = corners(pixel)
        for k in 0..<4 {
            let n = Int(nodes[k])
            d[2 * n] += w[k] * g.x; d[2 * n + 1] += w[k] * g.y
        }
    }
}

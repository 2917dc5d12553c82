import Geometry
import NeuralFields
import SiderCore

/// Surface extraction from the coarse SDF: f_θ on a lattice over the padded bounding box, then
/// the geometry module's `MarchingCubes`, clipped to that box.
///
/// Only blocks near the surface are evaluated densely: f is first evaluated at the centres of
/// blocks of B³ cells; a block with |f(centre)| > 1.5·(its half-diagonal) + 2 cells cannot hold
/// the surface (f is close to a distance function, so |∇f| ≈ 1) and its lattice points take the
/// centre's value, which has the right sign. The other blocks' lattice points are evaluated.
public enum CoarseExtraction {
    /// Lattice evaluation of the SDF (mesh units) covering `box`.
    public static func grid(_ sdf: CoarseSDF, box: BoundingBox, resolution: Int, block: Int = 4) throws -> ScalarGrid {
        try BLAS.singleThreaded { try evaluateGrid(sdf, box: box, resolution: resolution, block: block) }
    }

    static func evaluateGrid(_ sdf: CoarseSDF, box: BoundingBox, resolution: Int, block: Int) throws -> ScalarGrid {
        let layout = GridLayout(covering: box, resolution: resolution)
        let dims = layout.dims, h = layout.spacing.x
        let nb = (dims &- 1 &+ (block - 1)) / block
        var centres: [SIMD3<Float>] = []
        centres.reserveCapacity(nb.x * nb.y * nb.z)
        for bk in 0..<nb.z { for bj in 0..<nb.y { for bi in 0..<nb.x {
            centres.append(layout.origin + (SIMD3<Float>(Float(bi), Float(bj), Float(bk)) + 0.5) * Float(block) * h)
        } } }
        let fc = sdf.distances(centres)
        let threshold = 1.5 * Float(block) * 0.5 * Float(3).squareRoot() * h + 2 * h
        var values = [Float](repeating: .nan, count: layout.count)
        var near = [Bool](repeating: false, count: layout.count)
        for bk in 0..<nb.z { for bj in 0..<nb.y { for bi in 0..<nb.x {
            let b = bi + nb.x * (bj + nb.y * bk)
            let isNear = abs(fc[b]) <= threshold
            for k in (bk * block)...min((bk + 1) * block, dims.z - 1) {
                for j in (bj * block)...min((bj + 1) * block, dims.y - 1) {
                    for i in (bi * block)...min((bi + 1) * block, dims.x - 1) {
                        let idx = layout.index(i, j, k)
                        if isNear { near[idx] = true } else if values[idx].isNaN { values[idx] = fc[b] }
                    }
                }
            }
        } } }
        var queries: [SIMD3<Float>] = [], where_: [Int] = []
        for k in 0..<dims.z { for j in 0..<dims.y { for i in 0..<dims.x {
            let idx = layout.index(i, j, k)
            if near[idx] { queries.append(layout.point(i, j, k)); where_.append(idx) }
        } } }
        let fv = sdf.distances(queries)
        for (q, idx) in where_.enumerated() { values[idx] = fv[q] }
        guard values.allSatisfy({ $0.isFinite }) else { throw SiderError(.numerical, "coarse SDF has NaN/Inf values") }
        return try ScalarGrid(layout: layout, values: values)
    }

    /// The extracted surface: f = iso (mesh units) on the lattice, clipped to the padded box.
    public static func mesh(_ sdf: CoarseSDF, around mesh: TriangleMesh, resolution: Int, isoCells: Float) throws -> TriangleMesh {
        let box = mesh.boundingBox.expanded(by: 0.05 * mesh.boundingBox.diagonal)
        let g = try grid(sdf, box: box, resolution: resolution)
        return try MarchingCubes.extract(g, isoLevel: isoCells * g.layout.spacing.x, clip: box)
    }
}

import Testing
import Geometry
import NeuralFields
import SiderCore
@testable import SiderPipeline

/// `CoarseExtraction.grid` evaluates f only in blocks near the surface and fills the others with
/// their centre's value. Against evaluating every lattice point: the evaluated points agree, the
/// skipped ones are on the same side of the iso-level, and so the extracted meshes are the same —
/// with most of the lattice skipped, so the shortcut is what is being tested.
@Suite struct CoarseExtractionTests {
    @Test func blockSkippingMatchesFullEvaluation() throws {
        // A wobbly sphere: IDR's init (r = 0.5) with perturbed weights, still close to a distance.
        let cfg = SDFNetworkConfig(encoding: .positional(frequencies: 2), hidden: [32, 32], skips: [], featureSize: 2,
                                   beta: 50, initialRadius: 0.5)
        let net = SDFNetwork(config: cfg, seed: 3)
        var rng = SeededGenerator(seed: 4)
        net.store.valueArray = net.store.valueArray.map { $0 + 0.01 * rng.normal() }
        let frame = CoarseFrame(center: SIMD3(0.1, -0.05, 0.3), scale: 0.2)
        let sdf = CoarseSDF(network: net, frame: frame, thickness: 1e-3)
        let box = BoundingBox(min: frame.center - 0.17, max: frame.center + 0.17)
        let resolution = 72
        let skipped = try CoarseExtraction.grid(sdf, box: box, resolution: resolution)
        let layout = skipped.layout, h = layout.spacing.x
        var points: [SIMD3<Float>] = []
        for k in 0..<layout.dims.z { for j in 0..<layout.dims.y { for i in 0..<layout.dims.x { points.append(layout.point(i, j, k)) } } }
        let full = try ScalarGrid(layout: layout, values: sdf.distances(points))

        // The premise of the skip rule: a block is skipped when |f(centre)| > 1.5·r + 2h (r = 2√3·h,
        // the half-diagonal), and its lattice points, within r of the centre, keep the centre's
        // side of the iso-level 0.5h as long as |∇f| < (1.5·r + 1.5h)/r ≈ 1.93. Checked on the
        // lattice (forward differences):
        var steepest: Float = 0
        for k in 0..<(layout.dims.z - 1) { for j in 0..<(layout.dims.y - 1) { for i in 0..<(layout.dims.x - 1) {
            let f0 = full.values[layout.index(i, j, k)]
            let g = SIMD3(full.values[layout.index(i + 1, j, k)] - f0, full.values[layout.index(i, j + 1, k)] - f0,
                          full.values[layout.index(i, j, k + 1)] - f0) / h
            steepest = max(steepest, (g * g).sum().squareRoot())
        } } }
        #expect(steepest < 1.9, "test field too steep for the skip rule: |∇f| up to \(steepest)")

        let iso = 0.5 * h   // the presets' isoCells = 0.5
        var differing = 0, sideChanges = 0
        for idx in full.values.indices {
            let a = skipped.values[idx], b = full.values[idx]
            // Evaluated points agree to float32 rounding (~10⁻⁷); a filled one differs by ~h unless it
            // is its block's centre: the count is a lower bound on the filled points.
            if abs(a - b) > 1e-2 * h { differing += 1 }
            if (a > iso) != (b > iso) { sideChanges += 1 }
        }
        let fraction = Double(differing) / Double(full.values.count)
        print(String(format: "block skipping: ≥ %.1f %% of %d lattice points filled from block centres; |∇f| ≤ %.2f",
                     100 * fraction, full.values.count, steepest))
        #expect(fraction > 0.5, "too little skipped to test the shortcut (\(fraction))")
        #expect(sideChanges == 0, "\(sideChanges) lattice points on the wrong side of the iso-level")

        let a = try MarchingCubes.extract(skipped, isoLevel: iso, clip: box)
        let b = try MarchingCubes.extract(full, isoLevel: iso, clip: box)
        #expect(b.faces.count > 1000)
        #expect(a.faces == b.faces)
        #expect(a.vertices.count == b.vertices.count)
        let worst = zip(a.vertices, b.vertices).map { v, w in max(abs(v.x - w.x), abs(v.y - w.y), abs(v.z - w.z)) }.max() ?? .infinity
        // Vertices interpolate evaluated values only, which agree to float32 rounding (~10⁻⁷ in mesh
        // units); a crossing nearly along an edge (small |f₁ − f₀|) magnifies that in x: measured
        // 1.9·10⁻⁴·h, bound 10⁻³·h.
        #expect(worst <= 1e-3 * h, "meshes differ by \(worst)")
    }
}

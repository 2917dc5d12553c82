import Testing
import SiderPipeline
import Geometry

/// Finite-difference checks of the differentiable intersection: the rendered colour as a function
/// of θ, with the rays re-traced at every perturbed θ.
@Suite struct ImplicitDifferentiationTests {
    static let freqs: [SIMD3<Float>] = [[9, 2, 1], [-3, 8, 2], [5, 5, -4], [1, -7, 6]]
    static let phases: [Float] = [0.3, 1.1, -0.7, 2.0]

    func makeScene() -> (RaySet, BumpySDF, LambertShader, [SIMD3<Float>]) {
        let f = BumpySDF(center: [0.01, 0.02, 1.0], radius: 0.3, amplitudes: [0.004, -0.003, 0.002, 0.003],
                         frequencies: Self.freqs, phases: Self.phases, featureCount: 2)
        let g = LambertShader(albedo: [0.8, 0.6, 0.5], light: [0.3, -0.2, -0.9], ambient: 0.2,
                              featureWeight: 3.0, pointWeight: 2.0, featureCount: 2)
        let intr = PinholeCamera(fx: 40, fy: 40, cx: 8, cy: 8, width: 16, height: 16)
        var mask = PixelMask(width: 16, height: 16)
        for y in 4..<12 { for x in 4..<12 { mask[x, y] = true } }
        let rays = RaySet(camera: intr, mask: mask, depth: [Float](repeating: 0.7, count: 256), margin: 0.15)
        var rng = SeededGeneratorBox(seed: 3)
        let weights = (0..<rays.count).map { _ in SIMD3<Float>(rng.next(), rng.next(), rng.next()) }
        return (rays, f, g, weights)
    }

    /// J(θ) = Σ wₖ·cₖ over all rays (all hit).
    func objective(_ rays: RaySet, _ f: BumpySDF, _ g: LambertShader, _ w: [SIMD3<Float>], _ renderer: SurfaceRenderer) -> Double {
        let batch = renderer.render(rays, geometry: f, shader: g)
        var j = 0.0
        for (i, r) in batch.hits.enumerated() { j += Double((w[r] * batch.colors[i]).sum()) }
        return j
    }

    func check(feature: Bool = true, normal: Bool = true) throws {
        let (rays, f, g, w) = makeScene()
        var ts = SphereTraceSettings(); ts.threshold = 1e-7; ts.secantSteps = 20; ts.maxSteps = 60
        let renderer = SurfaceRenderer(tracer: SphereTracer(settings: ts), feature: feature, normal: normal)
        let batch = renderer.render(rays, geometry: f, shader: g)
        try #require(batch.hits.count == rays.count)
        f.zeroGradients(); g.zeroGradients()
        let seeds = renderer.backward(batch, dColors: batch.hits.map { w[$0] }, geometry: f, shader: g)
        _ = f.forward(batch.points)
        _ = f.backward(dSDF: seeds, dFeatures: nil, dGradients: nil)
        let analytic = f.grad
        for k in [0, 2, 3, 4, 6] {
            let h: Float = k < 4 ? 2e-3 : 5e-4
            let saved = f.theta[k]
            f.theta[k] = saved + h
            let jp = objective(rays, f, g, w, renderer)
            f.theta[k] = saved - h
            let jm = objective(rays, f, g, w, renderer)
            f.theta[k] = saved
            let numeric = (jp - jm) / Double(2 * h)
            let err = abs(numeric - Double(analytic[k]))
            #expect(err <= 0.02 * abs(numeric) + 0.05, "θ[\(k)]: analytic \(analytic[k]) vs numeric \(numeric)")
        }
    }

    @Test func fullModelMatchesFiniteDifferences() throws { try check() }
    @Test func noFeatureMatchesFiniteDifferences() throws { try check(feature: false) }
    @Test func noNormalMatchesFiniteDifferences() throws { try check(normal: false) }

    /// Without the x̂(θ) term the gradient w.r.t. the radius is wrong: the check can fail.
    @Test func intersectionTermMatters() throws {
        let (rays, f, g, w) = makeScene()
        let renderer = SurfaceRenderer()
        let batch = renderer.render(rays, geometry: f, shader: g)
        f.zeroGradients()
        let seeds = renderer.backward(batch, dColors: batch.hits.map { w[$0] }, geometry: f, shader: g)
        let withoutX = f.grad[3]
        _ = f.forward(batch.points)
        _ = f.backward(dSDF: seeds, dFeatures: nil, dGradients: nil)
        #expect(abs(f.grad[3] - withoutX) > 0.1 * abs(f.grad[3]))
    }
}

/// Uniform floats in [0, 1) for test weights.
struct SeededGeneratorBox {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> Float {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Float(state >> 40) / Float(1 << 24)
    }
}

import Testing
@testable import SiderPipeline

/// The residual high-pass offsets: a masked blur of photo − render over the pixels that hit,
/// so a residual constant over the face is removed exactly, and a sharp residual mostly stays.
@Suite struct ResidualHighPassTests {
    static func setup(width w: Int = 24) -> (RaySet, [SIMD3<Float>], [Bool]) {
        let pixels = (0..<(w * w)).filter { p in let x = p % w, y = p / w; return x >= 4 && x < 20 && y >= 4 && y < 20 }
        let rays = RaySet(directions: pixels.map { _ in SIMD3(0, 0, 1) }, pixels: pixels.map { Int32($0) },
                          tNear: pixels.map { _ in 0.5 }, tFar: pixels.map { _ in 2 }, width: w, height: w)
        var colors = [SIMD3<Float>](repeating: .zero, count: w * w), hit = [Bool](repeating: false, count: w * w)
        for p in pixels { colors[p] = SIMD3(repeating: 0.5); hit[p] = true }
        return (rays, colors, hit)
    }

    @Test func constantResidualIsRemovedAndASpikeMostlyStays() {
        let (rays, colors, hit) = Self.setup()
        let constant = rays.pixels.map { _ in SIMD3<Float>(0.6, 0.55, 0.5) }
        let o = ResidualHighPass.offsets(rays: rays, targets: constant, colors: colors, hit: hit, sigma: 0.1)
        for v in o { #expect(abs(v.x - 0.1) < 1e-5 && abs(v.y - 0.05) < 1e-5 && abs(v.z) < 1e-5) }
        var spike = rays.pixels.map { _ in SIMD3<Float>(repeating: 0.5) }
        let centre = rays.pixels.firstIndex(of: Int32(12 * 24 + 12))!
        spike[centre] = SIMD3(repeating: 0.9)
        let s = ResidualHighPass.offsets(rays: rays, targets: spike, colors: colors, hit: hit, sigma: 0.1)
        #expect(s[centre].x > 0 && s[centre].x < 0.1 * 0.4, "the blur keeps most of a one-pixel residual in the target")
    }
}

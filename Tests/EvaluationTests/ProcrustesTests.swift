import Foundation
import Testing
import SiderCore
@testable import Evaluation

/// A random similarity transform: rotation angle up to π, scale in [0.5, 2], translation ±100.
func randomSimilarity(_ g: inout SeededGenerator) -> SimilarityTransform {
    let axis = SIMD3<Double>(Double(g.normal()), Double(g.normal()), Double(g.normal()))
    let unit = axis / length(axis)
    let angle = Double(g.uniform(0.1, 3.0))
    return SimilarityTransform(scale: Double(g.uniform(0.5, 2.0)),
                               rotation: .rotation(axisAngle: unit * angle),
                               translation: SIMD3(Double(g.uniform(-100, 100)), Double(g.uniform(-100, 100)),
                                                  Double(g.uniform(-100, 100))))
}

func randomPoints(_ n: Int, _ g: inout SeededGenerator, spread: Float = 50) -> [SIMD3<Float>] {
    (0..<n).map { _ in SIMD3(g.normal() * spread, g.normal() * spread, g.normal() * spread) }
}

/// The angle of Rᵀ·S from ‖R − S‖_F = 2√2·sin(θ/2), accurate near 0 (acos of the trace is not:
/// it cannot resolve angles below ~2·10⁻⁸).
func angleBetween(_ r: Matrix3, _ s: Matrix3) -> Double {
    let d = [r.r0 - s.r0, r.r1 - s.r1, r.r2 - s.r2].reduce(0.0) { $0 + ($1 * $1).sum() }
    return 2 * asin(min(1, d.squareRoot() / (2 * 2.0.squareRoot())))
}

@Suite struct ProcrustesTests {
    @Test func rotationsAreProperAndOrthonormal() {
        var g = SeededGenerator(seed: 1)
        for _ in 0..<20 {
            let r = randomSimilarity(&g).rotation
            let rtr = r.transposed * r
            for i in 0..<3 { for j in 0..<3 { #expect(abs(rtr[i, j] - (i == j ? 1 : 0)) < 1e-12) } }
            #expect(abs(r.determinant - 1) < 1e-12)
        }
    }

    /// Float targets y = T(x) carry one float32 rounding each, ≤ 2⁻²⁴·|y| ≈ 2·10⁻⁵ at |y| ≲ 400:
    /// over 7 points spread ~87 (RMS radius) that moves the rotation and the relative scale by
    /// ≲ 2·10⁻⁵/(87·√7) ≈ 10⁻⁷ and the translation by ≲ 2·10⁻⁵ (measured 3.5·10⁻⁸, 2.6·10⁻⁸, 2.1·10⁻⁶).
    @Test func recoversExactSimilarity() throws {
        var g = SeededGenerator(seed: 7)
        var worst = (scale: 0.0, angle: 0.0, translation: 0.0)
        for _ in 0..<10 {
            let truth = randomSimilarity(&g)
            let x = randomPoints(7, &g)
            let y = truth.apply(x)
            let est = try Procrustes.similarity(from: x, to: y)
            worst.scale = max(worst.scale, abs(est.scale - truth.scale) / truth.scale)
            worst.angle = max(worst.angle, angleBetween(est.rotation, truth.rotation))
            worst.translation = max(worst.translation, length(est.translation - truth.translation))
        }
        print("Procrustes on float targets: worst relative scale \(worst.scale), angle \(worst.angle), translation \(worst.translation)")
        #expect(worst.scale < 3e-7 && worst.angle < 3e-7 && worst.translation < 2e-5)
    }

    /// In double precision the recovery is exact to rounding (~10⁻¹⁴ relative; 10⁻¹² and 10⁻¹⁰ at
    /// coordinates of ~10²).
    @Test func recoversExactSimilarityInDouble() throws {
        var g = SeededGenerator(seed: 8)
        for _ in 0..<10 {
            let truth = randomSimilarity(&g)
            let x = randomPoints(7, &g).map { SIMD3<Double>($0) }
            let y = x.map { truth.apply($0) }
            let est = try Procrustes.similarity(from: x, to: y)
            #expect(abs(est.scale - truth.scale) < 1e-12 * truth.scale)
            #expect(angleBetween(est.rotation, truth.rotation) < 1e-12)
            #expect(length(est.translation - truth.translation) < 1e-10)
        }
    }

    /// With isotropic noise σ on the targets, the residual RMS approaches σ·√(1 − 7/(3n))
    /// (7 fitted parameters among 3n coordinates) and the estimate stays close to the truth.
    @Test func noisyPointsGiveNearTruthAndExpectedResidual() throws {
        var g = SeededGenerator(seed: 11)
        let truth = randomSimilarity(&g)
        let n = 2000
        let sigma: Float = 0.5
        let x = randomPoints(n, &g)
        let y = truth.apply(x).map { $0 + SIMD3(g.normal(), g.normal(), g.normal()) * sigma }
        let est = try Procrustes.similarity(from: x, to: y)
        // Standard errors: scale σ/(spread·√(3n)) ≈ 1.3·10⁻⁴, rotation σ/(spread·√n) ≈ 2·10⁻⁴ rad
        // per axis (σ = 0.5, spread 50, n = 2000); 4 standard errors:
        #expect(abs(est.scale / truth.scale - 1) < 6e-4)
        #expect((est.rotation.transposed * truth.rotation).rotationAngle < 1e-3)
        let rms = Procrustes.rmsResidual(est, from: x, to: y)
        let expected = Double(sigma) * (3.0 - 7.0 / Double(n)).squareRoot()   // RMS of a 3D error vector
        #expect(abs(rms - expected) < 0.03 * expected)
        // The least-squares estimate cannot be beaten by the truth itself.
        #expect(rms <= Procrustes.rmsResidual(truth, from: x, to: y) + 1e-9)
    }

    @Test func rigidModeKeepsUnitScale() throws {
        var g = SeededGenerator(seed: 3)
        var truth = randomSimilarity(&g)
        truth.scale = 1
        let x = randomPoints(10, &g)
        let est = try Procrustes.similarity(from: x, to: truth.apply(x), allowScale: false)
        #expect(est.scale == 1)
        // float32 targets, as in `recoversExactSimilarity`
        #expect(angleBetween(est.rotation, truth.rotation) < 3e-7)
        #expect(length(est.translation - truth.translation) < 2e-5)
    }

    /// A mirror image has no exact rotation; the best proper one is known. Points ±a·e_x, ±b·e_y,
    /// ±c·e_z (a > b > c) mirrored in x and moved by t₀: Σ yᵀRx = −2a²R₁₁ + 2b²R₂₂ + 2c²R₃₃ is
    /// largest over SO(3) at R = diag(−1, 1, −1) (flip the smallest axis too), with
    /// s = (a² + b² − c²)/(a² + b² + c²) and t = t₀ (the centroid is 0).
    @Test func mirroredTargetsGiveTheBestRotation() throws {
        let (a, b, c): (Float, Float, Float) = (30, 20, 10)
        let x: [SIMD3<Float>] = [SIMD3(a, 0, 0), SIMD3(-a, 0, 0), SIMD3(0, b, 0), SIMD3(0, -b, 0), SIMD3(0, 0, c), SIMD3(0, 0, -c)]
        let t0 = SIMD3<Float>(5, -7, 3)
        let y = x.map { SIMD3(-$0.x, $0.y, $0.z) + t0 }
        let est = try Procrustes.similarity(from: x, to: y)
        let best = Matrix3(rows: SIMD3(-1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, -1))
        #expect(abs(est.rotation.determinant - 1) < 1e-12)
        #expect(angleBetween(est.rotation, best) < 1e-12)
        let s = Double(a * a + b * b - c * c) / Double(a * a + b * b + c * c)
        #expect(abs(est.scale - s) < 1e-12)
        #expect(length(est.translation - SIMD3<Double>(t0)) < 1e-9)
    }

    @Test func degenerateInputsThrow() {
        let line: [SIMD3<Float>] = (0..<5).map { SIMD3(Float($0), 2 * Float($0), 0) }
        #expect(throws: SiderError.self) { try Procrustes.similarity(from: line, to: line) }
        #expect(throws: SiderError.self) { try Procrustes.similarity(from: [SIMD3<Float>.zero, .one], to: [SIMD3<Float>.zero, .one]) }
        #expect(throws: SiderError.self) {
            try Procrustes.similarity(from: [SIMD3<Float>.zero, .one, SIMD3(1, 0, 0)], to: [SIMD3<Float>.zero, .one])
        }
    }

    @Test func inverseAndCompositionAgree() {
        var g = SeededGenerator(seed: 9)
        let a = randomSimilarity(&g), b = randomSimilarity(&g)
        let p = SIMD3<Double>(3, -4, 5)
        #expect(length(a.inverse.apply(a.apply(p)) - p) < 1e-9)
        #expect(length(a.composed(after: b).apply(p) - a.apply(b.apply(p))) < 1e-9)
    }
}

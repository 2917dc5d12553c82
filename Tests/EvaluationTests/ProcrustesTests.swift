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

    @Test func recoversExactSimilarity() throws {
        var g = SeededGenerator(seed: 7)
        for _ in 0..<10 {
            let truth = randomSimilarity(&g)
            let x = randomPoints(7, &g)
            let y = truth.apply(x)
            let est = try Procrustes.similarity(from: x, to: y)
            #expect(abs(est.scale - truth.scale) < 1e-5 * truth.scale)
            #expect((est.rotation.transposed * truth.rotation).rotationAngle < 1e-5)
            #expect(length(est.translation - truth.translation) < 1e-3)
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
        #expect(abs(est.scale / truth.scale - 1) < 2e-3)
        #expect((est.rotation.transposed * truth.rotation).rotationAngle < 2e-3)
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
        #expect((est.rotation.transposed * truth.rotation).rotationAngle < 1e-5)
    }

    @Test func mirroredTargetsStillGiveARotation() throws {
        var g = SeededGenerator(seed: 5)
        let x = randomPoints(12, &g)
        let y = x.map { SIMD3(-$0.x, $0.y, $0.z) }
        let est = try Procrustes.similarity(from: x, to: y)
        #expect(abs(est.rotation.determinant - 1) < 1e-9)
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

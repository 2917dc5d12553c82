import Foundation
import Testing
import Geometry
import NeuralFields
import SiderCore
@testable import SiderPipeline

/// Each loss term's value and gradient against finite differences on its own: the geometry
/// terms through a small f_θ (SDFNetwork in a camera frame) per parameter block, the colour
/// term per colour channel. Then the registry: unknown terms and keys are errors.
@Suite struct LossTermTests {
    static let frame = CoarseFrame(center: [0, 0, 1], scale: 0.2)

    static func geometry() -> NetworkGeometry {
        let c = SDFNetworkConfig(encoding: .positional(frequencies: 2), hidden: [24, 24], skips: [1], featureSize: 3,
                                 beta: 10, weightNorm: true, initialRadius: 0.5)
        let g = NetworkGeometry(network: SDFNetwork(config: c, seed: 7), frame: frame, group: "f_c")
        var rng = SeededGenerator(seed: 8)
        g.network.store.valueArray = g.network.store.valueArray.map { $0 + 0.05 * rng.normal() }
        return g
    }

    /// Points near the initial sphere (radius 0.5 normalised = 0.1 here), SDF_GT away from f.
    static func context(_ f: NetworkGeometry, hits: Int = 20, regularizer: Int = 30) -> (GeometryTermContext, [SIMD3<Float>]) {
        var rng = SeededGenerator(seed: 9)
        func near() -> SIMD3<Float> {
            var d = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal())
            d /= (d * d).sum().squareRoot()
            return frame.world(d * rng.uniform(0.4, 0.6))
        }
        let x = (0..<hits).map { _ in near() }, p = (0..<regularizer).map { _ in near() }
        let f0 = f.sdf(p)
        let targets = f0.map { $0 + (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.005, 0.02) }
        let ctx = GeometryTermContext(hitPoints: x, hits: 0..<hits, regularizer: hits..<(hits + regularizer),
                                      regularizerTargets: targets, lengthUnit: frame.scale)
        return (ctx, x + p)
    }

    /// value(θ) and ∇θ(weight·value) of one geometry term, as the optimiser assembles them.
    static func checkGeometryTerm(_ term: any GeometryLossTerm) -> [ObjectiveGradientCheck.Failure] {
        let f = geometry()
        let (ctx, base) = context(f)
        var rng = SeededGenerator(seed: 3)
        let extra = term.extraPoints(ctx, rng: &rng)
        let points = base + extra
        let extraRows = base.count..<points.count
        func value() -> Double {
            let e = f.forward(points)
            var dS = [Float](repeating: 0, count: points.count), dG = [SIMD3<Float>](repeating: .zero, count: points.count)
            return Double(term.weight) * Double(term.accumulate(e, extra: extraRows, context: ctx, dSDF: &dS, dGradients: &dG))
        }
        f.zeroGradients()
        let e = f.forward(points)
        var dS = [Float](repeating: 0, count: points.count), dG = [SIMD3<Float>](repeating: .zero, count: points.count)
        _ = term.accumulate(e, extra: extraRows, context: ctx, dSDF: &dS, dGradients: &dG)
        _ = f.backward(dSDF: dS, dFeatures: nil, dGradients: dG)
        return ObjectiveGradientCheck.check(f.network.store, gradient: f.network.store.gradArray, loss: value)
    }

    @Test func sdfAgreementGradient() {
        let failures = Self.checkGeometryTerm(SDFAgreement(weight: 3))
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func sdfAgreementCharbonnierGradient() {
        let failures = Self.checkGeometryTerm(SDFAgreement(weight: 3, penalty: .charbonnier(delta: 0.02)))
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func eikonalGradient() {
        let failures = Self.checkGeometryTerm(Eikonal(weight: 0.1))
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func normalSmoothnessGradient() {
        let failures = Self.checkGeometryTerm(NormalSmoothness(weight: 0.2, step: 0.05, points: 12))
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func normalSmoothnessCharbonnierGradient() {
        let failures = Self.checkGeometryTerm(NormalSmoothness(weight: 0.2, step: 0.05, points: 12, penalty: .charbonnier(delta: 0.05)))
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Charbonnier is L1 far beyond δ and r²/2δ well below it, and a config's `delta` selects it.
    @Test func robustPenaltyLimits() throws {
        let c = RobustPenalty.charbonnier(delta: 0.01)
        #expect(abs(c.evaluate(1).value - (1 - 0.01)) < 1e-4)
        #expect(abs(c.evaluate(1e-4).value - 1e-8 / 0.02) < 1e-9)
        #expect(abs(c.evaluate(-1e-4).slope + 1e-2) < 1e-5)
        #expect(RobustPenalty.l1.evaluate(-2).value == 2 && RobustPenalty.l1.evaluate(-2).slope == -1)
        let terms = try LossTerms.make(["photometric": ["weight": 1], "sdf": ["weight": 3, "delta": 0.02],
                                        "smoothness": ["weight": 0.2, "step": 0.01, "points": 64]])
        #expect((terms.geometry[0] as? SDFAgreement)?.penalty == .charbonnier(delta: 0.02))
        #expect((terms.geometry[1] as? NormalSmoothness)?.penalty == .l1)
        #expect(throws: SiderError.self) { try LossTerms.make(["photometric": ["weight": 1], "sdf": ["weight": 3, "delta": 0]]) }
    }

    /// The checks can fail: the SDF term with its derivative scaled by 1.05 in one place is caught.
    @Test func aWrongTermGradientIsCaught() {
        struct Skewed: GeometryLossTerm {
            let name = "skewed", weight: Float = 1
            func extraPoints(_ context: GeometryTermContext, rng: inout SeededGenerator) -> [SIMD3<Float>] { [] }
            func accumulate(_ eval: GeometryEvaluation, extra: Range<Int>, context: GeometryTermContext,
                            dSDF: inout [Float], dGradients: inout [SIMD3<Float>]) -> Float {
                let v = SDFAgreement(weight: 1).accumulate(eval, extra: extra, context: context, dSDF: &dSDF, dGradients: &dGradients)
                for i in context.regularizer { dSDF[i] *= 1.05 }
                return v
            }
        }
        #expect(!Self.checkGeometryTerm(Skewed()).isEmpty)
    }

    /// ∂(weight·L)/∂c of a colour term against central differences, rays 0, 7, 14, each channel.
    static func expectColourGradient(_ term: some ColorLossTerm, _ colors: [SIMD3<Float>], _ targets: [SIMD3<Float>],
                                     _ d: [SIMD3<Float>], tolerance: Double) {
        let h: Float = 1e-3
        for i in [0, 7, 14] {
            for k in 0..<3 {
                var p = colors, m = colors
                p[i][k] += h; m[i][k] -= h
                let fd = Double(term.weight) * Double(term.evaluate(colors: p, targets: targets).value
                                                      - term.evaluate(colors: m, targets: targets).value) / Double(2 * h)
                #expect(abs(fd - Double(d[i][k])) < tolerance, "\(term.name) colour \(i).\(k): fd \(fd) analytic \(d[i][k])")
            }
        }
    }

    /// L1 colour term: ∂L/∂c against central differences channel by channel (no residual near 0).
    @Test func photometricGradient() {
        var rng = SeededGenerator(seed: 4)
        let colors = (0..<15).map { _ in SIMD3<Float>(rng.uniform(), rng.uniform(), rng.uniform()) }
        func offset() -> Float { (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.05, 0.3) }
        let targets = colors.map { c -> SIMD3<Float> in c + SIMD3<Float>(offset(), offset(), offset()) }
        let term = PhotometricL1(weight: 2)
        let (value, d) = term.evaluate(colors: colors, targets: targets)
        var sum = 0.0
        for (c, t) in zip(colors, targets) { sum += Double((c - t).x.magnitude + (c - t).y.magnitude + (c - t).z.magnitude) }
        #expect(abs(Double(value) - sum / 45) < 1e-6)
        Self.expectColourGradient(term, colors, targets, d, tolerance: 1e-4)
    }

    /// Charbonnier colour term: value against its formula in double precision, ∂L/∂c against
    /// central differences, residuals across the quadratic and the linear range of δ.
    @Test func photometricSmoothGradient() {
        var rng = SeededGenerator(seed: 5)
        let colors = (0..<15).map { _ in SIMD3<Float>(rng.uniform(), rng.uniform(), rng.uniform()) }
        let targets = colors.map { c in c + SIMD3<Float>(rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)) }
        let term = PhotometricCharbonnier(weight: 2, delta: 0.1)
        let (value, d) = term.evaluate(colors: colors, targets: targets)
        var sum = 0.0
        for (c, t) in zip(colors, targets) {
            for k in 0..<3 { let q = Double(c[k] - t[k]) / 0.1; sum += 0.1 * ((1 + q * q).squareRoot() - 1) }
        }
        #expect(abs(Double(value) - sum / 45) < 1e-6)
        Self.expectColourGradient(term, colors, targets, d, tolerance: 2e-4)
        #expect(throws: (any Error).self) { try LossTerms.make(["photometricSmooth": ["weight": 1]]) }   // needs delta
    }

    @Test func registryRejectsUnknownTermsAndKeys() throws {
        #expect(throws: (any Error).self) { try LossTerms.make(["photometric": ["weight": 1], "sdff": ["weight": 1]]) }
        #expect(throws: (any Error).self) { try LossTerms.make(["photometric": ["weight": 1, "wieght": 2]]) }
        #expect(throws: (any Error).self) { try LossTerms.make(["photometric": ["weight": 1], "smoothness": ["weight": 1]]) }
        #expect(throws: (any Error).self) { try LossTerms.make(["sdf": ["weight": 1]]) }
        let (color, geometry, albedo) = try LossTerms.make(["eikonal": ["weight": 0.1], "photometric": ["weight": 1],
                                                            "smoothness": ["weight": 0, "step": 0.01, "points": 5], "sdf": ["weight": 3],
                                                            "albedoLightness": ["weight": 1], "albedoChroma": ["weight": 2]])
        #expect(color.map(\.name) == ["photometric"])
        #expect(geometry.map(\.name) == ["sdf", "eikonal"])   // registry order; weight 0 is off
        #expect(albedo.map(\.name) == ["albedoChroma", "albedoLightness"])
        #expect(throws: (any Error).self) { try LossTerms.make(["photometric": ["weight": 1], "albedoChroma": ["weight": 1, "delta": 1]]) }
    }

    /// ∂L/∂a of an albedo prior against central differences of its value, on 12 random albedos
    /// with skin confidences in (0, 1] except m = 0 at `unweighted`, where the gradient must be 0.
    static func checkAlbedoPrior(_ term: any AlbedoLossTerm, seed: UInt64, unweighted: Int) {
        var rng = SeededGenerator(seed: seed)
        let albedo = (0..<12).map { _ in SIMD3<Float>(Float.random(in: 0.2...0.9, using: &rng), Float.random(in: 0.2...0.9, using: &rng),
                                                      Float.random(in: 0.2...0.9, using: &rng)) }
        let skin: [Float] = (0..<12).map { $0 == unweighted ? 0 : Float($0 % 4 + 1) / 4 }
        let (value, d) = term.evaluate(albedo: albedo, skin: skin)
        #expect(value > 0)
        let h: Float = 1e-3
        var worst: Float = 0
        for i in albedo.indices {
            for k in 0..<3 {
                var plus = albedo, minus = albedo
                plus[i][k] += h; minus[i][k] -= h
                let numeric = term.weight * (term.evaluate(albedo: plus, skin: skin).value - term.evaluate(albedo: minus, skin: skin).value) / (2 * h)
                worst = max(worst, abs(numeric - d[i][k]) / max(1e-3, abs(numeric)))
            }
        }
        #expect(worst < 2e-2, "\(term.name): worst relative error \(worst)")
        #expect(d[unweighted] == .zero)
    }

    /// The albedo chromaticity prior: its derivative against central differences of its value,
    /// zero for albedos of one hue (any lightness), and no pull where the skin confidence is 0.
    @Test func albedoChromaticityGradientMatchesFiniteDifferences() {
        let term = AlbedoChromaticity(weight: 1.5)
        Self.checkAlbedoPrior(term, seed: 7, unweighted: 3)
        let skin: [Float] = (0..<12).map { Float($0 % 4 + 1) / 4 }
        let oneHue = (0..<12).map { SIMD3<Float>(0.6, 0.4, 0.3) * (0.5 + Float($0) / 24) }
        let flat = term.evaluate(albedo: oneHue, skin: skin)
        #expect(flat.value < 1e-10 && flat.dAlbedo.allSatisfy { ($0 * $0).sum() < 1e-12 })
    }

    /// The albedo lightness prior: its derivative against central differences of its value,
    /// zero for albedos of one lightness (any hue), and no pull where the skin confidence is 0.
    @Test func albedoLightnessGradientMatchesFiniteDifferences() {
        let term = AlbedoLightness(weight: 1.5)
        Self.checkAlbedoPrior(term, seed: 9, unweighted: 5)
        let skin: [Float] = (0..<12).map { Float($0 % 4 + 1) / 4 }
        let oneLightness = (0..<12).map { i -> SIMD3<Float> in
            let hue = SIMD3<Float>(0.5 + Float(i) / 30, 0.4, 0.3 - Float(i) / 60)
            return hue * (1.2 / hue.sum())
        }
        let flat = term.evaluate(albedo: oneLightness, skin: skin)
        #expect(flat.value < 1e-10 && flat.dAlbedo.allSatisfy { ($0 * $0).sum() < 1e-12 })
    }
}

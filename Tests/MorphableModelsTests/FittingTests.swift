import Foundation
import Testing
import SiderCore
@testable import MorphableModels

@Suite("FLAME landmark fitting")
struct FittingTests {
    /// Angle in degrees of R(a)ᵀR(b) for two axis-angle vectors.
    static func angleBetween(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        let Ra = Mat3<Double>.rodrigues(a.x, a.y, a.z), Rb = Mat3<Double>.rodrigues(b.x, b.y, b.z)
        var trace = 0.0
        for r in 0..<3 { for c in 0..<3 { trace += Ra[c, r] * Rb[c, r] } }
        return acos(max(-1, min(1, (trace - 1) / 2))) * 180 / .pi
    }

    /// Ground truth: parameters, and the 68 landmarks of our (numpy-verified) forward pass
    /// projected with a known camera.
    static func synthetic(projection: FitProjection, yaw: Double = 0.3) throws -> (FLAMEModel, LandmarkEmbedding, FLAMEParameters, [SIMD2<Double>], FitCamera) {
        let model = try Fixture.model()
        let emb = try Fixture.embedding()
        var rng = SeededGenerator(seed: 7)
        var truth = FLAMEParameters(shape: (0..<10).map { _ in Double(rng.normal()) * 0.8 },
                                    expression: (0..<5).map { _ in Double(rng.normal()) * 0.8 })
        truth.setRotation(joint: 0, SIMD3(0.12, yaw, -0.05))
        truth.setRotation(joint: 2, SIMD3(0.15, 0.01, 0.0))
        let out = try model.forward(truth)
        let lmk = model.landmarks(of: out.vertices, pose: truth.pose, embedding: emb)
        let camera: FitCamera
        switch projection {
        case .perspective:
            camera = FitCamera(projection: .perspective, width: 256, height: 256, focalLength: 512, cx: 128, cy: 128,
                               scale: 1, translation: SIMD3(0.01, -0.015, 0.55))
        case .weakPerspective:
            camera = FitCamera(projection: .weakPerspective, width: 256, height: 256, focalLength: 512, cx: 128, cy: 128,
                               scale: 900, translation: SIMD3(130, 120, 0))
        }
        let targets = lmk.map { l -> SIMD2<Double> in
            let X = SIMD3(Double(l.x), -Double(l.y), -Double(l.z))
            return camera.project(projection == .perspective ? X + camera.translation : X)
        }
        return (model, emb, truth, targets, camera)
    }

    /// Options for noise-free targets: the priors only regularise (λ = 10⁻⁶), more full iterations.
    static func exactDataOptions(_ projection: FitProjection, focalLength: Double) -> FitOptions {
        var options = FitOptions()
        options.projection = projection
        options.focalLength = focalLength
        options.shapePrior = 1e-6
        options.expressionPrior = 1e-6
        options.jawPrior = 1e-6
        options.fullIterations = 100
        return options
    }

    @Test(arguments: [(FitProjection.perspective, 0.3), (.weakPerspective, 0.3), (.perspective, -0.8)])
    func recoversKnownParameters(projection: FitProjection, yaw: Double) throws {
        let (model, emb, truth, targets, camera) = try Self.synthetic(projection: projection, yaw: yaw)
        let options = Self.exactDataOptions(projection, focalLength: camera.focalLength)
        let fit = try FLAMEFitter(model: model, embedding: emb, options: options)
            .fit(landmarks: targets, imageWidth: 256, imageHeight: 256)
        // Exact targets: measured ≤ 3·10⁻⁶ px and ≤ 10⁻⁵° (tiny model); bounds as in
        // KnownTruthFittingTests (LM stopping earlier elsewhere; 10⁻³° ≈ 0.002 px at the landmarks).
        #expect(fit.meanError < 1e-4, "mean landmark error \(fit.meanError) px")
        let global = Self.angleBetween(fit.parameters.rotation(joint: 0), truth.rotation(joint: 0))
        let jaw = Self.angleBetween(fit.parameters.rotation(joint: 2), truth.rotation(joint: 2))
        #expect(global < 1e-3, "global rotation off by \(global)°")
        #expect(jaw < 1e-3, "jaw rotation off by \(jaw)°")
        // The mesh is returned in camera coordinates: projecting its landmarks lands on the targets.
        let lmk = model.landmarks(of: fit.mesh.vertices, pose: fit.parameters.pose, embedding: emb)
        var err = 0.0
        for (l, t) in zip(lmk, targets) {
            let X = SIMD3<Double>(Double(l.x), Double(l.y), Double(l.z))
            let d: SIMD2<Double> = fit.camera.project(X) - t
            err += (d * d).sum().squareRoot() / 68
        }
        // float32 mesh vertices (~6·10⁻⁸ relative) reproject to ~10⁻⁴ px; plus the fit's residual
        #expect(err < 1e-3, "mesh landmarks reproject \(err) px off")
    }

    /// The dual-number Jacobian against central differences of the same function.
    @Test func jacobianMatchesFiniteDifferences() throws {
        let model = try Fixture.model()
        let emb = try Fixture.embedding()
        for projection in [FitProjection.perspective, .weakPerspective] {
            let proj = LandmarkProjector(model: model, nShape: 10, nExpr: 5, projection: projection, focal: 500, cx: 128, cy: 128)
            var rng = SeededGenerator(seed: 3)
            var p = (0..<proj.parameterCount).map { _ in Double(rng.normal()) * 0.2 }
            if projection == .perspective { p[5] = 0.6 } else { p[3] = 900 }
            let pts = emb.points(yaw: 0.1)
            for start in stride(from: 0, to: p.count, by: 16) {
                var dp = p.map { Dual($0) }
                for lane in 0..<min(16, p.count - start) { dp[start + lane] = Dual(p[start + lane], seed: lane) }
                let duals = proj.project(proj.landmarks(dp, faces: pts.faces, bary: pts.bary), dp)
                for lane in 0..<min(16, p.count - start) {
                    let h = 1e-6
                    var pp = p, pm = p
                    pp[start + lane] += h
                    pm[start + lane] -= h
                    let a = proj.project(proj.landmarks(pp, faces: pts.faces, bary: pts.bary), pp)
                    let b = proj.project(proj.landmarks(pm, faces: pts.faces, bary: pts.bary), pm)
                    var worst = 0.0
                    for i in 0..<a.count {
                        worst = max(worst, abs((a[i].0 - b[i].0) / (2 * h) - duals[i].0.d[lane]),
                                    abs((a[i].1 - b[i].1) / (2 * h) - duals[i].1.d[lane]))
                    }
                    #expect(worst < 1e-3, "parameter \(start + lane): \(worst)")
                }
            }
        }
    }

    @Test func rejectsWrongLandmarkCount() throws {
        let fitter = try FLAMEFitter(model: try Fixture.model(), embedding: try Fixture.embedding())
        #expect(throws: SiderError.self) { try fitter.fit(landmarks: [SIMD2(1, 2)], imageWidth: 10, imageHeight: 10) }
    }
}

import Foundation
import Geometry
import SiderCore

/// Fits FLAME to 2D landmarks (paper Eq. 3):
///   min over β, ψ, θ, cam of Σᵢ ρ(‖π_cam(L_FLAME,i(β, ψ, θ)) − L_gt,i‖) + priors (see `FitOptions`),
/// coarse to fine: (1) rigid — head rotation and camera on the 51 inner landmarks, from a
/// frontal start placed by matching centroid and spread; (2) full — adding jaw, β and ψ on all
/// 68 landmarks, re-choosing the dynamic contour from the current yaw and re-weighting the Huber
/// loss (IRLS) between rounds. Each round is a Levenberg–Marquardt solve with exact Jacobians
/// from forward-mode dual numbers (`Dual`, 16 columns per pass).
public struct FLAMEFitter: Sendable {
    public let model: FLAMEModel
    public let embedding: LandmarkEmbedding
    public var options: FitOptions
    private let log = SiderLog.make("fit")

    public init(model: FLAMEModel, embedding: LandmarkEmbedding, options: FitOptions = FitOptions()) throws {
        try embedding.validate(faceCount: model.faces.count)
        self.model = model
        self.embedding = embedding
        self.options = options
    }

    /// - Parameter targets: 68 landmarks in iBUG order (pixels), or the 51 inner ones (iBUG 17…67).
    public func fit(landmarks targets: [SIMD2<Double>], imageWidth: Int, imageHeight: Int) throws -> FLAMEFit {
        guard targets.count == 68 || targets.count == 51 else {
            throw SiderError(.badInput, "landmark fit needs 68 (iBUG) or 51 inner landmarks, got \(targets.count)")
        }
        guard targets.allSatisfy({ $0.x.isFinite && $0.y.isFinite }), imageWidth > 0, imageHeight > 0 else {
            throw SiderError(.badInput, "landmark fit: non-finite landmarks or an empty image")
        }
        let inner = Array(targets.suffix(51))
        let useContour = targets.count == 68 && embedding.hasContour
        let focal = options.focalLength ?? 2 * Double(max(imageWidth, imageHeight))
        let proj = LandmarkProjector(model: model, nShape: options.shapeComponents, nExpr: options.expressionComponents,
                                     projection: options.projection, focal: focal,
                                     cx: Double(imageWidth) / 2, cy: Double(imageHeight) / 2)
        let sigma = options.landmarkSigma ?? max(0.01 * Self.diagonal(targets), 1e-3)

        var p = [Double](repeating: 0, count: proj.parameterCount)
        initialiseCamera(&p, proj: proj, targets: inner)

        // (1) Rigid: rotation + camera on the inner points.
        let rigid = Array(0..<6)
        let staticPts = (embedding.staticFaces, embedding.staticBary)
        var iterations = 0
        var weights = [Double](repeating: 1, count: inner.count)
        for _ in 0..<2 {
            let r = try solve(p, active: rigid, proj: proj, faces: staticPts.0, bary: staticPts.1,
                              targets: inner, weights: weights, sigma: sigma, iterations: options.rigidIterations)
            p = r.p
            iterations += r.iterations
            weights = huberWeights(p, proj: proj, faces: staticPts.0, bary: staticPts.1, targets: inner, sigma: sigma)
        }

        // (2) Full: + jaw, β, ψ on all landmarks, contour re-chosen by yaw.
        let all = Array(0..<proj.parameterCount)
        let fullTargets = useContour ? targets : inner
        var lastRow = -1
        weights = [Double](repeating: 1, count: fullTargets.count)
        for round in 0..<4 {
            let yaw = model.headYaw(pose: proj.pose(p))
            let row = LandmarkEmbedding.contourRow(yaw: yaw)
            let pts = useContour ? embedding.points(yaw: yaw) : staticPts
            if round >= 2 && row == lastRow { break }
            lastRow = row
            let r = try solve(p, active: all, proj: proj, faces: pts.0, bary: pts.1,
                              targets: fullTargets, weights: weights, sigma: sigma, iterations: options.fullIterations)
            p = r.p
            iterations += r.iterations
            weights = huberWeights(p, proj: proj, faces: pts.0, bary: pts.1, targets: fullTargets, sigma: sigma)
        }
        return try result(p, proj: proj, targets: fullTargets, useContour: useContour,
                          width: imageWidth, height: imageHeight, iterations: iterations)
    }

    // MARK: - Stages

    /// Frontal head placed so its neutral landmarks match the targets' centroid and RMS spread.
    private func initialiseCamera(_ p: inout [Double], proj: LandmarkProjector, targets: [SIMD2<Double>]) {
        let pts = proj.landmarks(p, faces: embedding.staticFaces, bary: embedding.staticBary)
        let n = Double(pts.count)
        let cm = SIMD3(pts.map { $0.0 }.reduce(0, +) / n, pts.map { $0.1 }.reduce(0, +) / n, pts.map { $0.2 }.reduce(0, +) / n)
        let sm = (pts.map { ($0.0 - cm.x) * ($0.0 - cm.x) + ($0.1 - cm.y) * ($0.1 - cm.y) }.reduce(0, +) / n).squareRoot()
        let cp = targets.reduce(SIMD2<Double>.zero, +) / Double(targets.count)
        let sp = (targets.map { simdLengthSquared($0 - cp) }.reduce(0, +) / Double(targets.count)).squareRoot()
        let c = LandmarkProjector.camera
        switch proj.projection {
        case .perspective:
            let Z = proj.focal * sm / max(sp, 1e-6)
            p[c] = (cp.x - proj.cx) * Z / proj.focal - cm.x
            p[c + 1] = (cp.y - proj.cy) * Z / proj.focal + cm.y
            p[c + 2] = Z + cm.z
        case .weakPerspective:
            let s = sp / max(sm, 1e-9)
            p[c] = s
            p[c + 1] = cp.x - s * cm.x
            p[c + 2] = cp.y + s * cm.y
        }
    }

    /// One Levenberg–Marquardt solve over the `active` parameters with fixed landmark triangles
    /// and fixed robust weights.
    private func solve(_ start: [Double], active: [Int], proj: LandmarkProjector, faces: [Int], bary: [SIMD3<Double>],
                       targets: [SIMD2<Double>], weights: [Double], sigma: Double,
                       iterations: Int) throws -> (p: [Double], iterations: Int) {
        let priors = priorRows(active: active, proj: proj)
        let lm = LevenbergMarquardt(maxIterations: iterations)
        let full = start
        let result = try lm.minimize(active.map { full[$0] }) { x, wantJ in
            var p = full
            for (i, a) in active.enumerated() { p[a] = x[i] }
            let values = proj.project(proj.landmarks(p, faces: faces, bary: bary), p)
            var r = [Double]()
            r.reserveCapacity(2 * targets.count + priors.count)
            for (i, v) in values.enumerated() {
                let w = weights[i] / sigma
                r.append(w * (v.0 - targets[i].x))
                r.append(w * (v.1 - targets[i].y))
            }
            for (param, lambda) in priors { r.append(lambda.squareRoot() * p[param]) }
            guard wantJ else { return (r, []) }
            let n = active.count
            var J = [Double](repeating: 0, count: r.count * n)
            for chunkStart in stride(from: 0, to: n, by: 16) {
                var dp = p.map { Dual($0) }
                for lane in 0..<min(16, n - chunkStart) { dp[active[chunkStart + lane]] = Dual(p[active[chunkStart + lane]], seed: lane) }
                let duals = proj.project(proj.landmarks(dp, faces: faces, bary: bary), dp)
                for (i, v) in duals.enumerated() {
                    let w = weights[i] / sigma
                    for lane in 0..<min(16, n - chunkStart) {
                        J[(2 * i) * n + chunkStart + lane] = w * v.0.d[lane]
                        J[(2 * i + 1) * n + chunkStart + lane] = w * v.1.d[lane]
                    }
                }
            }
            for (k, (param, lambda)) in priors.enumerated() {
                if let col = active.firstIndex(of: param) { J[(2 * targets.count + k) * n + col] = lambda.squareRoot() }
            }
            return (r, J)
        }
        var p = start
        for (i, a) in active.enumerated() { p[a] = result.p[i] }
        return (p, result.iterations)
    }

    /// Tikhonov rows (parameter index, λ) for the active jaw, β and ψ parameters.
    private func priorRows(active: [Int], proj: LandmarkProjector) -> [(Int, Double)] {
        let shapeEnd = LandmarkProjector.shapeStart + proj.nShape
        return active.compactMap { a in
            if a >= LandmarkProjector.jaw && a < LandmarkProjector.jaw + 3 { return (a, options.jawPrior) }
            if a >= LandmarkProjector.shapeStart && a < shapeEnd { return (a, options.shapePrior) }
            if a >= shapeEnd { return (a, options.expressionPrior) }
            return nil
        }
    }

    /// IRLS weights of the Huber loss: 1 inside δσ, √(δσ/e) beyond (the residual rows are scaled
    /// by the square root of the IRLS weight δσ/e).
    private func huberWeights(_ p: [Double], proj: LandmarkProjector, faces: [Int], bary: [SIMD3<Double>],
                              targets: [SIMD2<Double>], sigma: Double) -> [Double] {
        let values = proj.project(proj.landmarks(p, faces: faces, bary: bary), p)
        let delta = options.huberDelta * sigma
        return zip(values, targets).map { v, t in
            let e = simdLength(SIMD2(v.0, v.1) - t)
            return e <= delta ? 1 : (delta / e).squareRoot()
        }
    }

    // MARK: - Result

    private func result(_ p: [Double], proj: LandmarkProjector, targets: [SIMD2<Double>], useContour: Bool,
                        width: Int, height: Int, iterations: Int) throws -> FLAMEFit {
        let c = LandmarkProjector.camera
        let params = FLAMEParameters(shape: Array(p[LandmarkProjector.shapeStart..<(LandmarkProjector.shapeStart + proj.nShape)]),
                                     expression: Array(p[(LandmarkProjector.shapeStart + proj.nShape)...]),
                                     pose: proj.pose(p))
        let out = try model.forward(params)
        let camera: FitCamera
        let mesh: [SIMD3<Float>]
        switch proj.projection {
        case .perspective:
            let t = SIMD3(p[c], p[c + 1], p[c + 2])
            camera = FitCamera(projection: .perspective, width: width, height: height, focalLength: proj.focal,
                               cx: proj.cx, cy: proj.cy, scale: 1, translation: t)
            mesh = out.vertices.map { v in SIMD3(v.x + Float(t.x), -v.y + Float(t.y), -v.z + Float(t.z)) }
        case .weakPerspective:
            camera = FitCamera(projection: .weakPerspective, width: width, height: height, focalLength: proj.focal,
                               cx: proj.cx, cy: proj.cy, scale: p[c], translation: SIMD3(p[c + 1], p[c + 2], 0))
            mesh = out.vertices.map { v in SIMD3(v.x, -v.y, -v.z) }
        }
        let yaw = model.headYaw(pose: params.pose)
        let pts = useContour ? embedding.points(yaw: yaw) : (embedding.staticFaces, embedding.staticBary)
        let projected = proj.project(proj.landmarks(p, faces: pts.0, bary: pts.1), p).map { SIMD2($0.0, $0.1) }
        let errors = zip(projected, targets).map { simdLength($0 - $1) }
        let meanError = errors.reduce(0, +) / Double(max(errors.count, 1))
        guard meanError.isFinite else { throw SiderError(.numerical, "landmark fit diverged") }
        log.info("FLAME fit: mean landmark error \(String(format: "%.2f", meanError)) px, \(iterations) LM steps")
        return FLAMEFit(parameters: params, camera: camera,
                        mesh: TriangleMesh(vertices: mesh, faces: model.faces),
                        projectedLandmarks: projected, meanError: meanError,
                        maxError: errors.max() ?? 0, iterations: iterations)
    }

    static func diagonal(_ pts: [SIMD2<Double>]) -> Double {
        let lo = pts.reduce(SIMD2(Double.infinity, .infinity)) { pointwiseMin($0, $1) }
        let hi = pts.reduce(SIMD2(-Double.infinity, -.infinity)) { pointwiseMax($0, $1) }
        return simdLength(hi - lo)
    }
}

@inline(__always) func simdLengthSquared(_ v: SIMD2<Double>) -> Double { (v * v).sum() }
@inline(__always) func simdLength(_ v: SIMD2<Double>) -> Double { simdLengthSquared(v).squareRoot() }

/// FLAME's landmarks as a function of the fit parameters, generic over `ADScalar` so that one
/// code path gives values (`Double`) and exact Jacobian columns (`Dual`).
///
/// Parameter vector p = [ r_global (3) | camera (3) | θ_jaw (3) | β (nβ) | ψ (nψ) ]; camera is
/// the translation t (metres) for perspective, (s, tx, ty) for weak perspective. Neck and eye
/// rotations are held fixed (they are not identifiable from 2D landmarks).
/// Only the ≤ 3·68 vertices under the landmarks are evaluated:
///   v = Σⱼ wⱼ Aⱼ (T̄ + Sβ + Eψ + P·vec(R(θ) − I)),  𝒥 = 𝒥_T̄ + 𝒥_S β + 𝒥_E ψ (precomputed),
///   L = Σₖ bₖ v_fₖ,  then the projection of `FitProjection`.
struct LandmarkProjector {
    let model: FLAMEModel
    let nShape: Int
    let nExpr: Int
    let projection: FitProjection
    let focal: Double
    let cx: Double
    let cy: Double
    /// Fixed rotations of the other joints (axis-angle, 3 per joint; global/jaw entries ignored).
    var fixedPose: [Double]
    /// 𝒥·T̄ (J×3), 𝒥·S (J×3×nβ), 𝒥·E (J×3×nψ).
    private let jointBase: [Double]
    private let jointShape: [Double]
    private let jointExpr: [Double]

    static let rotation = 0, camera = 3, jaw = 6, shapeStart = 9
    var parameterCount: Int { Self.shapeStart + nShape + nExpr }

    init(model: FLAMEModel, nShape: Int, nExpr: Int, projection: FitProjection, focal: Double, cx: Double, cy: Double) {
        self.model = model
        self.nShape = min(nShape, model.shapeCount)
        self.nExpr = min(nExpr, model.expressionCount)
        self.projection = projection
        self.focal = focal
        self.cx = cx
        self.cy = cy
        fixedPose = [Double](repeating: 0, count: 3 * model.jointCount)
        let V = model.vertexCount, J = model.jointCount
        var base = [Double](repeating: 0, count: J * 3)
        var js = [Double](repeating: 0, count: J * 3 * self.nShape)
        var je = [Double](repeating: 0, count: J * 3 * self.nExpr)
        for j in 0..<J {
            for v in 0..<V {
                let w = Double(model.jointRegressor[j * V + v])
                if w == 0 { continue }
                for c in 0..<3 {
                    let row = 3 * v + c
                    base[j * 3 + c] += w * Double(model.template[row])
                    for k in 0..<self.nShape { js[(j * 3 + c) * self.nShape + k] += w * Double(model.shapeDirs[row * model.shapeCount + k]) }
                    for k in 0..<self.nExpr { je[(j * 3 + c) * self.nExpr + k] += w * Double(model.expressionDirs[row * model.expressionCount + k]) }
                }
            }
        }
        jointBase = base
        jointShape = js
        jointExpr = je
    }

    /// The full pose vector (3·J) for parameters p.
    func pose<S: ADScalar>(_ p: [S]) -> [S] {
        var pose = fixedPose.map { S($0) }
        for c in 0..<3 {
            pose[c] = p[Self.rotation + c]
            if model.jointCount > 2 { pose[6 + c] = p[Self.jaw + c] }
        }
        return pose
    }

    /// Landmarks (model coordinates) on the given triangles / barycentric coordinates.
    func landmarks<S: ADScalar>(_ p: [S], faces: [Int], bary: [SIMD3<Double>]) -> [(S, S, S)] {
        let J = model.jointCount
        let beta = Array(p[Self.shapeStart..<(Self.shapeStart + nShape)])
        let psi = Array(p[(Self.shapeStart + nShape)..<(Self.shapeStart + nShape + nExpr)])
        var joints = [(S, S, S)]()
        for j in 0..<J {
            var xyz = [S]()
            for c in 0..<3 {
                var acc = S(jointBase[j * 3 + c])
                for k in 0..<nShape { acc = acc + S(jointShape[(j * 3 + c) * nShape + k]) * beta[k] }
                for k in 0..<nExpr { acc = acc + S(jointExpr[(j * 3 + c) * nExpr + k]) * psi[k] }
                xyz.append(acc)
            }
            joints.append((xyz[0], xyz[1], xyz[2]))
        }
        let kin = Kinematics<S>(joints: joints, pose: pose(p), parents: model.parents)
        var cache = [Int: (S, S, S)]()
        func vertex(_ v: Int) -> (S, S, S) {
            if let hit = cache[v] { return hit }
            var rest = [S]()
            for c in 0..<3 {
                let row = 3 * v + c
                var acc = S(Double(model.template[row]))
                for k in 0..<nShape { acc = acc + S(Double(model.shapeDirs[row * model.shapeCount + k])) * beta[k] }
                for k in 0..<nExpr { acc = acc + S(Double(model.expressionDirs[row * model.expressionCount + k])) * psi[k] }
                let P = model.poseFeatureCount
                for f in 0..<P { acc = acc + S(Double(model.poseDirs[row * P + f])) * kin.poseFeature[f] }
                rest.append(acc)
            }
            var out = (S(0), S(0), S(0))
            for j in 0..<J {
                let w = Double(model.weights[v * J + j])
                if w == 0 { continue }
                let r = kin.rotation[j].apply((rest[0], rest[1], rest[2]))
                let t = kin.translation[j]
                out = (out.0 + S(w) * (r.0 + t.0), out.1 + S(w) * (r.1 + t.1), out.2 + S(w) * (r.2 + t.2))
            }
            cache[v] = out
            return out
        }
        return zip(faces, bary).map { f, b in
            let tri = model.faces[f]
            let a = vertex(Int(tri.x)), c = vertex(Int(tri.y)), d = vertex(Int(tri.z))
            let (b0, b1, b2) = (S(b.x), S(b.y), S(b.z))
            return (b0 * a.0 + b1 * c.0 + b2 * d.0, b0 * a.1 + b1 * c.1 + b2 * d.1, b0 * a.2 + b1 * c.2 + b2 * d.2)
        }
    }

    /// Projects model-space points with the camera in p (see `FitProjection`).
    func project<S: ADScalar>(_ points: [(S, S, S)], _ p: [S]) -> [(S, S)] {
        let c0 = p[Self.camera], c1 = p[Self.camera + 1], c2 = p[Self.camera + 2]
        return points.map { x in
            // F = diag(1, −1, −1): FLAME (y up, z to viewer) → camera (y down, z forward).
            let X = x.0, Y = -x.1, Z = -x.2
            switch projection {
            case .perspective:
                let z = Z + c2
                return (S(focal) * (X + c0) / z + S(cx), S(focal) * (Y + c1) / z + S(cy))
            case .weakPerspective:
                return (c0 * X + c1, c0 * Y + c2)
            }
        }
    }
}

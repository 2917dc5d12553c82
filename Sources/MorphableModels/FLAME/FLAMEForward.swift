import SiderCore

/// The posed FLAME mesh and its joints.
public struct FLAMEOutput: Sendable {
    public var vertices: [SIMD3<Float>]
    /// Posed joint positions (Gⱼ.t), in model coordinates (metres, y up, z towards the viewer).
    public var joints: [SIMD3<Float>]
}

extension FLAMEModel {
    /// FLAME's forward pass (paper Sect. 3.2; Li et al. 2017 Eq. 1–2):
    ///   v = LBS(T̄ + B_S(β) + B_E(ψ) + B_P(θ), 𝒥(β, ψ), θ, W)
    /// with B_S(β) = S β, B_E(ψ) = E ψ, B_P(θ) = P · vec(Rⱼ(θ) − I)ⱼ≥₁, joints 𝒥 = J_regressor ·
    /// (T̄ + S β + E ψ), and linear blend skinning vᵢ = Σⱼ wᵢⱼ Aⱼ(θ, 𝒥) [v_posed,ᵢ; 1].
    public func forward(_ p: FLAMEParameters) throws -> FLAMEOutput {
        try check(p)
        let V = vertexCount, J = jointCount
        // v_shaped = T̄ + S β + E ψ  (BLAS matrix–vector products)
        var shaped = template
        blend(into: &shaped, basis: shapeDirs, columns: shapeCount, coefficients: p.shape)
        blend(into: &shaped, basis: expressionDirs, columns: expressionCount, coefficients: p.expression)
        // 𝒥 = J_regressor · v_shaped
        var joints = [(Double, Double, Double)](repeating: (0, 0, 0), count: J)
        for j in 0..<J {
            var x = 0.0, y = 0.0, z = 0.0
            for v in 0..<V {
                let w = Double(jointRegressor[j * V + v])
                if w == 0 { continue }
                x += w * Double(shaped[3 * v]); y += w * Double(shaped[3 * v + 1]); z += w * Double(shaped[3 * v + 2])
            }
            joints[j] = (x, y, z)
        }
        let kin = Kinematics<Double>(joints: joints, pose: p.pose, parents: parents)
        // v_posed = v_shaped + P · pose feature
        blend(into: &shaped, basis: poseDirs, columns: poseFeatureCount, coefficients: kin.poseFeature)
        // Skinning: vᵢ = (Σⱼ wᵢⱼ Aⱼ) [v_posed; 1]
        var A = [SIMD16<Float>](repeating: .zero, count: J)
        for j in 0..<J {
            for r in 0..<3 {
                for c in 0..<3 { A[j][r * 4 + c] = Float(kin.rotation[j][r, c]) }
            }
            A[j][3] = Float(kin.translation[j].0)
            A[j][7] = Float(kin.translation[j].1)
            A[j][11] = Float(kin.translation[j].2)
        }
        var out = [SIMD3<Float>](repeating: .zero, count: V)
        shaped.withUnsafeBufferPointer { vp in
            weights.withUnsafeBufferPointer { wp in
                A.withUnsafeBufferPointer { ap in
                    out.withUnsafeMutableBufferPointer { op in
                        let src = SendableConstPointer(vp.baseAddress!), w = SendableConstPointer(wp.baseAddress!)
                        let a = SendableConstPointer(ap.baseAddress!), dst = SendablePointer(op.baseAddress!)
                        parallelFor(V, minChunk: 2048) { range in
                            for i in range {
                                var m = SIMD16<Float>.zero
                                for j in 0..<J { m += w[i * J + j] * a[j] }
                                let x = src[3 * i], y = src[3 * i + 1], z = src[3 * i + 2]
                                dst[i] = SIMD3(m[0] * x + m[1] * y + m[2] * z + m[3],
                                               m[4] * x + m[5] * y + m[6] * z + m[7],
                                               m[8] * x + m[9] * y + m[10] * z + m[11])
                            }
                        }
                    }
                }
            }
        }
        let posed = kin.posedJoints.map { SIMD3(Float($0.0), Float($0.1), Float($0.2)) }
        return FLAMEOutput(vertices: out, joints: posed)
    }

    /// Throws when `p` has more coefficients than the model, a wrong pose length, or non-finite values.
    func check(_ p: FLAMEParameters) throws {
        guard p.shape.count <= shapeCount else {
            throw SiderError(.badInput, "\(p.shape.count) shape coefficients given; the model has \(shapeCount)")
        }
        guard p.expression.count <= expressionCount else {
            throw SiderError(.badInput, "\(p.expression.count) expression coefficients given; the model has \(expressionCount)")
        }
        guard p.pose.count == 3 * jointCount else {
            throw SiderError(.badInput, "pose has \(p.pose.count) values; the model needs 3 × \(jointCount) joints")
        }
        guard (p.shape + p.expression + p.pose).allSatisfy(\.isFinite) else {
            throw SiderError(.numerical, "FLAME parameters hold NaN or Inf")
        }
    }

    /// target += basis[:, :n] · coefficients, basis (V·3)×columns row-major.
    private func blend(into target: inout [Float], basis: [Float], columns: Int, coefficients: [Double]) {
        let k = coefficients.count
        guard k > 0, columns > 0 else { return }
        let coeffs = coefficients.map { Float($0) }
        let rows = target.count
        basis.withUnsafeBufferPointer { b in
            coeffs.withUnsafeBufferPointer { c in
                target.withUnsafeMutableBufferPointer { t in
                    BLAS.sgemm(m: rows, n: 1, k: k, a: b.baseAddress!, lda: columns,
                               b: c.baseAddress!, ldb: 1, c: t.baseAddress!, ldc: 1, alpha: 1, beta: 1)
                }
            }
        }
    }
}

import SiderCore

/// Least-squares similarity alignment of corresponding point sets (Umeyama's problem):
///
///   min over s > 0, R ∈ SO(3), t of  Σᵢ wᵢ ‖yᵢ − (s·R·xᵢ + t)‖².
///
/// With centroids x̄, ȳ and centred points aᵢ = xᵢ − x̄, bᵢ = yᵢ − ȳ, the rotation maximises
/// Σ wᵢ bᵢ·(R aᵢ); it is the unit quaternion of the largest eigenvalue of Horn's symmetric 4×4
/// matrix N built from the cross-covariance S = Σ wᵢ aᵢ bᵢᵀ, which is always a proper rotation
/// (the NoW code's `procrustes(..., reflection='best')` may return a reflection; a reflected
/// face is never a valid placement, so we exclude it). Then s = Σ wᵢ bᵢ·(R aᵢ) / Σ wᵢ ‖aᵢ‖²
/// and t = ȳ − s·R·x̄.
public enum Procrustes {
    /// The similarity mapping `source` onto `target` (same count ≥ 3, not collinear).
    /// `allowScale: false` fixes s = 1 (rigid alignment).
    public static func similarity(from source: [SIMD3<Float>], to target: [SIMD3<Float>],
                                  weights: [Double]? = nil, allowScale: Bool = true) throws -> SimilarityTransform {
        try similarity(from: source.map { SIMD3<Double>($0) }, to: target.map { SIMD3<Double>($0) },
                       weights: weights, allowScale: allowScale)
    }

    public static func similarity(from source: [SIMD3<Double>], to target: [SIMD3<Double>],
                                  weights: [Double]? = nil, allowScale: Bool = true) throws -> SimilarityTransform {
        let n = source.count
        guard n == target.count else {
            throw SiderError(.badInput, "Procrustes: \(n) source points but \(target.count) target points")
        }
        guard n >= 3 else { throw SiderError(.badInput, "Procrustes: need at least 3 point pairs, got \(n)") }
        if let w = weights, w.count != n {
            throw SiderError(.badInput, "Procrustes: \(w.count) weights for \(n) points")
        }
        var wsum = 0.0
        var mx = SIMD3<Double>.zero, my = SIMD3<Double>.zero
        for i in 0..<n {
            let w = weights?[i] ?? 1
            guard w >= 0, w.isFinite, source[i].x.isFinite, source[i].y.isFinite, source[i].z.isFinite,
                  target[i].x.isFinite, target[i].y.isFinite, target[i].z.isFinite else {
                throw SiderError(.numerical, "Procrustes: non-finite point or weight at index \(i)")
            }
            wsum += w; mx += w * source[i]; my += w * target[i]
        }
        guard wsum > 0 else { throw SiderError(.badInput, "Procrustes: all weights are zero") }
        mx /= wsum; my /= wsum

        // Cross-covariance S[j][k] = Σ w a_j b_k and the source spread Σ w ‖a‖².
        var s = Matrix3.zero
        var spreadX = 0.0
        for i in 0..<n {
            let w = weights?[i] ?? 1
            let a = source[i] - mx, b = target[i] - my
            s.r0 += w * a.x * b; s.r1 += w * a.y * b; s.r2 += w * a.z * b
            spreadX += w * dot(a, a)
        }
        guard spreadX > 1e-24 else { throw SiderError(.badInput, "Procrustes: source points coincide") }

        let (sxx, sxy, sxz) = (s.r0.x, s.r0.y, s.r0.z)
        let (syx, syy, syz) = (s.r1.x, s.r1.y, s.r1.z)
        let (szx, szy, szz) = (s.r2.x, s.r2.y, s.r2.z)
        let nmat: [Double] = [
            sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
            syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
            szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
            sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
        ]
        let eig = SymmetricEigen.decompose(nmat, n: 4)
        // Collinear points leave the rotation about their line undetermined: the two largest
        // eigenvalues of N then coincide.
        let scaleN = max(abs(eig.values[3]), 1e-300)
        guard eig.values[3] - eig.values[2] > 1e-9 * scaleN else {
            throw SiderError(.badInput, "Procrustes: points are collinear; the rotation is undetermined")
        }
        let q = eig.vectors[3]
        let r = Matrix3.rotation(quaternion: SIMD4(q[0], q[1], q[2], q[3]))

        var scale = 1.0
        if allowScale {
            var num = 0.0
            for i in 0..<n {
                let w = weights?[i] ?? 1
                num += w * dot(target[i] - my, r * (source[i] - mx))
            }
            scale = num / spreadX
            guard scale > 0, scale.isFinite else {
                throw SiderError(.numerical, "Procrustes: degenerate scale \(scale)")
            }
        }
        return SimilarityTransform(scale: scale, rotation: r, translation: my - scale * (r * mx))
    }

    /// Root-mean-square residual ‖yᵢ − T(xᵢ)‖ of a transform on corresponding points.
    public static func rmsResidual(_ t: SimilarityTransform, from source: [SIMD3<Float>],
                                   to target: [SIMD3<Float>]) -> Double {
        guard !source.isEmpty else { return 0 }
        var s = 0.0
        for (x, y) in zip(source, target) {
            let d = SIMD3<Double>(y) - t.apply(SIMD3<Double>(x))
            s += dot(d, d)
        }
        return (s / Double(source.count)).squareRoot()
    }
}

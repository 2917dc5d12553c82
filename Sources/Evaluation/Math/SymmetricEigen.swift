/// Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations.
///
/// A = V·diag(λ)·Vᵀ: each sweep zeroes every off-diagonal entry (p, q) with the plane rotation
/// whose angle θ satisfies tan 2θ = 2a_pq / (a_qq − a_pp); sweeps repeat until the off-diagonal
/// mass is below 1e-15 of the total. Used for Horn's quaternion (4×4) in `Procrustes`.
enum SymmetricEigen {
    /// Eigenvalues (ascending) and eigenvectors (`vectors[i]` belongs to `values[i]`) of the
    /// symmetric n×n row-major matrix `a`.
    static func decompose(_ a: [Double], n: Int) -> (values: [Double], vectors: [[Double]]) {
        var m = a
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let total = m.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<64 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n where q < n { off += m[p * n + q] * m[p * n + q] } }
            if off <= 1e-30 * max(total, 1e-300) { break }
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n {
                    let apq = m[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (m[q * n + q] - m[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    // A ← Jᵀ A J with J the rotation in the (p, q) plane.
                    for k in 0..<n {
                        let akp = m[k * n + p], akq = m[k * n + q]
                        m[k * n + p] = c * akp - s * akq
                        m[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = m[p * n + k], aqk = m[q * n + k]
                        m[p * n + k] = c * apk - s * aqk
                        m[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { m[$0 * n + $0] < m[$1 * n + $1] }
        let values = order.map { m[$0 * n + $0] }
        let vectors = order.map { j in (0..<n).map { v[$0 * n + j] } }
        return (values, vectors)
    }
}

import SiderCore

/// A small dense Levenberg–Marquardt solver for min ½‖r(p)‖² with exact Jacobians.
///
/// Each step solves (JᵀJ + μ·(diag(JᵀJ) + 10⁻⁹)) δ = −Jᵀr by Cholesky; a step that lowers the
/// cost is taken and μ shrinks, otherwise μ grows and the step is retried. Residual weights
/// (robust losses) are the caller's business: `evaluate` returns already-weighted rows.
struct LevenbergMarquardt {
    /// Residuals r (m) and, when asked, the Jacobian J (m × n, row-major).
    typealias Evaluate = (_ p: [Double], _ wantJacobian: Bool) throws -> (r: [Double], J: [Double])

    var maxIterations: Int
    var initialDamping = 1e-3

    /// Minimises from `start`; returns the parameters and the number of accepted steps.
    func minimize(_ start: [Double], evaluate: Evaluate) throws -> (p: [Double], iterations: Int, cost: Double) {
        var p = start
        let n = p.count
        var (r, J) = try evaluate(p, true)
        var cost = Self.halfSquaredNorm(r)
        var mu = initialDamping
        var accepted = 0
        for _ in 0..<maxIterations {
            let m = r.count
            // Normal equations.
            var A = [Double](repeating: 0, count: n * n), g = [Double](repeating: 0, count: n)
            for i in 0..<m {
                let row = i * n
                let ri = r[i]
                for a in 0..<n {
                    let ja = J[row + a]
                    if ja == 0 { continue }
                    g[a] += ja * ri
                    for b in a..<n { A[a * n + b] += ja * J[row + b] }
                }
            }
            for a in 0..<n { for b in 0..<a { A[a * n + b] = A[b * n + a] } }
            var improved = false
            for _ in 0..<10 {
                var D = A
                for a in 0..<n { D[a * n + a] += mu * (A[a * n + a] + 1e-9) }
                guard let step = Cholesky.solve(D, g.map { -$0 }, n: n) else { mu *= 10; continue }
                let trial = zip(p, step).map { $0 + $1 }
                let (rt, _) = try evaluate(trial, false)
                let ct = Self.halfSquaredNorm(rt)
                if ct.isFinite && ct < cost {
                    let relative = (cost - ct) / max(cost, 1e-30)
                    p = trial
                    cost = ct
                    mu = max(mu / 3, 1e-12)
                    improved = true
                    accepted += 1
                    if relative < 1e-12 { return (p, accepted, cost) }
                    break
                }
                mu *= 4
            }
            if !improved { break }
            (r, J) = try evaluate(p, true)
            cost = Self.halfSquaredNorm(r)
        }
        guard p.allSatisfy(\.isFinite) else { throw SiderError(.numerical, "landmark fit diverged (NaN parameters)") }
        return (p, accepted, cost)
    }

    static func halfSquaredNorm(_ r: [Double]) -> Double { 0.5 * r.reduce(0) { $0 + $1 * $1 } }
}

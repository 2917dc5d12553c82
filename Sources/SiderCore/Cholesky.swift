/// Cholesky factorisation A = L·Lᵀ of a small symmetric positive-definite matrix (row-major
/// n×n, Double), and solutions of A·x = b by forward (L·y = b) then back (Lᵀ·x = y) substitution.
/// Factor once, solve for as many right-hand sides as needed. Used by the Levenberg–Marquardt
/// steps of the FLAME fit, the landmark warp and the ICP of the NoW alignment.
public struct Cholesky: Sendable {
    public let n: Int
    private var l: [Double]

    /// Nil when A is not positive definite (a pivot ≤ 0 or not finite).
    public init?(_ a: [Double], n: Int) {
        guard n > 0, a.count >= n * n else { return nil }
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        self.n = n
        self.l = l
    }

    /// x with A·x = b (b has n entries).
    public func solve(_ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
            y[i] /= l[i * n + i]
        }
        return y
    }

    /// Solves A·x = b in one call; nil when A is not positive definite.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        Cholesky(a, n: n)?.solve(b)
    }
}

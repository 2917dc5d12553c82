import CBLAS
import Foundation

/// Row-major single-precision matrix products through OpenBLAS.
public enum BLAS {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major.
    /// `transA`: A is stored k×m and used transposed; likewise `transB` (B stored n×k).
    @inlinable
    public static func sgemm(m: Int, n: Int, k: Int,
                             a: UnsafePointer<Float>, lda: Int, transA: Bool = false,
                             b: UnsafePointer<Float>, ldb: Int, transB: Bool = false,
                             c: UnsafeMutablePointer<Float>, ldc: Int,
                             alpha: Float = 1, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Sets OpenBLAS's own thread count. Call with 1 before calling BLAS from inside
    /// `parallelFor` workers; leave it at the core count for single big products.
    /// Prefer `singleThreaded` where several threads may use BLAS at once.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The kernel family OpenBLAS runs ("Haswell", "SkylakeX", …; `OPENBLAS_CORETYPE` forces one)
    /// and its build configuration: what a benchmark ran.
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }
    public static var buildConfig: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }

    /// Runs `body` with OpenBLAS on one thread: for callers that spread their own products across
    /// the cores, and for reproducible results — OpenBLAS splits a product differently for each
    /// thread count, so its sums (and results, in the last bits) depend on that count.
    /// Nests and may be entered from several threads at once: the first caller in sets one
    /// thread, the last one out restores the count it found.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        SingleThreadScope.shared.enter()
        defer { SingleThreadScope.shared.leave() }
        return try body()
    }
}

/// The reference count behind `BLAS.singleThreaded`.
private final class SingleThreadScope: @unchecked Sendable {
    static let shared = SingleThreadScope()
    private let lock = NSLock()
    private var depth = 0
    private var saved = 1

    func enter() {
        lock.lock(); defer { lock.unlock() }
        if depth == 0 {
            saved = BLAS.threads
            if saved != 1 { BLAS.setThreads(1) }
        }
        depth += 1
    }

    func leave() {
        lock.lock(); defer { lock.unlock() }
        depth -= 1
        if depth == 0 && saved != 1 { BLAS.setThreads(saved) }
    }
}

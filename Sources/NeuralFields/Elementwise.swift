import SiderCore

/// Row-parallel elementwise kernels on row-major matrices with row strides (ld*).
/// Each runs `parallelFor` over rows; inner loops are contiguous so the compiler vectorises them.
enum Elementwise {
    @inline(__always)
    static func rows(_ rows: Int, cols: Int, _ body: @Sendable (Range<Int>) -> Void) {
        parallelFor(rows, minChunk: max(1, 8192 / max(cols, 1)), body)
    }

    /// D = A ⊙ B  (accumulate: D += A ⊙ B).
    static func multiply(rows n: Int, cols: Int,
                         _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                         into d: UnsafeMutablePointer<Float>, ldd: Int, accumulate: Bool = false) {
        let ap = SendableConstPointer(a), bp = SendableConstPointer(b), dp = SendablePointer(d)
        rows(n, cols: cols) { range in
            for r in range {
                let x = ap.base + r * lda, y = bp.base + r * ldb, z = dp.base + r * ldd
                if accumulate { for j in 0..<cols { z[j] += x[j] * y[j] } }
                else { for j in 0..<cols { z[j] = x[j] * y[j] } }
            }
        }
    }

    /// D = A (accumulate: D += A).
    static func copy(rows n: Int, cols: Int, _ a: UnsafePointer<Float>, lda: Int,
                     into d: UnsafeMutablePointer<Float>, ldd: Int, accumulate: Bool = false) {
        let ap = SendableConstPointer(a), dp = SendablePointer(d)
        rows(n, cols: cols) { range in
            for r in range {
                let x = ap.base + r * lda, z = dp.base + r * ldd
                if accumulate { for j in 0..<cols { z[j] += x[j] } }
                else { z.update(from: x, count: cols) }
            }
        }
    }
}

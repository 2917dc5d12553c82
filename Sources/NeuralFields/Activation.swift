import SiderCore
import Foundation

/// Elementwise nonlinearities σ with their first and second derivatives.
///
/// - softplus_β(z) = log(1 + e^{βz})/β = max(z,0) + log1p(e^{−β|z|})/β,
///   σ' = sigmoid(βz), σ'' = β·σ'(1 − σ')  (IDR's geometry network uses β = 100);
/// - relu(z) = max(z, 0), σ' = [z > 0], σ'' = 0;
/// - tanh, σ' = 1 − a², σ'' = −2a·σ';  sigmoid, σ' = a(1 − a), σ'' = σ'(1 − 2a);
/// - identity.
/// The forward pass stores σ'(z) (called S) so the backward passes need neither z nor a
/// second evaluation; σ'' is recovered from S (and a for tanh/sigmoid).
public enum Activation: Sendable, Equatable, Codable {
    case identity
    case relu
    case softplus(beta: Float)
    case tanh
    case sigmoid

    /// Scalar reference σ(z) (tests and small outputs).
    public func value(_ z: Float) -> Float {
        switch self {
        case .identity: return z
        case .relu: return max(z, 0)
        case .softplus(let b): return max(z, 0) + Foundation.log1p(Foundation.exp(-b * abs(z))) / b
        case .tanh: return Foundation.tanh(z)
        case .sigmoid: return 1 / (1 + Foundation.exp(-z))
        }
    }

    /// σ'' given S = σ'(z) and a = σ(z).
    @inlinable
    public func second(s: Float, a: Float) -> Float {
        switch self {
        case .identity, .relu: return 0
        case .softplus(let b): return b * s * (1 - s)
        case .tanh: return -2 * a * s
        case .sigmoid: return s * (1 - 2 * a)
        }
    }

    public var hasSecondDerivative: Bool {
        switch self {
        case .identity, .relu: return false
        default: return true
        }
    }

    /// For rows 0..<rows: reads z from `z` (row stride `cols`), writes σ(z) to `a` (row stride
    /// `lda`) and σ'(z) over `z` in place. Vectorised and spread across the cores.
    /// `derivatives` false (a forward no backward will follow, `MLP.forward(…, derivatives:
    /// false)`): the softplus skips σ' and leaves z as it is; the others cost little either way.
    public func apply(rows: Int, cols: Int, z: UnsafeMutablePointer<Float>,
                      a: UnsafeMutablePointer<Float>, lda: Int, derivatives: Bool = true) {
        let zp = SendablePointer(z), ap = SendablePointer(a)
        let act = self
        parallelFor(rows, minChunk: max(1, 4096 / max(cols, 1))) { range in
            for r in range {
                act.applyRow(cols: cols, z: zp.base + r * cols, a: ap.base + r * lda, derivatives: derivatives)
            }
        }
    }

    @inline(__always)
    func applyRow(cols: Int, z: UnsafeMutablePointer<Float>, a: UnsafeMutablePointer<Float>, derivatives: Bool) {
        typealias V = VectorMath.V
        switch self {
        case .identity:
            for j in 0..<cols { a[j] = z[j]; z[j] = 1 }
        case .relu:
            for j in 0..<cols { let v = z[j]; a[j] = v > 0 ? v : 0; z[j] = v > 0 ? 1 : 0 }
        case .softplus(let beta):
            let vb = V(repeating: beta), inv = V(repeating: 1 / beta), one = V(repeating: 1), zero = V(repeating: 0)
            var j = 0
            while j + 8 <= cols {
                let v = VectorMath.load(z + j)
                let bz = vb * v
                let t = VectorMath.exp(bz.replacing(with: -bz, where: bz .> zero))   // e^{−β|z|} ∈ (0, 1]
                let sp = VectorMath.madd(VectorMath.log1pUnit(t), inv, v.replacing(with: zero, where: v .< zero))
                VectorMath.store(sp, a + j)
                if derivatives {
                    let r = one / (one + t)
                    VectorMath.store(r.replacing(with: t * r, where: v .< zero), z + j)   // sigmoid(βz)
                }
                j += 8
            }
            while j < cols {
                let v = z[j]
                let t = Foundation.exp(-beta * abs(v))
                a[j] = max(v, 0) + Foundation.log1p(t) / beta
                if derivatives { z[j] = v >= 0 ? 1 / (1 + t) : t / (1 + t) }
                j += 1
            }
        case .tanh:
            for j in 0..<cols { let y = Foundation.tanh(z[j]); a[j] = y; z[j] = 1 - y * y }
        case .sigmoid:
            for j in 0..<cols { let y = 1 / (1 + Foundation.exp(-z[j])); a[j] = y; z[j] = y * (1 - y) }
        }
    }
}

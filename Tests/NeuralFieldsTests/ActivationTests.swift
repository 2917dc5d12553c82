import Testing
import Foundation
import SiderCore
@testable import NeuralFields

@Suite struct ActivationTests {
    @Test func vectorExpAndLog1pMatchFoundation() {
        var worstExp: Float = 0, worstLog: Float = 0
        var i: Float = -80
        while i < 80 {
            let v = SIMD8<Float>((0..<8).map { i + Float($0) * 0.0137 })
            let e = VectorMath.exp(v)
            for k in 0..<8 { worstExp = max(worstExp, abs(e[k] - Foundation.exp(v[k])) / Foundation.exp(v[k])) }
            i += 0.31
        }
        var t: Float = 0
        while t <= 1 {
            let v = SIMD8<Float>((0..<8).map { min(1, t + Float($0) * 1e-3) })
            let l = VectorMath.log1pUnit(v)
            for k in 0..<8 { worstLog = max(worstLog, abs(l[k] - Foundation.log1p(v[k]))) }
            t += 0.0071
        }
        #expect(worstExp < 5e-7)
        #expect(worstLog < 3e-7)
    }

    @Test(arguments: [Activation.softplus(beta: 100), .softplus(beta: 3), .relu, .tanh, .sigmoid, .identity])
    func derivativesMatchFiniteDifferences(_ act: Activation) {
        let cols = 37
        var z = (0..<cols).map { Float($0 - 18) * 0.0123 + 0.001 }
        let z0 = z
        var a = [Float](repeating: 0, count: cols)
        z.withUnsafeMutableBufferPointer { zp in
            a.withUnsafeMutableBufferPointer { ap in act.apply(rows: 1, cols: cols, z: zp.baseAddress!, a: ap.baseAddress!, lda: cols) }
        }
        let h: Double = 1e-4
        for j in 0..<cols {
            let zd = Double(z0[j])
            #expect(abs(a[j] - act.value(z0[j])) < 1e-6)
            let fd = (ref(act, zd + h) - ref(act, zd - h)) / (2 * h)
            #expect(abs(Double(z[j]) - fd) < 1e-4, "σ' at \(zd)")
            if act.hasSecondDerivative {
                let fd2 = (ref(act, zd + h) - 2 * ref(act, zd) + ref(act, zd - h)) / (h * h)
                let s2 = Double(act.second(s: z[j], a: a[j]))
                #expect(abs(s2 - fd2) <= 2e-3 * max(1, abs(fd2)), "σ'' at \(zd)")
            }
        }
    }

    /// Double-precision references.
    func ref(_ act: Activation, _ z: Double) -> Double {
        switch act {
        case .identity: return z
        case .relu: return max(z, 0)
        case .softplus(let b): let bd = Double(b); return max(z, 0) + Foundation.log1p(Foundation.exp(-bd * abs(z))) / bd
        case .tanh: return Foundation.tanh(z)
        case .sigmoid: return 1 / (1 + Foundation.exp(-z))
        }
    }
}

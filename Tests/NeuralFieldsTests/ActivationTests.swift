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

    /// The positional encoding's sin/cos: against Foundation's in double precision over the
    /// angles it sees (|2^{L−1}·x| ≤ 32 for IDR's L = 6 on the unit box) and beyond, every quadrant.
    @Test func vectorSinCosMatchesFoundation() {
        var worst: Double = 0
        var x: Float = -100
        while x < 100 {
            let v = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0371 })
            let (s, c) = VectorMath.sinCos(v)
            for k in 0..<8 {
                worst = max(worst, abs(Double(s[k]) - Foundation.sin(Double(v[k]))), abs(Double(c[k]) - Foundation.cos(Double(v[k]))))
            }
            x += 0.0173
        }
        #expect(worst < 2.5e-7, "worst sin/cos error \(worst)")
        // The array form, with a tail shorter than 8, in place.
        var values: [Float] = (0..<13).map { Float($0) * 0.77 - 4 }
        let expected = values.map { (Foundation.sin(Double($0)), Foundation.cos(Double($0))) }
        var cosines = [Float](repeating: 0, count: 13)
        values.withUnsafeMutableBufferPointer { vp in
            VectorMath.sinCos(vp.baseAddress!, count: 13, sin: vp.baseAddress!, cos: &cosines)
        }
        for i in 0..<13 {
            #expect(abs(Double(values[i]) - expected[i].0) < 2.5e-7 && abs(Double(cosines[i]) - expected[i].1) < 2.5e-7)
        }
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
        // The value-only pass (no backward to follow) gives the same σ(z), bit for bit.
        var zv = z0, av = [Float](repeating: -1, count: cols)
        zv.withUnsafeMutableBufferPointer { zp in
            av.withUnsafeMutableBufferPointer { ap in act.apply(rows: 1, cols: cols, z: zp.baseAddress!, a: ap.baseAddress!, lda: cols, derivatives: false) }
        }
        #expect(av == a)
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

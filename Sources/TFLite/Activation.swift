import Foundation
import SiderCore

/// A fused activation (`tflite.ActivationFunctionType`) applied to an operator's result:
/// NONE x, RELU max(x, 0), RELU_N1_TO_1 clamp(x, −1, 1), RELU6 clamp(x, 0, 6), TANH tanh(x).
enum Activation: Int8, Sendable {
    case none = 0, relu = 1, reluN1To1 = 2, relu6 = 3, tanh = 4

    init(code: Int8, op: String) throws {
        guard let a = Activation(rawValue: code) else {
            throw SiderError(.unsupported, "fused activation \(code) of \(op) is not supported")
        }
        self = a
    }

    var bounds: (lo: Float, hi: Float)? {
        switch self {
        case .relu: return (0, .infinity)
        case .reluN1To1: return (-1, 1)
        case .relu6: return (0, 6)
        case .none, .tanh: return nil
        }
    }

    @inline(__always)
    func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        switch self {
        case .none: return v
        case .relu: return v.replacing(with: 0, where: v .< 0)
        case .reluN1To1: return v.clamped(lowerBound: SIMD8(repeating: -1), upperBound: SIMD8(repeating: 1))
        case .relu6: return v.clamped(lowerBound: SIMD8(repeating: 0), upperBound: SIMD8(repeating: 6))
        case .tanh:
            var r = v
            for i in 0..<8 { r[i] = Foundation.tanh(v[i]) }
            return r
        }
    }

    @inline(__always)
    func apply(_ v: Float) -> Float {
        switch self {
        case .none: return v
        case .relu: return max(v, 0)
        case .reluN1To1: return min(max(v, -1), 1)
        case .relu6: return min(max(v, 0), 6)
        case .tanh: return Foundation.tanh(v)
        }
    }

    /// In place over `count` floats.
    func apply(_ p: UnsafeMutablePointer<Float>, count: Int) {
        guard self != .none else { return }
        var i = 0
        while i + 8 <= count {
            storeSIMD(apply(loadSIMD(p + i)), p + i)
            i += 8
        }
        while i < count { p[i] = apply(p[i]); i += 1 }
    }
}

@inline(__always)
func loadSIMD(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func loadSIMD(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func storeSIMD(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// out[p·n + j] = act(out[p·n + j] + bias[j]) for `rows` rows of `n` (bias may be nil).
func addBiasAndActivate(_ out: UnsafeMutablePointer<Float>, rows: Int, n: Int,
                        bias: UnsafePointer<Float>?, activation: Activation) {
    guard bias != nil || activation != .none else { return }
    for r in 0..<rows {
        let row = out + r * n
        var j = 0
        if let b = bias {
            while j + 8 <= n {
                storeSIMD(activation.apply(loadSIMD(row + j) + loadSIMD(b + j)), row + j)
                j += 8
            }
            while j < n { row[j] = activation.apply(row[j] + b[j]); j += 1 }
        } else {
            activation.apply(row, count: n)
        }
    }
}

import Foundation

/// Arithmetic shared by `Double` and `Dual`, so that one generic FLAME landmark function gives
/// both values and exact derivatives (forward-mode automatic differentiation).
public protocol ADScalar: Sendable {
    init(_ value: Double)
    var value: Double { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    static func sin(_ a: Self) -> Self
    static func cos(_ a: Self) -> Self
}

extension Double: ADScalar {
    public var value: Double { self }
    public static func sin(_ a: Double) -> Double { Foundation.sin(a) }
    public static func cos(_ a: Double) -> Double { Foundation.cos(a) }
}

/// A dual number a + Σᵢ dᵢ εᵢ with up to 16 simultaneous directions (εᵢεⱼ = 0): evaluating a
/// function on duals seeded with unit tangents yields 16 columns of its Jacobian exactly.
public struct Dual: ADScalar {
    public var value: Double
    public var d: SIMD16<Double>

    public init(_ value: Double) {
        self.value = value
        d = .zero
    }

    public init(_ value: Double, seed i: Int) {
        self.value = value
        d = .zero
        d[i] = 1
    }

    @usableFromInline init(value: Double, d: SIMD16<Double>) {
        self.value = value
        self.d = d
    }

    @inlinable public static func + (a: Dual, b: Dual) -> Dual { Dual(value: a.value + b.value, d: a.d + b.d) }
    @inlinable public static func - (a: Dual, b: Dual) -> Dual { Dual(value: a.value - b.value, d: a.d - b.d) }
    @inlinable public static func * (a: Dual, b: Dual) -> Dual {
        Dual(value: a.value * b.value, d: a.d * b.value + b.d * a.value)
    }
    @inlinable public static func / (a: Dual, b: Dual) -> Dual {
        let inv = 1 / b.value
        return Dual(value: a.value * inv, d: (a.d - b.d * (a.value * inv)) * inv)
    }
    @inlinable public static prefix func - (a: Dual) -> Dual { Dual(value: -a.value, d: -a.d) }
    public static func sin(_ a: Dual) -> Dual { Dual(value: Foundation.sin(a.value), d: a.d * Foundation.cos(a.value)) }
    public static func cos(_ a: Dual) -> Dual { Dual(value: Foundation.cos(a.value), d: a.d * -Foundation.sin(a.value)) }
}

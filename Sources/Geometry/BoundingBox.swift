/// An axis-aligned box [min, max]; `empty` has min = +∞, max = −∞ so that unions start from it.
public struct BoundingBox: Sendable, Equatable {
    public var min: SIMD3<Float>
    public var max: SIMD3<Float>

    public init(min: SIMD3<Float>, max: SIMD3<Float>) {
        self.min = min
        self.max = max
    }

    public static let empty = BoundingBox(min: SIMD3(repeating: .infinity), max: SIMD3(repeating: -.infinity))

    /// The smallest box holding all `points` (`empty` for none).
    public init<S: Sequence>(points: S) where S.Element == SIMD3<Float> {
        var b = BoundingBox.empty
        for p in points { b.formUnion(p) }
        self = b
    }

    public var isEmpty: Bool { any(min .> max) }
    public var center: SIMD3<Float> { (min + max) * 0.5 }
    public var extent: SIMD3<Float> { isEmpty ? .zero : max - min }
    /// Length of the main diagonal |max − min| (0 when empty).
    public var diagonal: Float { length(extent) }

    public mutating func formUnion(_ p: SIMD3<Float>) {
        min = pointwiseMin(min, p)
        max = pointwiseMax(max, p)
    }

    public mutating func formUnion(_ b: BoundingBox) {
        min = pointwiseMin(min, b.min)
        max = pointwiseMax(max, b.max)
    }

    /// The box grown by `margin` on every side.
    public func expanded(by margin: Float) -> BoundingBox {
        BoundingBox(min: min - SIMD3(repeating: margin), max: max + SIMD3(repeating: margin))
    }

    public func contains(_ p: SIMD3<Float>) -> Bool { all(p .>= min) && all(p .<= max) }

    /// Squared distance from `p` to the box (0 inside).
    public func squaredDistance(to p: SIMD3<Float>) -> Float {
        let d = pointwiseMax(pointwiseMax(min - p, p - max), .zero)
        return (d * d).sum()
    }

    /// Surface area (0 when empty), the cost measure of the SAH.
    public var surfaceArea: Float {
        let e = extent
        return 2 * (e.x * e.y + e.y * e.z + e.z * e.x)
    }
}

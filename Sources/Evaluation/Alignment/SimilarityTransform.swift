/// A similarity transform x ↦ s·R·x + t (scale s > 0, rotation R, translation t): how a
/// predicted mesh is placed onto a ground-truth scan in the NoW protocol.
public struct SimilarityTransform: Sendable, Equatable, Codable {
    public var scale: Double
    public var rotation: Matrix3
    public var translation: SIMD3<Double>

    public init(scale: Double = 1, rotation: Matrix3 = .identity, translation: SIMD3<Double> = .zero) {
        self.scale = scale
        self.rotation = rotation
        self.translation = translation
    }

    public static let identity = SimilarityTransform()

    /// s·R·x + t.
    @inlinable public func apply(_ x: SIMD3<Double>) -> SIMD3<Double> {
        scale * (rotation * x) + translation
    }

    /// s·R·x + t for a single-precision point.
    @inlinable public func apply(_ x: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3<Float>(apply(SIMD3<Double>(x)))
    }

    public func apply(_ points: [SIMD3<Float>]) -> [SIMD3<Float>] { points.map { apply($0) } }

    /// The inverse, x ↦ (1/s)·Rᵀ·(x − t).
    public var inverse: SimilarityTransform {
        let rt = rotation.transposed
        return SimilarityTransform(scale: 1 / scale, rotation: rt, translation: -(rt * translation) / scale)
    }

    /// `self ∘ other`: first `other`, then `self`.
    public func composed(after other: SimilarityTransform) -> SimilarityTransform {
        SimilarityTransform(scale: scale * other.scale, rotation: rotation * other.rotation,
                            translation: scale * (rotation * other.translation) + translation)
    }
}

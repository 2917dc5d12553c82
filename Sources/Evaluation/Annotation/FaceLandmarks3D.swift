import SiderCore

/// 3D facial landmarks of a scan or a predicted mesh, in one of two layouts: the 68-point iBUG
/// layout (0-based: jaw 0–16, eyebrows 17–26, nose 27–35, eyes 36–47, mouth 48–67), or just
/// the seven NoW points.
///
/// The NoW protocol uses seven landmarks, in this order (iBUG indices, verified against the
/// NoW scripts: items 0 and 3 are the outer eye corners, 1 and 2 the inner ones whose midpoint
/// is the nose bridge, 4 the nose bottom): right-eye outer corner 36, right-eye inner 39,
/// left-eye inner 42, left-eye outer 45, nose bottom 33, mouth corners 48 and 54.
public struct FaceLandmarks3D: Sendable, Equatable {
    public enum Layout: String, Sendable, Codable { case ibug68, now7 }

    public var layout: Layout
    public var points: [SIMD3<Float>]

    /// iBUG-68 indices of the NoW seven, in NoW order.
    public static let nowIndices: [Int] = [36, 39, 42, 45, 33, 48, 54]

    public init(ibug68 points: [SIMD3<Float>]) throws {
        guard points.count == 68 else { throw SiderError(.badInput, "expected 68 landmarks, got \(points.count)") }
        try FaceLandmarks3D.checkFinite(points)
        self.layout = .ibug68
        self.points = points
    }

    public init(now7 points: [SIMD3<Float>]) throws {
        guard points.count == 7 else { throw SiderError(.badInput, "expected 7 NoW landmarks, got \(points.count)") }
        try FaceLandmarks3D.checkFinite(points)
        self.layout = .now7
        self.points = points
    }

    /// 68 points → iBUG layout, 7 → NoW layout, otherwise an error.
    public init(points: [SIMD3<Float>]) throws {
        switch points.count {
        case 68: try self.init(ibug68: points)
        case 7: try self.init(now7: points)
        default:
            throw SiderError(.badInput, "a landmark file must hold 68 (iBUG) or 7 (NoW) points, not \(points.count)")
        }
    }

    /// The seven NoW landmarks, in NoW order.
    public var nowSeven: [SIMD3<Float>] {
        switch layout {
        case .now7: return points
        case .ibug68: return FaceLandmarks3D.nowIndices.map { points[$0] }
        }
    }

    /// The landmarks moved by a similarity transform.
    public func transformed(by t: SimilarityTransform) -> FaceLandmarks3D {
        var copy = self
        copy.points = t.apply(points)
        return copy
    }

    static func checkFinite(_ points: [SIMD3<Float>]) throws {
        for (i, p) in points.enumerated() where !(p.x.isFinite && p.y.isFinite && p.z.isFinite) {
            throw SiderError(.badInput, "landmark \(i) is not a finite 3D point")
        }
    }
}

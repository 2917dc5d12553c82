import Geometry

/// The similarity between mesh coordinates and f_θ's normalised frame: x_n = (x − c)/s.
///
/// c is the centre of the mesh's bounding box and s = 0.6·D (D its diagonal), so the mesh lies
/// within radius 0.83 of the origin, the box padded by 10% of D within [−1, 1]³ (the grid
/// encoding's domain), and IDR's initial sphere (r = 0.6) is of the object's size.
/// Distances scale by s: SDF_mesh(x) = s·f_θ(x_n).
public struct CoarseFrame: Sendable, Equatable, Codable {
    public var center: SIMD3<Float>
    public var scale: Float

    public init(center: SIMD3<Float>, scale: Float) { self.center = center; self.scale = scale }

    public init(box: BoundingBox) {
        center = box.center
        scale = max(0.6 * box.diagonal, 1e-12)
    }

    @inline(__always) public func normalised(_ p: SIMD3<Float>) -> SIMD3<Float> { (p - center) / scale }
    @inline(__always) public func world(_ q: SIMD3<Float>) -> SIMD3<Float> { q * scale + center }
}

import SiderCore

/// A face-aligned frame on a scan, from its 68 iBUG landmarks and its own axes, in which the
/// wrinkle patterns and albedo marks are drawn (scan units, mm for `james`):
///
///   origin o = midpoint of the inner eye corners (39, 42), the nose bridge,
///   right  eₓ = normalise(L₄₅ − L₃₆) (outer eye corner on the image left → image right),
///   forward e_z = the scan's +z (towards the viewer) made orthogonal to eₓ,
///   up     e_y = e_z × eₓ.
///
/// A point p has plane coordinates (u, v) = ((p − o)·eₓ, (p − o)·e_y) — its frontal
/// orthographic projection — and depth w = (p − o)·e_z. Patterns are curves in the (u, v) plane;
/// distances to them are measured in that plane, so on surfaces that slope away from the viewer
/// (temples, nasolabial region) a pattern is wider along the surface than its stated width.
public struct ScanFaceFrame: Sendable, Equatable {
    public var origin: SIMD3<Float>
    public var right: SIMD3<Float>
    public var up: SIMD3<Float>
    public var forward: SIMD3<Float>
    /// The 68 landmarks in plane coordinates.
    public var landmarks2D: [SIMD2<Float>]
    /// Depth below which a vertex counts as off the face (the outer eye corners' mean depth
    /// minus `frontDepthMargin`).
    public var minimumDepth: Float

    public static let frontDepthMargin: Float = 35
    /// Smallest outward-normal component along e_z of a vertex that patterns may move.
    public static let minimumFacing: Float = 0.2

    public init(landmarks: FaceLandmarks3D) throws {
        guard landmarks.layout == .ibug68 else {
            throw SiderError(.badInput, "the wrinkle patterns need the 68 iBUG landmarks of the scan")
        }
        let l = landmarks.points
        origin = (l[39] + l[42]) / 2
        let x = l[45] - l[36]
        let xl = (x * x).sum().squareRoot()
        guard xl > 0, xl.isFinite else { throw SiderError(.badInput, "the scan's outer eye corners coincide") }
        right = x / xl
        var z = SIMD3<Float>(0, 0, 1) - right.z * right
        let zl = (z * z).sum().squareRoot()
        guard zl > 0.5 else { throw SiderError(.badInput, "the scan's eye line is not across its x axis") }
        z /= zl
        forward = z
        up = SIMD3(z.y * right.z - z.z * right.y, z.z * right.x - z.x * right.z, z.x * right.y - z.y * right.x)
        let o = origin, r = right, u = up
        landmarks2D = l.map { SIMD2((($0 - o) * r).sum(), (($0 - o) * u).sum()) }
        let eyeDepth = ((((l[36] + l[45]) / 2) - o) * z).sum()
        minimumDepth = eyeDepth - Self.frontDepthMargin
    }

    /// Plane coordinates (u, v) of a point.
    @inlinable public func plane(_ p: SIMD3<Float>) -> SIMD2<Float> {
        SIMD2(((p - origin) * right).sum(), ((p - origin) * up).sum())
    }

    /// Depth w of a point along e_z.
    @inlinable public func depth(_ p: SIMD3<Float>) -> Float { ((p - origin) * forward).sum() }

    /// Whether a vertex with outward unit normal `n` is on the front of the face (facing the
    /// viewer and not behind the eyes by more than `frontDepthMargin`), where patterns may lie.
    @inlinable public func isFrontal(_ p: SIMD3<Float>, normal n: SIMD3<Float>) -> Bool {
        (n * forward).sum() > Self.minimumFacing && depth(p) > minimumDepth
    }
}

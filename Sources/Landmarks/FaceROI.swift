#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The face-mesh crop derived from a detection, as MediaPipe's
/// `face_detection_front_detection_to_roi` graph builds it:
///   θ = −atan2(−(y₁ − y₀), x₁ − x₀)   (keypoint 0 = right eye → keypoint 1 = left eye, target angle 0),
///   centre = box centre, side = 1.5 · max(box width, box height) (a square in pixels).
/// The face model then sees the eye line horizontal.
enum FaceROI {
    static let scale: Float = 1.5

    static func crop(for detection: FaceDetection) -> CropRect {
        // Back to MediaPipe's pixel convention (centres at integers), see CropRect.
        let box = detection.box
        let center = box.center - 0.5
        let e0 = detection.keypoints[0], e1 = detection.keypoints[1]
        let theta = normalizedAngle(-atan2f(-(e1.y - e0.y), e1.x - e0.x))
        let side = scale * max(box.width, box.height)
        return CropRect(center: center, size: SIMD2(side, side), rotation: theta)
    }

    /// The crop MediaPipe's tracking graph (`face_landmark_landmarks_to_roi`) derives from a
    /// previous mesh: the axis-aligned bounding box of the 468 points, rotation from the right-eye
    /// outer corner (vertex 33) to the left-eye outer corner (vertex 263), scale 1.5, square.
    static func crop(forMesh points: [SIMD3<Float>]) -> CropRect? {
        guard points.count == FaceMesh.pointCount else { return nil }
        var lo = SIMD2<Float>(repeating: .infinity), hi = SIMD2<Float>(repeating: -.infinity)
        for p in points { let q = SIMD2(p.x, p.y); lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q) }
        let e0 = points[33], e1 = points[263]
        let theta = normalizedAngle(-atan2f(-(e1.y - e0.y), e1.x - e0.x))
        let side = scale * max(hi.x - lo.x, hi.y - lo.y)
        return CropRect(center: (lo + hi) / 2 - 0.5, size: SIMD2(side, side), rotation: theta)
    }

    /// The angle brought into [−π, π).
    static func normalizedAngle(_ a: Float) -> Float {
        let twoPi = 2 * Float.pi
        return a - twoPi * ((a + Float.pi) / twoPi).rounded(.down)
    }
}

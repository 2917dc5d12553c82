/// FLAME's parameters: identity shape β, expression ψ and pose θ.
///
/// θ holds one axis-angle vector (radians; direction = axis, length = angle) per joint, in the
/// model's joint order — for FLAME: global (head about the neck base), neck, jaw, left eye,
/// right eye — so `pose.count == 3 · J`. β and ψ may be shorter than the model's bases; missing
/// coefficients are zero.
public struct FLAMEParameters: Codable, Sendable, Equatable {
    public var shape: [Double]
    public var expression: [Double]
    public var pose: [Double]

    public init(shape: [Double] = [], expression: [Double] = [], pose: [Double] = [Double](repeating: 0, count: 15)) {
        self.shape = shape
        self.expression = expression
        self.pose = pose
    }

    /// The axis-angle vector of joint `j`.
    public func rotation(joint j: Int) -> SIMD3<Double> {
        guard pose.count >= 3 * j + 3 else { return .zero }
        return SIMD3(pose[3 * j], pose[3 * j + 1], pose[3 * j + 2])
    }

    public mutating func setRotation(joint j: Int, _ r: SIMD3<Double>) {
        if pose.count < 3 * j + 3 { pose += [Double](repeating: 0, count: 3 * j + 3 - pose.count) }
        pose[3 * j] = r.x
        pose[3 * j + 1] = r.y
        pose[3 * j + 2] = r.z
    }
}

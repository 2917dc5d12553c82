/// What the detail stage fits: rays with their target colours c_gt, and a pool of points near the
/// coarse surface with SDF_GT (Eq. 5) for the two regularisers of Eq. 10.
public struct DetailProblem: Sendable {
    public var rays: RaySet
    /// c_gt of each ray (the photo's pixel colour, RGB in [0, 1]).
    public var targets: [SIMD3<Float>]
    public var regularizerPoints: [SIMD3<Float>]
    public var regularizerSDF: [Float]
    /// The camera-space length that is 1 in the normalised frame (`CoarseFrame.scale`): SDF
    /// residuals are divided by it so that λ₁ does not depend on the scene's units.
    public var lengthUnit: Float

    public init(rays: RaySet, targets: [SIMD3<Float>], regularizerPoints: [SIMD3<Float>], regularizerSDF: [Float],
                lengthUnit: Float = 1) {
        self.lengthUnit = lengthUnit
        self.rays = rays
        self.targets = targets
        self.regularizerPoints = regularizerPoints
        self.regularizerSDF = regularizerSDF
    }
}

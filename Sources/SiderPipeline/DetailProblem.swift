/// What the detail stage fits: rays with their target colours c_gt, and a pool of points near the
/// coarse surface with SDF_GT (Eq. 5) for the two regularisers of Eq. 10.
public struct DetailProblem: Sendable {
    public var rays: RaySet
    /// c_gt of each ray (the photo's pixel colour, RGB in [0, 1]).
    public var targets: [SIMD3<Float>]
    public var regularizerPoints: [SIMD3<Float>]
    public var regularizerSDF: [Float]

    public init(rays: RaySet, targets: [SIMD3<Float>], regularizerPoints: [SIMD3<Float>], regularizerSDF: [Float]) {
        self.rays = rays
        self.targets = targets
        self.regularizerPoints = regularizerPoints
        self.regularizerSDF = regularizerSDF
    }
}

import NeuralFields

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

extension DetailProblem {
    /// The problem for `rays` with the coarse stage's pool 𝒫 (and its SDF_GT) as the regulariser
    /// points, taken from the normalised frame back to camera coordinates (at most `maxPoints`).
    public init(rays: RaySet, targets: [SIMD3<Float>], coarse trainer: CoarseTrainer, maxPoints: Int = 200_000) {
        let frame = trainer.frame, pool = trainer.samples
        let n = min(pool.count, maxPoints)
        let points = (0..<n).map { frame.world(SIMD3(pool.points[3 * $0], pool.points[3 * $0 + 1], pool.points[3 * $0 + 2])) }
        let sdf = (0..<n).map { pool.targets[$0] * frame.scale }
        self.init(rays: rays, targets: targets, regularizerPoints: points, regularizerSDF: sdf, lengthUnit: frame.scale)
    }
}

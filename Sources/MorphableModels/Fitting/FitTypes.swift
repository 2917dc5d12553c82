import Geometry

/// How the fitted head is projected into the image.
public enum FitProjection: String, Codable, Sendable {
    /// Pinhole camera, OpenCV convention (x right, y down, z forward):
    /// u = f·X/Z + cx, v = f·Y/Z + cy with X = F·x + t, F = diag(1, −1, −1) turning FLAME's
    /// y-up, z-towards-viewer frame into the camera's.
    case perspective
    /// Scaled orthographic: u = s·X + tx, v = s·Y + ty with (X, Y, Z) = F·x (Z unused).
    case weakPerspective
}

/// The camera found by the fit.
///
/// Perspective: intrinsics (fx = fy = `focalLength`, principal point (`cx`, `cy`) = image centre,
/// pixel centres at integer + 0.5) and the head translation `translation` in metres.
/// Weak perspective: `scale` s in pixels per metre and the image offset (tx, ty) =
/// (`translation.x`, `translation.y`) in pixels; `translation.z` is 0.
public struct FitCamera: Codable, Sendable, Equatable {
    public var projection: FitProjection
    public var width: Int
    public var height: Int
    public var focalLength: Double
    public var cx: Double
    public var cy: Double
    public var scale: Double
    public var translation: SIMD3<Double>

    /// Camera coordinates (`FLAMEFit.mesh` vertices) to pixels.
    public func project(_ X: SIMD3<Double>) -> SIMD2<Double> {
        switch projection {
        case .perspective: return SIMD2(focalLength * X.x / X.z + cx, focalLength * X.y / X.z + cy)
        case .weakPerspective: return SIMD2(scale * X.x + translation.x, scale * X.y + translation.y)
        }
    }
}

/// Settings of the landmark fit (Eq. 3). Residuals are pixel errors divided by σ; the cost is
///   Σᵢ ρ(‖π(L_FLAME,i) − L_gt,i‖ / σ) + λβ‖β‖² + λψ‖ψ‖² + λ_jaw‖θ_jaw‖²
/// with ρ the Huber loss (quadratic up to `huberDelta`, linear beyond) — a MAP estimate with
/// FLAME's unit-variance priors when σ is the landmark noise.
public struct FitOptions: Sendable {
    public var projection: FitProjection = .perspective
    /// Focal length in pixels; nil: 2 · max(width, height) (a ~28° field of view, a portrait lens).
    public var focalLength: Double? = nil
    /// How many leading shape (β) and expression (ψ) components are fitted.
    public var shapeComponents = 100
    public var expressionComponents = 50
    /// Tikhonov weights λβ, λψ, λ_jaw.
    public var shapePrior = 1.0
    public var expressionPrior = 1.0
    public var jawPrior = 1.0
    /// Landmark noise σ in pixels; nil: 1 % of the landmarks' bounding-box diagonal.
    public var landmarkSigma: Double? = nil
    /// Huber threshold in units of σ.
    public var huberDelta = 3.0
    /// Iterations of the rigid stage (rotation + camera, inner 51 points) and of the full stage.
    public var rigidIterations = 20
    public var fullIterations = 40

    public init() {}
}

/// The result of `FLAMEFitter.fit`.
public struct FLAMEFit: Sendable {
    public var parameters: FLAMEParameters
    public var camera: FitCamera
    /// The fitted mesh in camera coordinates: `camera.project(vertex)` lands on the image.
    public var mesh: TriangleMesh
    /// The model's landmarks projected into the image, in the order of the targets.
    public var projectedLandmarks: [SIMD2<Double>]
    /// Mean and maximum distance in pixels between projected and target landmarks.
    public var meanError: Double
    public var maxError: Double
    public var iterations: Int
}

extension FitCamera {
    /// The same camera as Geometry's `Camera` (for the rasterizer): a `PinholeCamera`, or for
    /// weak perspective an `OrthographicCamera` with rays starting 1 m in front of the head.
    public var geometryCamera: any Camera {
        switch projection {
        case .perspective:
            return PinholeCamera(fx: Float(focalLength), fy: Float(focalLength), cx: Float(cx), cy: Float(cy),
                                 width: width, height: height)
        case .weakPerspective:
            return OrthographicCamera(scale: Float(scale), offsetX: Float(translation.x), offsetY: Float(translation.y),
                                      width: width, height: height, rayOriginZ: -1)
        }
    }
}

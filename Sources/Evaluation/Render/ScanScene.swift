import Geometry
import SiderCore

/// Everything known about a ground-truth render: image size, pinhole intrinsics, the scan's
/// pose in the camera frame, the lighting and the background.
///
/// Camera frame (OpenCV, as `PinholeCamera`): x right, y down, z forward; pixel
/// u = fx·x/z + cx, v = fy·y/z + cy (pixel centres at integer + 0.5). Scan frame: x right,
/// y up, z towards the viewer (as `james.obj`). The pose is
///
///   x_cam = R_flip · R_y(yaw) · R_x(pitch) · R_z(roll) · (x_scan − c) + (0, 0, D) + o,
///
/// R_flip = diag(1, −1, −1) turning "y up, z to the viewer" into "y down, z forward", c the
/// face centre (`NoWFaceRegion` centre), D the camera distance and o a small lateral offset.
public struct ScanScene: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public var fx: Float, fy: Float, cx: Float, cy: Float
    /// Head pose angles in degrees (yaw about the scan's vertical axis).
    public var yaw: Float, pitch: Float, roll: Float
    /// Scan frame → camera frame (rotation and translation; scale 1).
    public var pose: SimilarityTransform
    public var lighting: SceneLighting
    public var background: SceneBackground
    public var seed: UInt64

    public init(width: Int, height: Int, fx: Float, fy: Float, cx: Float, cy: Float, yaw: Float = 0, pitch: Float = 0,
                roll: Float = 0, pose: SimilarityTransform, lighting: SceneLighting, background: SceneBackground,
                seed: UInt64 = 0) {
        self.width = width; self.height = height
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.yaw = yaw; self.pitch = pitch; self.roll = roll
        self.pose = pose
        self.lighting = lighting
        self.background = background
        self.seed = seed
    }

    /// Ranges the sampler draws from.
    public struct Ranges: Sendable, Equatable {
        public var yaw: ClosedRange<Float> = -30...30
        public var pitch: ClosedRange<Float> = -10...10
        public var roll: ClosedRange<Float> = -8...8
        /// Vertical field of view in degrees.
        public var fieldOfView: ClosedRange<Float> = 18...32
        /// Fraction of the image height the face region's diameter spans.
        public var faceFraction: ClosedRange<Float> = 0.6...0.8
        public var ambient: ClosedRange<Float> = 0.25...0.5
        public var specular: ClosedRange<Float> = 0...0.15
        /// Largest angle between the light and the camera's viewing direction, degrees.
        public var lightSpread: Float = 60
        public init() {}
    }

    /// A scene drawn from `seed`: pose, field of view, distance, lighting, background.
    /// `faceCentre` and `faceRadius` (scan frame) place and size the face in the image.
    public static func sample(seed: UInt64, width: Int = 512, height: Int = 512, faceCentre: SIMD3<Float>,
                              faceRadius: Float, ranges: Ranges = Ranges()) throws -> ScanScene {
        guard width >= 16, height >= 16, width <= 8192, height <= 8192 else {
            throw SiderError(.badInput, "render size \(width)×\(height) outside 16…8192")
        }
        guard faceRadius > 0, faceRadius.isFinite else { throw SiderError(.badInput, "face radius must be positive") }
        var g = SeededGenerator(seed: seed)
        let yaw = g.uniform(ranges.yaw.lowerBound, ranges.yaw.upperBound)
        let pitch = g.uniform(ranges.pitch.lowerBound, ranges.pitch.upperBound)
        let roll = g.uniform(ranges.roll.lowerBound, ranges.roll.upperBound)
        let fov = g.uniform(ranges.fieldOfView.lowerBound, ranges.fieldOfView.upperBound) * .pi / 180
        let f = Float(height) / 2 / tanf(fov / 2)
        let fraction = g.uniform(ranges.faceFraction.lowerBound, ranges.faceFraction.upperBound)
        let distance = f * 2 * faceRadius / (fraction * Float(height))
        let lateral = SIMD3<Float>(g.uniform(-0.05, 0.05) * Float(width), g.uniform(-0.05, 0.05) * Float(height), 0) * distance / f

        let deg = Double.pi / 180
        let flip = Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, -1, 0), SIMD3(0, 0, -1))
        let r = flip * Matrix3.rotation(axisAngle: SIMD3(0, Double(yaw) * deg, 0))
            * Matrix3.rotation(axisAngle: SIMD3(Double(pitch) * deg, 0, 0))
            * Matrix3.rotation(axisAngle: SIMD3(0, 0, Double(roll) * deg))
        let c = SIMD3<Double>(faceCentre)
        let t = SIMD3<Double>(0, 0, Double(distance)) + SIMD3<Double>(lateral) - r * c
        let pose = SimilarityTransform(scale: 1, rotation: r, translation: t)

        // Light: towards-the-light direction in the camera frame, within `lightSpread` of the
        // direction back to the camera (−z), at a uniformly drawn azimuth.
        let spread = g.uniform(10, ranges.lightSpread) * .pi / 180
        let azimuth = g.uniform(0, 2 * .pi)
        let dir = SIMD3<Float>(sinf(spread) * cosf(azimuth), sinf(spread) * sinf(azimuth), -cosf(spread))
        let ambient = g.uniform(ranges.ambient.lowerBound, ranges.ambient.upperBound)
        let warm = g.uniform(-0.06, 0.06)
        let lighting = SceneLighting(ambient: ambient, diffuse: 1.05 - ambient,
                                     specular: g.uniform(ranges.specular.lowerBound, ranges.specular.upperBound),
                                     shininess: g.uniform(10, 40), direction: dir,
                                     colour: SIMD3(1 + warm, 1, 1 - warm))
        let background = SceneBackground.sample(&g)
        return ScanScene(width: width, height: height, fx: f, fy: f, cx: Float(width) / 2, cy: Float(height) / 2,
                         yaw: yaw, pitch: pitch, roll: roll, pose: pose, lighting: lighting,
                         background: background, seed: seed)
    }

    /// The pinhole camera of the image.
    public var camera: PinholeCamera {
        PinholeCamera(fx: fx, fy: fy, cx: cx, cy: cy, width: width, height: height)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Geometry

/// A pinhole camera as recorded in `run.json` (OpenCV convention, pixels).
public struct CameraRecord: Codable, Sendable, Equatable {
    public var fx: Float, fy: Float, cx: Float, cy: Float
    public var width: Int, height: Int
    public init(_ c: PinholeCamera) {
        fx = c.fx; fy = c.fy; cx = c.cx; cy = c.cy; width = c.width; height = c.height
    }
    public var camera: PinholeCamera { PinholeCamera(fx: fx, fy: fy, cx: cx, cy: cy, width: width, height: height) }
}

/// Wall-clock seconds of one stage.
public struct StageTime: Codable, Sendable, Equatable {
    public var stage: String
    public var seconds: Double
    public init(stage: String, seconds: Double) { self.stage = stage; self.seconds = seconds }
}

/// The input photo as run.json records it.
public struct InputRecord: Codable, Sendable, Equatable {
    /// The path given, or a description of an in-memory photo.
    public var name: String
    /// SHA-256 of the file's bytes (of the pixels for an in-memory photo).
    public var sha256: String
    /// Size of the photo as the run used it (after `rotationDegrees`).
    public var width: Int
    public var height: Int
    /// Degrees clockwise the photo was turned so that the face is upright (0, 90, 180, 270);
    /// every image and camera of the run is in the turned photo.
    public var rotationDegrees: Int
}

/// The schema of `run.json`: what was run (the resolved config: `sider reconstruct --config
/// run.json` repeats it), on what, in which frames, how long each stage took, the loss curves.
public struct RunReport: Codable, Sendable {
    public var tool = "sider reconstruct"
    public var version: String
    public var input: InputRecord
    public var config: ReconstructionConfig
    /// Photo pixels → crop pixels: q = (p − (originX, originY))·size/side.
    public var crop: FaceCrop
    public var cameraPhoto: CameraRecord
    public var cameraCrop: CameraRecord
    /// The coarse prior (landmark mesh or FLAME) and how well its landmarks meet the detected ones.
    public var coarsePrior: CoarsePriorRecord?
    /// Camera coordinates → f_θ's frame: x_n = (x − center)/scale.
    public var frame: CoarseFrame
    public var coordinateFrame = "camera coordinates (OpenCV: x right, y down, z forward, metres); images are the crop's pixels, centres at integer + 0.5"
    public var normalsEncoding = "camera-space unit normals, RGB = ((n_x+1)/2, (1-n_y)/2, (1-n_z)/2); a normal facing the camera (0,0,-1) is (0.5,0.5,1); background black"
    public var depthEncoding = "camera z: nearest white, farthest 0.1 grey, over the face's depth range; background black"
    public var rays: Int
    /// Fraction of the face region's rays that meet the final surface (nil when interrupted before the detail stage).
    public var finalHitFraction: Float?
    public var coarseLoss: [CoarseLossRecord]
    /// Per detail iteration: each loss term's value and the total (`LossRecord`).
    public var lossCurve: [LossRecord]
    public var iterations: Int
    public var stopReason: DetailStopReason
    /// The stage a run was interrupted in ("coarse" or "detail"); nil when it finished.
    public var interruptedIn: String?
    public var nonFiniteEvents: [Int]
    public var resumed: Bool
    public var stages: [StageTime]
    /// The detail stage's time by phase (this process's iterations; nil before the stage).
    public var detailProfile: DetailProfile?
    public var outputs: [String]
    /// The intrinsic shader's fitted lighting (nil for a network g_ω or an interrupted run).
    public var lighting: LightingRecord?
}

/// The intrinsic shader's lighting as fitted.
public struct LightingRecord: Codable, Sendable, Equatable {
    public var model = "second-order spherical-harmonics irradiance: S_c(n) = sum_k l[k][c] * Y_k(n), Y = (0.886227, 1.023328 n_x, 1.023328 n_y, 1.023328 n_z, 0.858086 n_x n_y, 0.858086 n_x n_z, 0.858086 n_y n_z, 0.429043 (n_x^2 - n_y^2), 0.247708 (3 n_z^2 - 1)), n camera-space unit normals"
    /// l[k][c]: 9 rows (k) of r, g, b.
    public var coefficients: [[Float]]
    /// shading.png = S / shadingScale (8-bit), so render.png = albedo.png × shading.png × shadingScale.
    public var shadingScale: Float
    /// The specular lobe as fitted (nil without one): render.png = albedo × shading × scale + specular.png.
    public var specular: SpecularRecord?

    public init(coefficients: [[Float]], shadingScale: Float, specular: SpecularRecord? = nil) {
        self.coefficients = coefficients
        self.shadingScale = shadingScale
        self.specular = specular
    }
}

/// The specular lobe s = strength·max(0, n·h)^shininess, h halfway between `direction` (towards
/// the light, camera space) and the direction back to the camera.
public struct SpecularRecord: Codable, Sendable, Equatable {
    public var strength: Float
    public var shininess: Float
    public var direction: [Float]

    public init(_ p: (strength: Float, shininess: Float, direction: SIMD3<Float>)) {
        strength = p.strength
        shininess = p.shininess
        direction = [p.direction.x, p.direction.y, p.direction.z]
    }
}

/// A ray origin + t·direction (direction unit length when made by a camera).
public struct Ray: Sendable, Equatable {
    public var origin: SIMD3<Float>
    public var direction: SIMD3<Float>
    public init(origin: SIMD3<Float>, direction: SIMD3<Float>) {
        self.origin = origin
        self.direction = direction
    }
    public func at(_ t: Float) -> SIMD3<Float> { origin + t * direction }
}

/// A camera mapping camera-space points to image pixels.
///
/// Camera coordinates are OpenCV's: x right, y down, z forward (into the scene); "depth" is the
/// camera-space z. Pixel coordinates are continuous with the top-left corner of the image at
/// (0, 0), so the centre of pixel (i, j) is (i + 0.5, j + 0.5).
public protocol Camera: Sendable {
    var width: Int { get }
    var height: Int { get }
    /// True for a central projection (rasterizers interpolate perspective-correctly).
    var isPerspective: Bool { get }
    /// Pixel coordinates (u, v) of a camera-space point (undefined for z ≤ 0 when perspective).
    func project(_ p: SIMD3<Float>) -> SIMD2<Float>
    /// The camera-space point at pixel (u, v) with camera-space z = `depth`.
    func unproject(_ pixel: SIMD2<Float>, depth: Float) -> SIMD3<Float>
    /// The viewing ray through continuous pixel coordinates (unit direction, pointing into +z).
    func ray(through pixel: SIMD2<Float>) -> Ray
}

extension Camera {
    /// The viewing ray through the centre of pixel (x, y).
    public func ray(x: Int, y: Int) -> Ray { ray(through: SIMD2(Float(x) + 0.5, Float(y) + 0.5)) }

    /// The centre of pixel (x, y) in continuous pixel coordinates.
    public static func pixelCentre(x: Int, y: Int) -> SIMD2<Float> { SIMD2(Float(x) + 0.5, Float(y) + 0.5) }
}

/// A pinhole camera: u = fx·x/z + cx, v = fy·y/z + cy (OpenCV conventions, no distortion).
/// Rays start at the camera centre (the origin) with direction ∝ ((u−cx)/fx, (v−cy)/fy, 1).
public struct PinholeCamera: Camera, Equatable {
    public var fx: Float, fy: Float, cx: Float, cy: Float
    public var width: Int, height: Int

    public init(fx: Float, fy: Float, cx: Float, cy: Float, width: Int, height: Int) {
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.width = width; self.height = height
    }

    /// Square pixels, principal point at the image centre, vertical field of view `fovY` radians.
    public init(fovY: Float, width: Int, height: Int) {
        let f = Float(height) / 2 / tanf(fovY / 2)
        self.init(fx: f, fy: f, cx: Float(width) / 2, cy: Float(height) / 2, width: width, height: height)
    }

    public var isPerspective: Bool { true }

    @inline(__always)
    public func project(_ p: SIMD3<Float>) -> SIMD2<Float> {
        SIMD2(fx * p.x / p.z + cx, fy * p.y / p.z + cy)
    }

    public func unproject(_ pixel: SIMD2<Float>, depth: Float) -> SIMD3<Float> {
        SIMD3((pixel.x - cx) / fx * depth, (pixel.y - cy) / fy * depth, depth)
    }

    public func ray(through pixel: SIMD2<Float>) -> Ray {
        Ray(origin: .zero, direction: normalized(SIMD3((pixel.x - cx) / fx, (pixel.y - cy) / fy, 1)))
    }

    /// The same camera for an image resized by `factor` (pixel-centre convention preserved).
    public func scaled(by factor: Float) -> PinholeCamera {
        PinholeCamera(fx: fx * factor, fy: fy * factor, cx: cx * factor, cy: cy * factor,
                      width: Int((Float(width) * factor).rounded()), height: Int((Float(height) * factor).rounded()))
    }
}

/// An orthographic camera: u = scale·x + offsetX, v = scale·y + offsetY; depth is z.
/// Rays start on the plane z = `rayOriginZ` and point along +z.
public struct OrthographicCamera: Camera, Equatable {
    public var scale: Float
    public var offsetX: Float, offsetY: Float
    public var width: Int, height: Int
    /// z of ray origins (put it in front of everything that should be hit).
    public var rayOriginZ: Float

    public init(scale: Float, offsetX: Float, offsetY: Float, width: Int, height: Int, rayOriginZ: Float = 0) {
        self.scale = scale; self.offsetX = offsetX; self.offsetY = offsetY
        self.width = width; self.height = height; self.rayOriginZ = rayOriginZ
    }

    public var isPerspective: Bool { false }

    @inline(__always)
    public func project(_ p: SIMD3<Float>) -> SIMD2<Float> {
        SIMD2(scale * p.x + offsetX, scale * p.y + offsetY)
    }

    public func unproject(_ pixel: SIMD2<Float>, depth: Float) -> SIMD3<Float> {
        SIMD3((pixel.x - offsetX) / scale, (pixel.y - offsetY) / scale, depth)
    }

    public func ray(through pixel: SIMD2<Float>) -> Ray {
        Ray(origin: unproject(pixel, depth: rayOriginZ), direction: SIMD3(0, 0, 1))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

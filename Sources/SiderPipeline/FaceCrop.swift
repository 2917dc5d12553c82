import SiderCore
import Geometry

/// The square face crop every image output of `sider reconstruct` lives in.
///
/// Math: a square of side `side` photo pixels with top-left corner `origin` is resampled to
/// `size`×`size` crop pixels, so a photo point p maps to crop point q = (p − origin)·s with
/// s = size/side (both in continuous pixel coordinates, pixel centres at integer + 0.5).
/// The square is centred on the landmark box and its side is the box's larger side times
/// (1 + 2·margin).
public struct FaceCrop: Codable, Sendable, Equatable {
    /// Top-left corner of the square in photo pixels.
    public var originX: Float
    public var originY: Float
    /// Side of the square in photo pixels.
    public var side: Float
    /// Side of the crop image in pixels (the paper's 256).
    public var size: Int

    public init(originX: Float, originY: Float, side: Float, size: Int) {
        self.originX = originX
        self.originY = originY
        self.side = side
        self.size = size
    }

    /// The square around a box (minX, minY, maxX, maxY in photo pixels) with `margin`
    /// (fraction of the box's larger side) added on each side.
    public init(box: (minX: Float, minY: Float, maxX: Float, maxY: Float), margin: Float, size: Int) throws {
        let w = box.maxX - box.minX, h = box.maxY - box.minY
        guard w.isFinite, h.isFinite, w > 0, h > 0, size > 0, margin >= 0 else {
            throw SiderError(.badInput, "face box is empty or not finite (\(w)×\(h))")
        }
        let side = max(w, h) * (1 + 2 * margin)
        let cx = (box.minX + box.maxX) / 2, cy = (box.minY + box.maxY) / 2
        self.init(originX: cx - side / 2, originY: cy - side / 2, side: side, size: size)
    }

    /// The bounding square of a set of points (e.g. the 68 landmarks) plus a margin.
    public init(points: [SIMD2<Float>], margin: Float, size: Int) throws {
        guard let first = points.first else { throw SiderError(.badInput, "no landmarks to crop around") }
        var lo = first, hi = first
        for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        try self.init(box: (lo.x, lo.y, hi.x, hi.y), margin: margin, size: size)
    }

    /// Crop pixels per photo pixel.
    public var scale: Float { Float(size) / side }

    /// Photo point → crop point.
    public func toCrop(_ p: SIMD2<Float>) -> SIMD2<Float> {
        (p - SIMD2(originX, originY)) * scale
    }

    /// Crop point → photo point.
    public func toPhoto(_ q: SIMD2<Float>) -> SIMD2<Float> {
        q / scale + SIMD2(originX, originY)
    }

    /// The camera seen in the crop when `photo` is the camera of the photo: f' = s·f,
    /// c' = s·(c − origin). Camera coordinates (the coarse mesh's frame) are unchanged.
    public func cameraInCrop(_ photo: PinholeCamera) -> PinholeCamera {
        let s = scale
        return PinholeCamera(fx: photo.fx * s, fy: photo.fy * s,
                             cx: (photo.cx - originX) * s, cy: (photo.cy - originY) * s,
                             width: size, height: size)
    }

    /// The inverse of `cameraInCrop`: the photo's camera (`width`×`height`) when `crop` is the
    /// camera seen in the crop, f = f'/s, c = c'/s + origin.
    public func cameraInPhoto(_ crop: PinholeCamera, width: Int, height: Int) -> PinholeCamera {
        let s = scale
        return PinholeCamera(fx: crop.fx / s, fy: crop.fy / s, cx: crop.cx / s + originX, cy: crop.cy / s + originY,
                             width: width, height: height)
    }
}

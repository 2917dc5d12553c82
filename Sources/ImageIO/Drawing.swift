import SiderCore

/// Anti-aliased drawing for overlays (landmarks, meshes, plots), in continuous pixel
/// coordinates (pixel centres at integer + 0.5).
///
/// Shapes are painted with coverage α ∈ [0, 1] per pixel, estimated from the distance d of the
/// pixel centre to the shape's outline: α = clamp(r + ½ − d, 0, 1), and blended as
/// pixel ← (1 − α)·pixel + α·colour.
extension RGBImage {
    /// A filled disc of `radius` pixels centred at `p`.
    public mutating func drawPoint(_ p: SIMD2<Float>, radius: Float = 2, color: SIMD3<Float>) {
        let r = max(radius, 0.5)
        guard p.x.isFinite, p.y.isFinite else { return }
        let x0 = max(0, Int((p.x - r - 1).rounded(.down))), x1 = min(width - 1, Int((p.x + r + 1).rounded(.up)))
        let y0 = max(0, Int((p.y - r - 1).rounded(.down))), y1 = min(height - 1, Int((p.y + r + 1).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let d = planarLength(SIMD2(Float(x) + 0.5, Float(y) + 0.5) - p)
                blend(x: x, y: y, color: color, alpha: Self.coverage(radius: r, distance: d))
            }
        }
    }

    /// A segment from `a` to `b` with round caps, `thickness` pixels wide.
    /// Only the rows the segment crosses, and in each row only the x-span it can touch, are visited.
    public mutating func drawLine(from a: SIMD2<Float>, to b: SIMD2<Float>, color: SIMD3<Float>, thickness: Float = 1) {
        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite, width > 0, height > 0 else { return }
        let r = max(thickness, 0.5) / 2
        let reach = r + 1                                   // anything farther has zero coverage
        let ab = b - a, len2 = planarDot(ab, ab)
        let y0 = max(0, Int((min(a.y, b.y) - reach).rounded(.down)))
        let y1 = min(height - 1, Int((max(a.y, b.y) + reach).rounded(.up)))
        guard y0 <= y1 else { return }
        for y in y0...y1 {
            let yc = Float(y) + 0.5
            // Parameter range t ∈ [t0, t1] of segment points within `reach` of this row vertically.
            var t0: Float = 0, t1: Float = 1
            if abs(ab.y) > 1e-6 {
                let ta = (yc - reach - a.y) / ab.y, tb = (yc + reach - a.y) / ab.y
                t0 = max(0, min(ta, tb)); t1 = min(1, max(ta, tb))
                if t0 > t1 { continue }
            } else if abs(yc - a.y) > reach { continue }
            let xa = a.x + t0 * ab.x, xb = a.x + t1 * ab.x
            let x0 = max(0, Int((min(xa, xb) - reach).rounded(.down)))
            let x1 = min(width - 1, Int((max(xa, xb) + reach).rounded(.up)))
            guard x0 <= x1 else { continue }
            for x in x0...x1 {
                let q = SIMD2(Float(x) + 0.5, yc)
                let t = len2 > 0 ? min(max(planarDot(q - a, ab) / len2, 0), 1) : 0
                let d = planarLength(q - (a + t * ab))
                blend(x: x, y: y, color: color, alpha: Self.coverage(radius: r, distance: d))
            }
        }
    }

    /// α = clamp(r + ½ − d, 0, 1), snapped to 1 within float round-off so solid strokes are exact.
    @inlinable static func coverage(radius r: Float, distance d: Float) -> Float {
        let a = r + 0.5 - d
        return a >= 0.9999 ? 1 : max(a, 0)
    }

    /// A polyline through `points` (closed when `closed`).
    public mutating func drawPolyline(_ points: [SIMD2<Float>], color: SIMD3<Float>, thickness: Float = 1, closed: Bool = false) {
        guard points.count >= 2 else { return }
        for i in 1..<points.count { drawLine(from: points[i - 1], to: points[i], color: color, thickness: thickness) }
        if closed { drawLine(from: points[points.count - 1], to: points[0], color: color, thickness: thickness) }
    }

    /// The outline of the axis-aligned rectangle with corners `origin` and `origin + size`.
    public mutating func drawRectangle(origin: SIMD2<Float>, size: SIMD2<Float>, color: SIMD3<Float>, thickness: Float = 1) {
        let p = [origin, origin + SIMD2(size.x, 0), origin + size, origin + SIMD2(0, size.y)]
        drawPolyline(p, color: color, thickness: thickness, closed: true)
    }

    /// pixel(x, y) ← (1 − α)·pixel + α·colour; ignores pixels outside the image and α ≤ 0.
    @inlinable public mutating func blend(x: Int, y: Int, color: SIMD3<Float>, alpha: Float) {
        guard alpha > 0, x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] += alpha * (color.x - pixels[i])
        pixels[i + 1] += alpha * (color.y - pixels[i + 1])
        pixels[i + 2] += alpha * (color.z - pixels[i + 2])
    }

    /// Overlay compositing: (1 − α·mᵢ)·self + α·mᵢ·other per pixel, where mᵢ is `mask[i]`
    /// (row-major, one weight per pixel, typically 0 or 1) or 1 when there is no mask.
    public func blended(with other: RGBImage, alpha: Float, mask: [Float]? = nil) throws -> RGBImage {
        guard other.width == width, other.height == height else {
            throw SiderError(.badInput, "cannot blend a \(other.width)×\(other.height) image onto a \(width)×\(height) one")
        }
        if let mask, mask.count != width * height {
            throw SiderError(.badInput, "blend mask has \(mask.count) values for \(width)×\(height) pixels")
        }
        var out = self
        for p in 0..<(width * height) {
            let k = alpha * (mask?[p] ?? 1)
            for c in 0..<3 { out.pixels[3 * p + c] += k * (other.pixels[3 * p + c] - pixels[3 * p + c]) }
        }
        return out
    }
}

@inlinable func planarDot(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float { (a * b).sum() }
@inlinable func planarLength(_ a: SIMD2<Float>) -> Float { planarDot(a, a).squareRoot() }

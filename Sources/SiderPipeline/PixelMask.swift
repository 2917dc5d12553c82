/// A boolean per-pixel mask (row-major, `width`×`height`): the face region rays are shot through.
public struct PixelMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Bool]

    public init(width: Int, height: Int, values: [Bool]) {
        self.width = width
        self.height = height
        self.values = values.count == width * height ? values : [Bool](repeating: false, count: width * height)
    }

    public init(width: Int, height: Int, fill: Bool = false) {
        self.init(width: width, height: height, values: [Bool](repeating: fill, count: width * height))
    }

    @inlinable public subscript(x: Int, y: Int) -> Bool {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    public var count: Int { values.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Morphological erosion by a square of half-side `radius`: a pixel stays set only if every
    /// pixel within `radius` (Chebyshev distance) is set; outside the image counts as unset.
    /// Removes the silhouette band, where a ray grazes the surface and its colour mixes background.
    public func eroded(radius: Int) -> PixelMask {
        guard radius > 0 else { return self }
        // Separable: rows, then columns.
        func pass(_ src: [Bool], horizontal: Bool) -> [Bool] {
            var out = [Bool](repeating: false, count: src.count)
            for y in 0..<height {
                for x in 0..<width {
                    var ok = true
                    for k in -radius...radius {
                        let xx = horizontal ? x + k : x, yy = horizontal ? y : y + k
                        if xx < 0 || yy < 0 || xx >= width || yy >= height || !src[yy * width + xx] { ok = false; break }
                    }
                    out[y * width + x] = ok
                }
            }
            return out
        }
        return PixelMask(width: width, height: height, values: pass(pass(values, horizontal: true), horizontal: false))
    }

    /// Clears the pixels inside a closed polygon (e.g. the eyes or the inner lips), even–odd rule,
    /// polygon in continuous pixel coordinates.
    public func removingPolygon(_ polygon: [SIMD2<Float>]) -> PixelMask {
        guard polygon.count >= 3 else { return self }
        return filtered { !Self.polygon(polygon, contains: $0) }
    }

    /// Clears the pixels outside a closed polygon (the face region), even–odd rule.
    public func keepingPolygon(_ polygon: [SIMD2<Float>]) -> PixelMask {
        guard polygon.count >= 3 else { return self }
        return filtered { Self.polygon(polygon, contains: $0) }
    }

    /// Keeps a set pixel only where `keep` holds at its centre.
    private func filtered(_ keep: (SIMD2<Float>) -> Bool) -> PixelMask {
        var out = self
        for y in 0..<height {
            for x in 0..<width where values[y * width + x] {
                if !keep(SIMD2(Float(x) + 0.5, Float(y) + 0.5)) { out.values[y * width + x] = false }
            }
        }
        return out
    }

    /// Even–odd point-in-polygon test.
    public static func polygon(_ polygon: [SIMD2<Float>], contains p: SIMD2<Float>) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in 0..<polygon.count {
            let a = polygon[i], b = polygon[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }

    /// The convex hull of `points` (Andrew's monotone chain), counter-clockwise in a y-up frame.
    public static func convexHull(_ points: [SIMD2<Float>]) -> [SIMD2<Float>] {
        let pts = points.filter { $0.x.isFinite && $0.y.isFinite }
            .sorted { $0.x < $1.x || ($0.x == $1.x && $0.y < $1.y) }
        guard pts.count >= 3 else { return pts }
        func cross(_ o: SIMD2<Float>, _ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [SIMD2<Float>] = [], upper: [SIMD2<Float>] = []
        for p in pts {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        for p in pts.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }
}

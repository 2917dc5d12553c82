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
        var out = self
        for y in 0..<height {
            let py = Float(y) + 0.5
            for x in 0..<width where values[y * width + x] {
                let px = Float(x) + 0.5
                var inside = false
                var j = polygon.count - 1
                for i in 0..<polygon.count {
                    let a = polygon[i], b = polygon[j]
                    if (a.y > py) != (b.y > py), px < (b.x - a.x) * (py - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                    j = i
                }
                if inside { out.values[y * width + x] = false }
            }
        }
        return out
    }
}

/// A single-channel float image, e.g. a depth map: row-major, value (x, y) at `values[y * width + x]`.
/// Stored as 16-bit PNG by `PNGEncoder.saveGray16` and read back by `PNGDecoder.loadGray16`.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(width >= 0 && height >= 0 && values.count == width * height,
                     "GrayImage: \(values.count) values for \(width)×\(height)")
        self.width = width
        self.height = height
        self.values = values
    }

    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }
}

extension RGBImage {
    /// Grey to RGB (each channel = the grey value), e.g. to draw over a depth map.
    public init(gray: GrayImage) {
        var p = [Float](repeating: 0, count: gray.values.count * 3)
        for (i, v) in gray.values.enumerated() { p[3 * i] = v; p[3 * i + 1] = v; p[3 * i + 2] = v }
        self.init(width: gray.width, height: gray.height, pixels: p)
    }
}

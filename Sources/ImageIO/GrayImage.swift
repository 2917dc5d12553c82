/// A single-channel float image, e.g. a depth map: row-major, value (x, y) at `values[y * width + x]`.
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

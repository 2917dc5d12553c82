/// A float RGB image: the common currency of every stage.
///
/// Pixels are row-major, interleaved RGB, values in [0, 1]: pixel (x, y) channel c is at
/// `pixels[(y * width + x) * 3 + c]`. Pixel centres are at integer coordinates + 0.5 when
/// mapping to continuous image coordinates (x = 0 is the left edge of the first pixel).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) values for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A constant-colour image.
    public init(width: Int, height: Int, fill: SIMD3<Float> = .zero) {
        self.width = width
        self.height = height
        var p = [Float](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { p[3 * i] = fill.x; p[3 * i + 1] = fill.y; p[3 * i + 2] = fill.z }
        self.pixels = p
    }

    @inlinable public subscript(x: Int, y: Int) -> SIMD3<Float> {
        get {
            let i = (y * width + x) * 3
            return SIMD3(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.x; pixels[i + 1] = newValue.y; pixels[i + 2] = newValue.z
        }
    }
}

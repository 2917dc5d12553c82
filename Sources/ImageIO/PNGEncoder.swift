import CPNG
import Foundation
import SiderCore

/// Encodes PNG through libpng's simplified writer (`png_image_write_to_memory`).
///
/// `encode` writes 8-bit sRGB RGB with values clamped to [0, 1] and rounded (v·255 + ½).
/// `encodeGray16` writes 16-bit linear grey (gAMA 1.0) for depth maps: stored sample
/// round(clamp(v, 0, 1)·65535). NaN or infinite values are rejected (`.numerical`).
public enum PNGEncoder {
    public static func encode(_ image: RGBImage) throws -> Data {
        guard image.width > 0, image.height > 0 else {
            throw SiderError(.badInput, "cannot encode an empty \(image.width)×\(image.height) image as PNG")
        }
        let bytes = try ByteConversion.rgbBytes(from: image)
        return try write(bytes, width: image.width, height: image.height, format: UInt32(PNG_FORMAT_RGB))
    }

    /// Encodes and writes atomically (temporary file + rename).
    public static func save(_ image: RGBImage, to url: URL) throws {
        try AtomicFile.write(try encode(image), to: url)
    }

    /// 16-bit linear greyscale PNG from row-major `values` in [0, 1] (clamped).
    public static func encodeGray16(values: [Float], width: Int, height: Int) throws -> Data {
        guard width > 0, height > 0, values.count == width * height else {
            throw SiderError(.badInput, "cannot encode \(values.count) values as a \(width)×\(height) PNG")
        }
        var samples = [UInt16](repeating: 0, count: values.count)
        for i in 0..<values.count {
            let v = values[i]
            guard v.isFinite else { throw SiderError(.numerical, "depth map has NaN or infinite values") }
            samples[i] = UInt16(min(max(v, 0), 1) * 65535 + 0.5)
        }
        return try write(samples, width: width, height: height, format: UInt32(PNG_FORMAT_LINEAR_Y))
    }

    /// Encodes a `GrayImage` with `encodeGray16` and writes it atomically.
    public static func saveGray16(_ image: GrayImage, to url: URL) throws {
        try AtomicFile.write(try encodeGray16(values: image.values, width: image.width, height: image.height), to: url)
    }

    private static func write<T>(_ samples: [T], width: Int, height: Int, format: UInt32) throws -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        // Generous first guess (raw size + zlib/PNG overhead); retried once with the exact size.
        var capacity = samples.count * MemoryLayout<T>.size + height + 4096
        for _ in 0..<2 {
            var out = Data(count: capacity)
            var size = capacity
            let ok = out.withUnsafeMutableBytes { dst in
                samples.withUnsafeBytes { src in
                    png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress, 0, nil)
                }
            }
            if ok != 0 { return out.prefix(size) }
            guard size > capacity else { break }
            capacity = size
        }
        throw SiderError(.io, "cannot encode PNG (\(width)×\(height))")
    }
}

import CPNG
import Foundation
import SiderCore

/// Decodes PNG through libpng's simplified API (`png_image_begin_read_from_memory` /
/// `png_image_finish_read`), which handles every colour type and bit depth: grey, grey+alpha,
/// RGB, RGBA and palette, 1–16 bits.
///
/// For `RGBImage`s the output is 8-bit sRGB: **alpha is composited onto black** (a pixel with
/// colour c and alpha a becomes a·c), and 16-bit files without gAMA/sRGB chunks are taken to be
/// sRGB-encoded like most tools write them (`PNG_IMAGE_FLAG_16BIT_sRGB`). Files carrying a gAMA
/// chunk are converted to sRGB by libpng.
public enum PNGDecoder {
    /// Decodes any PNG to RGB in [0, 1].
    public static func decode(_ data: Data, name: String = "PNG data") throws -> RGBImage {
        var black = png_color(red: 0, green: 0, blue: 0)
        let (raw, w, h) = try read(data, name: name, format: UInt32(PNG_FORMAT_RGB),
                                   flags: UInt32(PNG_IMAGE_FLAG_16BIT_sRGB), background: &black,
                                   sample: UInt8.self, channels: 3)
        let pixels = raw.withUnsafeBufferPointer {
            ByteConversion.rgbFloats(from: $0.baseAddress!, pixelCount: w * h, channels: 3)
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    /// Decodes a PNG as linear 16-bit grey, values v/65535 in [0, 1] — the inverse of
    /// `PNGEncoder.encodeGray16`. Files written by that encoder (gAMA 1.0) and 16-bit files without
    /// colour chunks come back as stored; colour or sRGB-tagged files are converted by libpng to
    /// linear-light luminance (alpha composited on black).
    public static func decodeGray16(_ data: Data, name: String = "PNG data") throws -> GrayImage {
        let (raw, w, h) = try read(data, name: name, format: UInt32(PNG_FORMAT_LINEAR_Y), flags: 0,
                                   background: nil, sample: UInt16.self, channels: 1)
        return GrayImage(width: w, height: h, values: raw.map { Float($0) / 65535 })
    }

    /// Reads the file at `url` with `decodeGray16`.
    public static func loadGray16(_ url: URL) throws -> GrayImage {
        try decodeGray16(try AtomicFile.read(url), name: url.path)
    }

    /// Header, size check and pixel read in one pass over `data`'s bytes (libpng keeps a pointer
    /// to them between begin and finish, so both must happen while the buffer is pinned).
    private static func read<T: FixedWidthInteger>(_ data: Data, name: String, format: UInt32, flags: UInt32,
                                                  background: UnsafePointer<png_color>?, sample: T.Type,
                                                  channels: Int) throws -> ([T], Int, Int) {
        try data.withUnsafeBytes { buf -> ([T], Int, Int) in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, buf.baseAddress, buf.count) != 0 else {
                throw failure(image, name: name)
            }
            let w = Int(image.width), h = Int(image.height)
            do {
                try ImageDecoder.checkSize(width: w, height: h, name: name)
                try ImageDecoder.checkPlausible(width: w, height: h, byteCount: buf.count, pixelsPerByte: 8_300, name: name)
            } catch {
                png_image_free(&image)
                throw error
            }
            image.format = format
            image.flags |= flags
            var raw = [T](repeating: 0, count: w * h * channels)
            let ok = raw.withUnsafeMutableBytes { dst in
                png_image_finish_read(&image, background, dst.baseAddress, 0, nil)
            }
            guard ok != 0 else { throw failure(image, name: name) }
            return (raw, w, h)
        }
    }

    private static func failure(_ image: png_image, name: String) -> SiderError {
        var message = image.message
        let text = withUnsafeBytes(of: &message) { raw -> String in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[0..<end], as: UTF8.self)
        }
        return SiderError(.badInput, "\(name): cannot decode PNG (\(text.isEmpty ? "unknown error" : text); truncated or damaged file?)")
    }
}

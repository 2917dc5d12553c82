import CTurboJPEG
import Foundation
import SiderCore

/// Encodes RGB images as baseline JPEG through TurboJPEG (`tjCompress2`, 4:4:4 by default).
/// Values are clamped to [0, 1] and rounded to 8 bits; NaN/Inf are rejected (`.numerical`).
public enum JPEGEncoder {
    /// - Parameters:
    ///   - quality: 1…100.
    ///   - subsample: chroma subsampling; 4:4:4 keeps colour edges exact (tests rely on it).
    public static func encode(_ image: RGBImage, quality: Int = 92, subsample420: Bool = false) throws -> Data {
        guard image.width > 0, image.height > 0 else {
            throw SiderError(.badInput, "cannot encode an empty \(image.width)×\(image.height) image as JPEG")
        }
        guard (1...100).contains(quality) else { throw SiderError(.badInput, "JPEG quality \(quality) outside 1…100") }
        let rgb = try ByteConversion.rgbBytes(from: image)
        guard let handle = tjInitCompress() else { throw SiderError(.io, "cannot initialise the JPEG encoder") }
        defer { tjDestroy(handle) }
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let sub = subsample420 ? TJSAMP_420 : TJSAMP_444
        let status = rgb.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                        &jpeg, &size, Int32(sub.rawValue), Int32(quality), 0)
        }
        defer { if let jpeg { tjFree(jpeg) } }
        guard status == 0, let jpeg else {
            throw SiderError(.io, "cannot encode JPEG (\(JPEGDecoder.errorString(handle)))")
        }
        return Data(bytes: jpeg, count: Int(size))
    }

    /// Encodes and writes atomically.
    public static func save(_ image: RGBImage, to url: URL, quality: Int = 92) throws {
        try AtomicFile.write(try encode(image, quality: quality), to: url)
    }
}

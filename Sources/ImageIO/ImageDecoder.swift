import Foundation
import SiderCore

/// Turns encoded image bytes into an `RGBImage`, whatever the container.
///
/// The format is sniffed from the magic bytes, never from the file extension:
/// JPEG (`FF D8 FF`, EXIF orientation applied), PNG (`89 P N G \r \n 1A \n`) and binary
/// PPM/PGM (`P6` / `P5`). Every failure — missing or empty file, text, truncated data,
/// unknown format, zero or absurd size — throws a one-line `SiderError` that names the
/// file where one is known.
public enum ImageDecoder {
    /// Largest accepted side and pixel count; anything beyond is treated as a damaged header.
    public static let maxSide = 32_768
    public static let maxPixels = 100 * 1024 * 1024

    /// The containers `decode` recognises.
    public enum Format: String, Sendable {
        case jpeg = "JPEG", png = "PNG", pnm = "PPM/PGM"
    }

    /// Reads and decodes the image at `url`.
    public static func load(_ url: URL) throws -> RGBImage {
        let data = try AtomicFile.read(url)
        return try decode(data, name: url.path)
    }

    /// Decodes in-memory image bytes. `name` (a path or label) is put in error messages.
    public static func decode(_ data: Data, name: String? = nil) throws -> RGBImage {
        let label = name ?? "image data"
        guard let format = try sniff(data, name: label) else {
            throw SiderError(.badInput, "\(label): unknown image format (expected JPEG, PNG or binary PPM/PGM)")
        }
        switch format {
        case .jpeg: return try JPEGDecoder.decode(data, name: label)
        case .png: return try PNGDecoder.decode(data, name: label)
        case .pnm: return try PNMDecoder.decode(data, name: label)
        }
    }

    /// The format of `data` from its first bytes, nil when unrecognised.
    /// Throws for empty data and for data that is plainly text, to give a clearer message.
    public static func sniff(_ data: Data, name: String = "image data") throws -> Format? {
        guard !data.isEmpty else { throw SiderError(.badInput, "\(name): empty file") }
        let head = [UInt8](data.prefix(8))
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3, head[0] == UInt8(ascii: "P"), head[1] == UInt8(ascii: "5") || head[1] == UInt8(ascii: "6"),
           PNMDecoder.isWhitespace(head[2]) || head[2] == UInt8(ascii: "#") {
            return .pnm
        }
        if looksLikeText(data.prefix(512)) {
            throw SiderError(.badInput, "\(name): not an image (looks like a text file)")
        }
        return nil
    }

    /// True when every byte of `bytes` is printable ASCII, whitespace or UTF-8 continuation.
    static func looksLikeText(_ bytes: Data) -> Bool {
        bytes.allSatisfy { b in b == 9 || b == 10 || b == 13 || (b >= 32 && b != 127) }
    }

    /// Refuses a header whose pixel count the compressed bytes could not possibly hold, before
    /// anything is allocated for it. `pixelsPerByte` is the format's best compression: deflate
    /// inflates at most 1032:1 and a 1-bit PNG packs 8 pixels a byte (≈ 8 300 pixels per byte);
    /// a JPEG spends at least one bit per 8×8 block (512 pixels per byte; 1 024 allowed).
    static func checkPlausible(width: Int, height: Int, byteCount: Int, pixelsPerByte: Int, name: String) throws {
        let pixels = width * height   // both ≤ maxSide (checkSize ran first)
        guard pixels <= pixelsPerByte * byteCount + 65_536 else {
            throw SiderError(.badInput, "\(name): header claims \(width)×\(height) pixels but the file has only \(byteCount) bytes (truncated or damaged)")
        }
    }

    /// Validates decoded dimensions, shared by every decoder.
    static func checkSize(width: Int, height: Int, name: String) throws {
        guard width > 0, height > 0 else {
            throw SiderError(.badInput, "\(name): image has zero size (\(width)×\(height))")
        }
        guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
            throw SiderError(.badInput, "\(name): image size \(width)×\(height) is too large (damaged header?)")
        }
    }
}

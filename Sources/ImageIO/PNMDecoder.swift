import Foundation
import SiderCore

/// Decodes binary Netpbm images: PPM (`P6`, RGB) and PGM (`P5`, grey).
///
/// Header: magic, width, height, maxval as ASCII decimals separated by whitespace, with `#`
/// comments running to the end of a line anywhere between them; exactly one whitespace byte
/// ends the header. maxval 1…255 means one byte per sample, 256…65535 two bytes, big-endian.
/// Samples are divided by maxval (values above it are clamped to 1).
enum PNMDecoder {
    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

    static func decode(_ data: Data, name: String) throws -> RGBImage {
        let bytes = [UInt8](data)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"),
              bytes[1] == UInt8(ascii: "5") || bytes[1] == UInt8(ascii: "6") else {
            throw SiderError(.badInput, "\(name): not a binary PPM/PGM file")
        }
        let channels = bytes[1] == UInt8(ascii: "6") ? 3 : 1
        var i = 2

        func number(_ what: String) throws -> Int {
            // Skip whitespace and comments.
            while i < bytes.count {
                if isWhitespace(bytes[i]) { i += 1 } else if bytes[i] == UInt8(ascii: "#") {
                    while i < bytes.count, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                } else { break }
            }
            var value = 0, digits = 0
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
                value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                digits += 1; i += 1
                guard value < 1 << 31 else { throw SiderError(.badInput, "\(name): PPM/PGM \(what) is too large") }
            }
            guard digits > 0 else { throw SiderError(.badInput, "\(name): damaged PPM/PGM header (missing \(what))") }
            return value
        }

        let w = try number("width"), h = try number("height"), maxval = try number("maxval")
        guard i < bytes.count, isWhitespace(bytes[i]) else {
            throw SiderError(.badInput, "\(name): damaged PPM/PGM header (no data after it)")
        }
        i += 1
        try ImageDecoder.checkSize(width: w, height: h, name: name)
        guard (1...65535).contains(maxval) else {
            throw SiderError(.badInput, "\(name): PPM/PGM maxval \(maxval) outside 1…65535")
        }
        let sampleBytes = maxval > 255 ? 2 : 1
        let count = w * h * channels
        guard bytes.count - i >= count * sampleBytes else {
            throw SiderError(.badInput, "\(name): truncated PPM/PGM (\(bytes.count - i) of \(count * sampleBytes) data bytes)")
        }
        let denominator = Float(maxval)
        var pixels = [Float](repeating: 0, count: w * h * 3)
        for s in 0..<count {
            let o = i + s * sampleBytes
            let raw = sampleBytes == 2 ? Int(bytes[o]) << 8 | Int(bytes[o + 1]) : Int(bytes[o])
            let v = min(Float(raw) / denominator, 1)
            if channels == 3 { pixels[s] = v } else { pixels[3 * s] = v; pixels[3 * s + 1] = v; pixels[3 * s + 2] = v }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }
}

import Foundation
import Testing
import ImageIO
import SiderCore

/// Shared fixtures: synthetic images and a hand-made PNG writer that is independent of libpng
/// (stored, uncompressed deflate blocks), so decoding is checked against bytes we laid out ourselves.
enum Fixture {
    /// An image whose every pixel differs: R = x/(w−1), G = y/(h−1), B = ((x·7 + y·13) mod 256)/255.
    static func gradient(width w: Int, height h: Int) -> RGBImage {
        var img = RGBImage(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                img[x, y] = SIMD3(Float(x) / Float(max(w - 1, 1)), Float(y) / Float(max(h - 1, 1)),
                                  Float((x * 7 + y * 13) % 256) / 255)
            }
        }
        return img
    }

    /// Quadrants of solid colour: top-left red, top-right green, bottom-left blue, bottom-right white.
    static let red = SIMD3<Float>(1, 0, 0), green = SIMD3<Float>(0, 1, 0), blue = SIMD3<Float>(0, 0, 1), white = SIMD3<Float>(1, 1, 1)
    static func quadrants(width w: Int, height h: Int) -> RGBImage {
        var img = RGBImage(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let left = x < w / 2, top = y < h / 2
                img[x, y] = top ? (left ? red : green) : (left ? blue : white)
            }
        }
        return img
    }

    static func sampleData(_ name: String) throws -> Data {
        try Data(contentsOf: DataPaths.sample(name))
    }

    static func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Float {
        zip(a.pixels, b.pixels).map { abs($0 - $1) }.max() ?? 0
    }

    /// Asserts that `body` throws a `SiderError` (and nothing else), returning it.
    @discardableResult
    static func expectSiderError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> SiderError? {
        do {
            try body()
            Issue.record("expected a SiderError, nothing was thrown", sourceLocation: sourceLocation)
        } catch let e as SiderError {
            #expect(!e.message.contains("\n"), sourceLocation: sourceLocation)
            return e
        } catch {
            Issue.record("expected a SiderError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }
}

/// Builds PNG files byte by byte: signature, IHDR, optional PLTE/tRNS, one IDAT holding a zlib
/// stream of stored deflate blocks (filter type 0 on every row), IEND.
enum HandMadePNG {
    enum ColorType: UInt8 { case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6 }

    /// `rows`: each row's packed sample bytes (big-endian for 16-bit, MSB-first for < 8 bits).
    static func make(width: Int, height: Int, bitDepth: UInt8, colorType: ColorType, rows: [[UInt8]],
                     palette: [[UInt8]] = [], transparency: [UInt8] = []) -> Data {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = be32(width) + be32(height)
        ihdr += [bitDepth, colorType.rawValue, 0, 0, 0]
        png += chunk("IHDR", ihdr)
        if !palette.isEmpty { png += chunk("PLTE", palette.flatMap { $0 }) }
        if !transparency.isEmpty { png += chunk("tRNS", transparency) }
        var raw: [UInt8] = []
        for r in rows { raw.append(0); raw += r }
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return Data(png)
    }

    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 255), UInt8(v & 255)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(data.count) + body + be32(Int(crc32(body)))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, data.count - i)
            let final: UInt8 = i + n == data.count ? 1 : 0
            out += [final, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8((~n >> 8) & 255)]
            out += data[i..<(i + n)]
            i += n
        } while i < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return out + be32(Int(b << 16 | a))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}

/// Largest absolute component of a colour difference.
func maxAbs(_ v: SIMD3<Float>) -> Float { max(abs(v.x), abs(v.y), abs(v.z)) }

import CTurboJPEG
import Foundation
import Testing
import ImageIO
import SiderCore

@Suite("JPEG decoding")
struct JPEGTests {
    @Test func obamaSample() throws {
        let img = try ImageDecoder.load(DataPaths.sample("obama2.jpg"))
        #expect(img.width == 626 && img.height == 1200)
        let n = Float(img.width * img.height)
        var mean = SIMD3<Float>.zero
        for p in 0..<(img.width * img.height) { mean += SIMD3(img.pixels[3 * p], img.pixels[3 * p + 1], img.pixels[3 * p + 2]) / n }
        #expect(mean.min() > 0.1 && mean.max() < 0.9)
        // A colour photo: some pixels are clearly not grey.
        var chroma: Float = 0
        for p in 0..<(img.width * img.height) {
            let c = SIMD3(img.pixels[3 * p], img.pixels[3 * p + 1], img.pixels[3 * p + 2])
            chroma = max(chroma, c.max() - c.min())
        }
        #expect(chroma > 0.2)
    }

    @Test func einsteinIsGreyscale() throws {
        let img = try ImageDecoder.load(DataPaths.sample("einstein.jpg"))
        #expect(img.width == 817 && img.height == 1024)
        for p in stride(from: 0, to: img.width * img.height, by: 97) {
            #expect(img.pixels[3 * p] == img.pixels[3 * p + 1] && img.pixels[3 * p + 1] == img.pixels[3 * p + 2])
        }
        let mean = img.pixels.reduce(0, +) / Float(img.pixels.count)
        #expect(mean > 0.1 && mean < 0.9)
    }

    @Test func encodeDecodeRoundTrip() throws {
        let img = Fixture.quadrants(width: 48, height: 32)
        let back = try ImageDecoder.decode(try JPEGEncoder.encode(img, quality: 95))
        #expect(back.width == 48 && back.height == 32)
        for (x, y) in [(5, 5), (40, 5), (5, 28), (40, 28)] {
            #expect(maxAbs(back[x, y] - img[x, y]) < 0.03)
        }
    }

    /// Every EXIF orientation, in both TIFF byte orders, against the tag's textual definition:
    /// the displayed quadrant colours (TL, TR, BL, BR) of a stored image with TL red, TR green,
    /// BL blue, BR white.
    @Test(arguments: [false, true]) func exifOrientation(bigEndian: Bool) throws {
        let (r, g, b, w) = (Fixture.red, Fixture.green, Fixture.blue, Fixture.white)
        let expected: [Int: [SIMD3<Float>]] = [
            1: [r, g, b, w], 2: [g, r, w, b], 3: [w, b, g, r], 4: [b, w, r, g],
            5: [r, b, g, w], 6: [b, r, w, g], 7: [w, g, b, r], 8: [g, w, r, b],
        ]
        let stored = Fixture.quadrants(width: 64, height: 32)
        let jpeg = try JPEGEncoder.encode(stored, quality: 95)
        for orientation in 1...8 {
            let data = Self.insertingExif(orientation: orientation, bigEndian: bigEndian, into: jpeg)
            let img = try ImageDecoder.decode(data)
            let swapped = orientation >= 5
            #expect(img.width == (swapped ? 32 : 64) && img.height == (swapped ? 64 : 32), "orientation \(orientation)")
            let qx = [img.width / 4, 3 * img.width / 4], qy = [img.height / 4, 3 * img.height / 4]
            let seen = [img[qx[0], qy[0]], img[qx[1], qy[0]], img[qx[0], qy[1]], img[qx[1], qy[1]]]
            for (s, e) in zip(seen, expected[orientation]!) {
                #expect(maxAbs(s - e) < 0.05, "orientation \(orientation): got \(s), want \(e)")
            }
        }
    }

    @Test func orientationStoredAsLongIsAccepted() throws {
        let jpeg = try JPEGEncoder.encode(Fixture.quadrants(width: 16, height: 8))
        for bigEndian in [false, true] {
            let img = try ImageDecoder.decode(Self.insertingExif(orientation: 8, bigEndian: bigEndian, into: jpeg, asLong: true))
            #expect(img.width == 8 && img.height == 16)
            #expect(maxAbs(img[2, 2] - Fixture.green) < 0.05)
        }
    }

    @Test func malformedExifIsIgnored() throws {
        let jpeg = try JPEGEncoder.encode(Fixture.quadrants(width: 16, height: 8))
        var bad = [UInt8](Self.insertingExif(orientation: 6, bigEndian: false, into: jpeg))
        bad[2 + 4 + 6 + 2] = 99   // break the TIFF magic 42
        let img = try ImageDecoder.decode(Data(bad))
        #expect(img.width == 16 && img.height == 8)
        #expect(ExifOrientation.read(fromJPEG: [0xFF, 0xD8, 0xFF, 0xE1, 0x00]) == .identity)
        #expect(ExifOrientation(9) == .identity)
    }

    @Test func greyscaleJPEGBecomesRGB() throws {
        let grey = (0..<(16 * 8)).map { UInt8(($0 * 5) % 256) }
        let data = try Self.compress(grey, width: 16, height: 8, pixelFormat: TJPF_GRAY, subsamp: TJSAMP_GRAY)
        let img = try ImageDecoder.decode(data)
        #expect(img.width == 16 && img.height == 8)
        let isGrey = (0..<(16 * 8)).allSatisfy { (p: Int) -> Bool in img[p % 16, p / 16].x == img[p % 16, p / 16].z }
        #expect(isGrey)
        #expect(abs(img[7, 3].x - Float(grey[3 * 16 + 7]) / 255) < 0.1)
    }

    /// CMYK is stored inverted (Adobe/libjpeg-turbo convention): pure red is C=255 M=0 Y=0 K=255.
    @Test func cmykJPEGBecomesRGB() throws {
        let colours: [[UInt8]] = [[255, 0, 0, 255], [0, 255, 0, 255], [255, 255, 255, 128], [255, 255, 0, 255]]
        var cmyk: [UInt8] = []
        for y in 0..<16 { for x in 0..<16 { cmyk += colours[(y / 8) * 2 + x / 8] } }
        let data = try Self.compress(cmyk, width: 16, height: 16, pixelFormat: TJPF_CMYK, subsamp: TJSAMP_444)
        let img = try ImageDecoder.decode(data)
        let want: [SIMD3<Float>] = [Fixture.red, Fixture.green, SIMD3(repeating: 128 / 255), SIMD3(1, 1, 0)]
        for (i, (x, y)) in [(4, 4), (12, 4), (4, 12), (12, 12)].enumerated() {
            #expect(maxAbs(img[x, y] - want[i]) < 0.05, "\(i): \(img[x, y])")
        }
    }

    // MARK: helpers

    /// Inserts an APP1 Exif segment with one IFD0 entry (0x0112 SHORT = orientation) after SOI.
    static func insertingExif(orientation: Int, bigEndian: Bool, into jpeg: Data, asLong: Bool = false) -> Data {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 255)] : [UInt8(v & 255), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)                                   // header, IFD0 at offset 8
        tiff += u16(2)                                             // two entries
        tiff += u16(0x010F) + u16(2) + u32(4) + Array("Cam\0".utf8) // Make (ASCII, inline), not ours
        tiff += u16(0x0112) + (asLong ? u16(4) + u32(1) + u32(orientation) : u16(3) + u32(1) + u16(orientation) + [0, 0])
        tiff += u32(0)                                             // no next IFD
        let payload = Array("Exif\0\0".utf8) + tiff
        let segment: [UInt8] = [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 255)] + payload
        let bytes = [UInt8](jpeg)
        return Data(Array(bytes[0..<2]) + segment + Array(bytes[2...]))
    }

    static func compress(_ pixels: [UInt8], width: Int, height: Int, pixelFormat: TJPF, subsamp: TJSAMP) throws -> Data {
        let handle = try #require(tjInitCompress())
        defer { tjDestroy(handle) }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height), Int32(pixelFormat.rawValue),
                        &out, &size, Int32(subsamp.rawValue), 95, 0)
        }
        defer { if let out { tjFree(out) } }
        try #require(status == 0)
        return Data(bytes: try #require(out), count: Int(size))
    }
}

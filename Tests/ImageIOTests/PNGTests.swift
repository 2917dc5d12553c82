import Foundation
import Testing
@testable import ImageIO
import SiderCore

@Suite("PNG decoding and encoding")
struct PNGTests {
    @Test func rgbRoundTripIsExactOn8BitValues() throws {
        var img = Fixture.gradient(width: 37, height: 23)
        img.pixels = img.pixels.map { ($0 * 255).rounded() / 255 }
        let png = try PNGEncoder.encode(img)
        #expect(try ImageDecoder.sniff(png) == .png)
        let back = try ImageDecoder.decode(png)
        #expect(back.width == 37 && back.height == 23)
        #expect(Fixture.maxDifference(back, img) < 1e-6)
    }

    @Test func encodeClampsOutOfRangeValues() throws {
        let img = RGBImage(width: 2, height: 1, pixels: [-0.5, 1.5, 0.5, 2, -1, 0])
        let back = try ImageDecoder.decode(try PNGEncoder.encode(img))
        #expect(back.pixels == [0, 1, 128 / 255, 1, 0, 0])
    }

    @Test func encodeRejectsNaN() {
        let img = RGBImage(width: 1, height: 1, pixels: [.nan, 0, 0])
        Fixture.expectSiderError { _ = try PNGEncoder.encode(img) }
    }

    @Test func gray16RoundTripKeeps16BitPrecision() throws {
        let w = 19, h = 11
        let values = (0..<(w * h)).map { Float($0 * 311 % 65536) / 65535 }
        let png = try PNGEncoder.encodeGray16(values: values, width: w, height: h)
        let back = try PNGDecoder.decodeGray16(png)
        #expect(back.width == w && back.height == h)
        let err = zip(back.values, values).map { abs($0 - $1) }.max() ?? 1
        #expect(err < 0.5 / 65535 + 1e-7)
    }

    @Test func saveWritesAFileThatLoadsBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imageio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var img = Fixture.quadrants(width: 8, height: 6)
        img[3, 2] = SIMD3(0.2, 0.4, 0.6)
        let url = dir.appendingPathComponent("q.png")
        try PNGEncoder.save(img, to: url)
        let back = try ImageDecoder.load(url)
        #expect(Fixture.maxDifference(back, img) <= 0.5 / 255 + 1e-6)

        let depth = GrayImage(width: 3, height: 2, values: [0, 0.25, 0.5, 0.75, 1, 0.125])
        let durl = dir.appendingPathComponent("d.png")
        try PNGEncoder.saveGray16(depth, to: durl)
        let dback = try PNGDecoder.loadGray16(durl)
        #expect(RGBImage(gray: depth)[1, 0] == SIMD3(repeating: 0.25))
        #expect(zip(dback.values, depth.values).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    // MARK: every colour type, from hand-made files

    @Test func grey8() throws {
        let rows: [[UInt8]] = [[0, 64, 255], [10, 200, 128]]
        let img = try PNGDecoder.decode(HandMadePNG.make(width: 3, height: 2, bitDepth: 8, colorType: .grey, rows: rows))
        for y in 0..<2 { for x in 0..<3 { #expect(img[x, y] == SIMD3(repeating: Float(rows[y][x]) / 255)) } }
    }

    @Test func grey1Bit() throws {
        // 10 pixels: 1010011101 packed MSB first → 0b10100111, 0b01000000
        let img = try ImageDecoder.decode(HandMadePNG.make(width: 10, height: 1, bitDepth: 1, colorType: .grey,
                                                           rows: [[0b1010_0111, 0b0100_0000]]))
        let expected: [Float] = [1, 0, 1, 0, 0, 1, 1, 1, 0, 1]
        #expect((0..<10).map { img[$0, 0].y } == expected)
    }

    @Test func grey16IsReducedTo8BitAndKeptRawForDepth() throws {
        let samples = [0, 257 * 100, 65535, 30000]
        let data = HandMadePNG.make(width: 4, height: 1, bitDepth: 16, colorType: .grey,
                                    rows: [samples.flatMap { HandMadePNG.be16($0) }])
        let img = try ImageDecoder.decode(data)
        for (x, s) in samples.enumerated() {
            #expect(abs(img[x, 0].x - Float(s) / 65535) <= 1 / 255 + 1e-6)
            #expect(img[x, 0].x == img[x, 0].y && img[x, 0].y == img[x, 0].z)
        }
        let depth = try PNGDecoder.decodeGray16(data)
        #expect(depth.values == samples.map { Float($0) / 65535 })
    }

    @Test func greyAlphaIsCompositedOnBlack() throws {
        // (grey, alpha) pairs: opaque 200, transparent 200, half 200
        let data = HandMadePNG.make(width: 3, height: 1, bitDepth: 8, colorType: .greyAlpha,
                                    rows: [[200, 255, 200, 0, 200, 128]])
        let img = try ImageDecoder.decode(data)
        #expect(img[0, 0] == SIMD3(repeating: 200 / 255))
        #expect(img[1, 0] == .zero)
        #expect(img[2, 0].x > 0.2 && img[2, 0].x < 200 / 255)
    }

    @Test func rgb8() throws {
        let data = HandMadePNG.make(width: 2, height: 2, bitDepth: 8, colorType: .rgb,
                                    rows: [[255, 0, 0, 0, 255, 0], [0, 0, 255, 10, 20, 30]])
        let img = try ImageDecoder.decode(data)
        #expect(img[0, 0] == Fixture.red && img[1, 0] == Fixture.green && img[0, 1] == Fixture.blue)
        #expect(img[1, 1] == SIMD3<Float>(10, 20, 30) / 255)
    }

    @Test func rgb16() throws {
        let s = [65535, 0, 32768, 1000, 50000, 12345]
        let data = HandMadePNG.make(width: 2, height: 1, bitDepth: 16, colorType: .rgb, rows: [s.flatMap { HandMadePNG.be16($0) }])
        let img = try ImageDecoder.decode(data)
        for i in 0..<6 { #expect(abs(img.pixels[i] - Float(s[i]) / 65535) <= 1 / 255 + 1e-6) }
    }

    @Test func rgbaCompositedOnBlack() throws {
        let data = HandMadePNG.make(width: 3, height: 1, bitDepth: 8, colorType: .rgba,
                                    rows: [[10, 100, 250, 255, 200, 200, 200, 0, 255, 128, 0, 128]])
        let img = try ImageDecoder.decode(data)
        #expect(img[0, 0] == SIMD3<Float>(10, 100, 250) / 255)
        #expect(img[1, 0] == .zero)
        // Half coverage: libpng composites in linear light, so the result lies between black
        // and the linear-light half, sRGB-encoded (≈ 0.735 for full red).
        #expect(abs(img[2, 0].x - 0.735) < 0.02)
        #expect(img[2, 0].z == 0)
    }

    @Test func rgba16() throws {
        let s = [65535, 32768, 0, 65535, 1, 2, 3, 0]
        let data = HandMadePNG.make(width: 2, height: 1, bitDepth: 16, colorType: .rgba, rows: [s.flatMap { HandMadePNG.be16($0) }])
        let img = try ImageDecoder.decode(data)
        #expect(abs(img[0, 0].x - 1) < 1e-6 && abs(img[0, 0].y - 0.5) <= 1 / 255 && img[0, 0].z == 0)
        #expect(img[1, 0] == .zero)
    }

    @Test func palette2BitWithTransparency() throws {
        let palette: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]
        // 5 pixels, indices 0 1 2 3 1 → 00 01 10 11 | 01 000000
        let data = HandMadePNG.make(width: 5, height: 1, bitDepth: 2, colorType: .palette,
                                    rows: [[0b0001_1011, 0b0100_0000]], palette: palette, transparency: [255, 255, 255, 0])
        let img = try ImageDecoder.decode(data)
        #expect(img[0, 0] == Fixture.red && img[1, 0] == Fixture.green && img[2, 0] == Fixture.blue)
        #expect(img[3, 0] == .zero)   // fully transparent white → black
        #expect(img[4, 0] == Fixture.green)
    }

    @Test func palette8Bit() throws {
        let palette: [[UInt8]] = (0..<256).map { [UInt8($0), UInt8(255 - $0), 7] }
        let data = HandMadePNG.make(width: 3, height: 1, bitDepth: 8, colorType: .palette, rows: [[0, 100, 255]], palette: palette)
        let img = try ImageDecoder.decode(data)
        #expect(img[1, 0] == SIMD3<Float>(100, 155, 7) / 255)
        #expect(img[2, 0] == SIMD3<Float>(255, 0, 7) / 255)
    }

    @Test func onePixelPNGIsValid() throws {
        let data = HandMadePNG.make(width: 1, height: 1, bitDepth: 8, colorType: .rgb, rows: [[1, 2, 3]])
        let img = try ImageDecoder.decode(data)
        #expect(img.width == 1 && img.height == 1 && img[0, 0] == SIMD3<Float>(1, 2, 3) / 255)
    }
}

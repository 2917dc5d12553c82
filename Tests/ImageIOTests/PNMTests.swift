import Foundation
import Testing
import ImageIO
import SiderCore

@Suite("PPM/PGM decoding")
struct PNMTests {
    @Test func takeoSample() throws {
        let img = try ImageDecoder.load(DataPaths.sample("takeo.ppm"))
        #expect(img.width == 150 && img.height == 225)
        let mean = img.pixels.reduce(0, +) / Float(img.pixels.count)
        #expect(mean > 0.05 && mean < 0.95)
    }

    @Test func p6WithCommentsEverywhere() throws {
        var bytes = Array("P6 # a comment right after the magic\n# whole-line comment\n3 #w\n 2\n# before maxval\n255\n".utf8)
        let samples: [UInt8] = Array(0..<18).map { UInt8($0 * 14) }
        bytes += samples
        let img = try ImageDecoder.decode(Data(bytes))
        #expect(img.width == 3 && img.height == 2)
        #expect(img.pixels == samples.map { Float($0) / 255 })
    }

    @Test func p5WithSmallMaxval() throws {
        let img = try ImageDecoder.decode(Data(Array("P5\n2 2\n15\n".utf8) + [0, 5, 15, 10]))
        #expect(img[0, 0] == .zero && img[1, 0] == SIMD3(repeating: 5 / 15) && img[0, 1] == SIMD3(repeating: 1))
        #expect(img[1, 1] == SIMD3(repeating: 10 / 15))
    }

    @Test func sixteenBitIsBigEndian() throws {
        let img = try ImageDecoder.decode(Data(Array("P5 2 1 65535\n".utf8) + [0x12, 0x34, 0xFF, 0xFF]))
        #expect(img[0, 0].x == Float(0x1234) / 65535 && img[1, 0].x == 1)
        let rgb = try ImageDecoder.decode(Data(Array("P6 1 1 1000\n".utf8) + [0x01, 0xF4, 0x03, 0xE8, 0, 0]))
        #expect(rgb[0, 0] == SIMD3(0.5, 1, 0))
    }

    @Test func damagedHeadersThrow() {
        for text in ["P6 3\n", "P6 0 2 255\n", "P6 3 2 0\n", "P6 3 2 70000\n", "P6 100000 100000 255\n", "P5 4 4 255\n\u{1}\u{2}"] {
            Fixture.expectSiderError { _ = try ImageDecoder.decode(Data(text.utf8), name: "bad.ppm") }
        }
    }
}

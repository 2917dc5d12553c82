import Foundation
import Testing
import ImageIO
import SiderCore

@Suite("Bad inputs throw SiderError")
struct BadInputTests {
    @Test func emptyData() {
        let e = Fixture.expectSiderError { _ = try ImageDecoder.decode(Data(), name: "empty.jpg") }
        #expect(e?.message.contains("empty.jpg") == true)
        #expect(e?.message.contains("empty") == true)
    }

    @Test func textFile() {
        let e = Fixture.expectSiderError { _ = try ImageDecoder.decode(Data("hello, world\nthis is text\n".utf8), name: "notes.png") }
        #expect(e?.message.contains("text") == true)
    }

    @Test func unknownBinary() {
        let e = Fixture.expectSiderError { _ = try ImageDecoder.decode(Data([0x00, 0x01, 0xFE, 0x80, 0x13, 0x37]), name: "blob.bin") }
        #expect(e?.message.contains("unknown image format") == true)
    }

    @Test func missingFileNamesIt() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/face.jpg")
        let e = Fixture.expectSiderError { _ = try ImageDecoder.load(url) }
        #expect(e?.kind == .missingFile)
        #expect(e?.message.contains("face.jpg") == true)
    }

    @Test func truncatedJPEG() throws {
        let data = try Fixture.sampleData("obama2.jpg")
        let e = Fixture.expectSiderError { _ = try ImageDecoder.decode(data.prefix(data.count / 2), name: "half.jpg") }
        #expect(e?.message.contains("half.jpg") == true)
        // Header only (SOI + a few segments) also fails cleanly.
        Fixture.expectSiderError { _ = try ImageDecoder.decode(data.prefix(10)) }
        for cut in [100, 400, 2000] {
            let early = Fixture.expectSiderError { _ = try ImageDecoder.decode(data.prefix(cut), name: "cut.jpg") }
            #expect(early?.message.contains("truncated") == true, "\(cut) bytes: \(early?.message ?? "-")")
        }
        Fixture.expectSiderError { _ = try ImageDecoder.decode(Data([0xFF, 0xD8, 0xFF])) }
    }

    @Test func truncatedPNG() throws {
        let png = try PNGEncoder.encode(Fixture.gradient(width: 64, height: 64))
        for cut in [8, 20, 40, png.count / 2, png.count - 13] {
            let e = Fixture.expectSiderError { _ = try ImageDecoder.decode(png.prefix(cut), name: "cut.png") }
            #expect(e?.message.contains("cut.png") == true)
        }
    }

    @Test func pngWithZeroOrAbsurdSize() {
        for (w, h) in [(0, 4), (4, 0), (1 << 30, 1 << 30)] {
            let data = HandMadePNG.make(width: w, height: h, bitDepth: 8, colorType: .grey, rows: [[0]])
            Fixture.expectSiderError { _ = try ImageDecoder.decode(data) }
        }
    }

    /// A 100-byte PNG or JPEG claiming 10 000² pixels is refused before 300 MB are allocated for it.
    @Test func headersTheFileCannotHoldAreRefusedBeforeAllocating() throws {
        let png = HandMadePNG.make(width: 10_000, height: 10_000, bitDepth: 8, colorType: .rgb, rows: [[0, 0, 0]])
        let e = Fixture.expectSiderError { _ = try ImageDecoder.decode(png, name: "big.png") }
        #expect(e?.message.contains("header claims 10000×10000 pixels") == true, "\(e?.message ?? "")")
        // A JPEG's frame header (SOF0) patched to 10 000²: still only a few hundred bytes.
        var jpeg = [UInt8](try JPEGEncoder.encode(Fixture.gradient(width: 16, height: 16)))
        let sof = try #require((0..<(jpeg.count - 8)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0x27; jpeg[sof + 6] = 0x10; jpeg[sof + 7] = 0x27; jpeg[sof + 8] = 0x10
        let j = Fixture.expectSiderError { _ = try ImageDecoder.decode(Data(jpeg), name: "big.jpg") }
        #expect(j?.message.contains("header claims 10000×10000 pixels") == true, "\(j?.message ?? "")")
    }

    @Test func corruptPNGChecksum() throws {
        var bytes = [UInt8](HandMadePNG.make(width: 2, height: 2, bitDepth: 8, colorType: .grey, rows: [[1, 2], [3, 4]]))
        bytes[bytes.count - 20] ^= 0xFF   // inside IDAT
        Fixture.expectSiderError { _ = try ImageDecoder.decode(Data(bytes)) }
    }

    @Test func wrongExtensionIsFine() throws {
        // Format comes from the bytes: a PNG named .jpg decodes.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imageio-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("actually-png.jpg")
        try PNGEncoder.save(Fixture.quadrants(width: 4, height: 4), to: url)
        #expect(try ImageDecoder.load(url).width == 4)
    }
}

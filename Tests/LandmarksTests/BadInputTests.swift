import Foundation
import ImageIO
import Landmarks
import SiderCore
import Testing

/// Each bad input gives a one-line `SiderError`, never a crash. (`sider landmarks` prints it as
/// "error: …" and exits non-zero.)
@Suite("Bad input")
struct BadInputTests {
    static func temporary(_ name: String, _ bytes: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("landmarks-\(getpid())-\(name)")
        try bytes.write(to: url)
        return url
    }

    /// Loads and runs the whole front end, returning the error it throws.
    static func failure(_ url: URL) -> SiderError? {
        do {
            let image = try ImageDecoder.load(url)
            _ = try FaceLandmarker().run(image)
            return nil
        } catch let e as SiderError {
            return e
        } catch {
            return nil
        }
    }

    static func expectOneLine(_ e: SiderError?, _ label: String) {
        #expect(e != nil, "\(label): no SiderError")
        if let e { #expect(!e.message.isEmpty && !e.message.contains("\n"), "\(label): \(e.message)") }
    }

    @Test func textEmptyAndTruncatedFiles() throws {
        let text = try Self.temporary("notes.jpg", Data("just some words\n".utf8))
        let empty = try Self.temporary("empty.png", Data())
        let jpeg = try Data(contentsOf: DataPaths.sample("obama2.jpg"))
        let truncated = try Self.temporary("cut.jpg", jpeg.prefix(jpeg.count / 3))
        defer { for u in [text, empty, truncated] { try? FileManager.default.removeItem(at: u) } }
        Self.expectOneLine(Self.failure(text), "text")
        Self.expectOneLine(Self.failure(empty), "empty")
        Self.expectOneLine(Self.failure(truncated), "truncated JPEG")
        Self.expectOneLine(Self.failure(URL(fileURLWithPath: "/nonexistent/photo.jpg")), "missing photo")
    }

    @Test func tinyImage() throws {
        let png = try PNGEncoder.encode(RGBImage(width: 1, height: 1, fill: SIMD3(0.5, 0.5, 0.5)))
        let url = try Self.temporary("one.png", png)
        defer { try? FileManager.default.removeItem(at: url) }
        let e = Self.failure(url)
        Self.expectOneLine(e, "1×1 PNG")
        #expect(e?.kind == .badInput)
    }

    @Test func photoWithoutAFace() throws {
        // Smooth shading plus deterministic noise: nothing face-like.
        var g = SeededGenerator(seed: 7)
        var img = RGBImage(width: 320, height: 240)
        for y in 0..<240 {
            for x in 0..<320 {
                let base = 0.3 + 0.4 * Float(x) / 320
                img[x, y] = SIMD3(repeating: min(1, max(0, base + 0.05 * g.normal())))
            }
        }
        let url = try Self.temporary("noface.png", try PNGEncoder.encode(img))
        defer { try? FileManager.default.removeItem(at: url) }
        let e = Self.failure(url)
        Self.expectOneLine(e, "no face")
        #expect(e?.kind == .noFace)
    }

    @Test func missingOrDamagedModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("landmarks-models-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try FaceLandmarker(directory: dir)
            Issue.record("no error for a missing model")
        } catch let e as SiderError {
            #expect(e.kind == .missingFile && !e.message.contains("\n"))
        }
        try Data("not a flatbuffer".utf8).write(to: dir.appendingPathComponent(FaceDetectorModel.shortRange.fileName))
        #expect(throws: SiderError.self) { try FaceDetector(model: .shortRange, directory: dir) }
    }
}

extension BadInputTests {
    @Test func damagedDlibModel() throws {
        let url = try Self.temporary("sp.dat", Data([0x01, 0x01, 0x81, 0x88, 0x81, 0x01, 0x03]))
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try DlibShapePredictor(file: url)
            Issue.record("no error for a truncated dlib model")
        } catch let e as SiderError {
            #expect(e.kind == .badModel && !e.message.contains("\n"))
        }
    }
}

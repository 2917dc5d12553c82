import Foundation
import ImageIO
@testable import Report
import Testing

/// Opens a generated report in headless Chromium (Debian's `chromium`, software WebGL) through
/// scripts/report-browser-check, which drives it over the DevTools protocol on a pipe: the page
/// must log no error, and the WebGL canvas must show the mesh (many pixels unlike the viewer's
/// background) and show it differently after a mouse drag across it (orbit).
@Suite struct BrowserTests {
    static let background = SIMD3<Float>(0x1d, 0x21, 0x27) / 255

    struct CheckResult: Decodable {
        struct Box: Decodable { var x: Double, y: Double, width: Double, height: Double }
        var errors: [String]
        var ready: Bool
        var canvas: Box?
    }

    @Test func reportShowsTheMeshAndTheDragRotatesIt() throws {
        let dir = SyntheticRun.temporaryFolder("browser")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        var options = RunReportPage.Options()
        options.export.mapSize = 256
        let page = try RunReportPage.write(outputDirectory: dir, options: options)
        #expect(page.warnings.isEmpty, "\(page.warnings)")

        let shots = dir.appendingPathComponent("shots", isDirectory: true)
        let script = SyntheticRun.repositoryRoot.appendingPathComponent("scripts/report-browser-check")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, page.report.path, shots.path, "--width", "1100", "--height", "800"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "report-browser-check failed (is chromium installed? scripts/install-deps)")
        let result = try JSONDecoder().decode(CheckResult.self, from: data)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.ready)
        let box = try #require(result.canvas)

        let before = try PNGDecoder.decode(Data(contentsOf: shots.appendingPathComponent("before.png")))
        let after = try PNGDecoder.decode(Data(contentsOf: shots.appendingPathComponent("after.png")))
        let x0 = Int(box.x) + 2, y0 = Int(box.y) + 2
        let x1 = min(before.width, Int(box.x + box.width)) - 2, y1 = min(before.height, Int(box.y + box.height)) - 2
        try #require(x1 > x0 + 50 && y1 > y0 + 50, "canvas box \(box) outside the screenshot")
        var meshPixels = 0, changed = 0, total = 0
        for y in y0..<y1 { for x in x0..<x1 {
            total += 1
            if length(before[x, y] - BrowserTests.background) > 0.08 { meshPixels += 1 }
            if length(before[x, y] - after[x, y]) > 0.08 { changed += 1 }
        } }
        let meshShare = Double(meshPixels) / Double(total), changedShare = Double(changed) / Double(total)
        #expect(meshShare > 0.05, "mesh covers \(meshShare) of the canvas")
        #expect(changedShare > 0.01, "the drag changed \(changedShare) of the canvas")
    }
}

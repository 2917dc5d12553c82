import Foundation
import HostileInputs
import ImageIO
import SiderCore
import Testing

/// Runs the built `sider` on bad inputs (issue 14's among them) and checks that each ends in one
/// line on stderr and a non-zero exit, never a crash. The table of what it says is
/// docs/bad-input.md: with SIDER_WRITE_DOCS=1 the test writes it, otherwise it checks the
/// committed file is what the program says today, so the doc cannot go stale.
///
/// The binary is $SIDER_BINARY (scripts/test sets it), else `sider` beside the test bundle.
@Suite(.serialized) struct BadInputTableTests {
    struct Case {
        let input: String
        let arguments: [String]
    }

    struct Outcome: Equatable {
        let input: String
        let command: String
        let message: String
        let exitCode: Int32
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let document = repository.appendingPathComponent("docs/bad-input.md")

    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["SIDER_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()] {
            let url = dir.appendingPathComponent("sider")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw SiderError(.missingFile, "the sider binary was not found beside the tests; set SIDER_BINARY (scripts/test does)")
    }

    /// Builds every bad input in `dir` and returns the cases to run.
    static func cases(in dir: URL) throws -> [Case] {
        func file(_ name: String, _ data: Data) throws -> String {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            return url.path
        }
        var pixels = [Float]()
        for y in 0..<128 { for x in 0..<128 { pixels += [Float(x) / 128, Float(y) / 128, 0.4] } }
        let gradient = RGBImage(width: 128, height: 128, pixels: pixels)
        let photo = try file("gradient.png", try PNGEncoder.encode(gradient))
        let jpeg = try JPEGEncoder.encode(gradient)
        let folder = dir.appendingPathComponent("a-folder.jpg", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let aFile = try file("notes.txt", Data("just some text\n".utf8))
        let embedding = try file("embedding.npy", HostileInputs.npy(shape: "(1,)", data: [UInt8](repeating: 0, count: 8)))
        let flameFixture = repository.appendingPathComponent("Tests/MorphableModelsTests/Fixtures/flame_tiny.pkl")
        try #require(FileManager.default.fileExists(atPath: flameFixture.path), "FLAME fixture missing: run scripts/test (it makes it)")
        let fit = ["fit", photo, "--out", dir.appendingPathComponent("out-fit").path]
        func flame(_ model: String, _ embedding: String) -> [String] { fit + ["--flame", model, "--landmark-embedding", embedding] }
        let out = ["--out", dir.appendingPathComponent("out").path]
        return [
            Case(input: "text file as photo", arguments: ["reconstruct", aFile] + out),
            Case(input: "empty photo", arguments: ["reconstruct", try file("empty.jpg", Data())] + out),
            Case(input: "truncated JPEG", arguments: ["reconstruct", try file("cut.jpg", jpeg.prefix(jpeg.count / 2))] + out),
            Case(input: "JPEG header claiming 10000×10000", arguments: ["reconstruct", try file("big.jpg", patchedJPEGSize(jpeg))] + out),
            Case(input: "folder as photo", arguments: ["reconstruct", folder.path] + out),
            Case(input: "missing photo", arguments: ["reconstruct", dir.appendingPathComponent("missing.jpg").path] + out),
            Case(input: "photo without a face", arguments: ["reconstruct", photo] + out),
            Case(input: "--out below a regular file", arguments: ["reconstruct", photo, "--out", aFile + "/out"]),
            Case(input: "negative --iterations", arguments: ["reconstruct", photo, "--iterations", "-5"] + out),
            Case(input: "negative --size", arguments: ["reconstruct", photo, "--size=-256"] + out),
            Case(input: "FLAME .npz with shape (2⁶², 3)", arguments: flame(try file("overflow.npz", try HostileInputs.npz([("v_template.npy", HostileInputs.overflowNPY)])), embedding)),
            Case(input: "FLAME .pkl with shape (2⁶², 3), 300 bytes", arguments: flame(try file("overflow.pkl", HostileInputs.overflowPickle()), embedding)),
            Case(input: "FLAME pickle nested 100 000 deep", arguments: flame(try file("deep.pkl", HostileInputs.deepListPickle()), embedding)),
            Case(input: "FLAME .npz inflating to 64 MiB beside 1000 junk members", arguments: flame(try file("bomb.npz", try HostileInputs.bombNPZ()), embedding)),
            Case(input: "FLAME file that is a folder", arguments: flame(folder.path, embedding)),
            Case(input: "FLAME pickle nested 100 000 deep (reconstruct)",
                 arguments: ["reconstruct", photo, "--flame", dir.appendingPathComponent("deep.pkl").path, "--landmark-embedding", embedding] + out),
            Case(input: "FLAME .npz with shape (2⁶², 3) (reconstruct)",
                 arguments: ["reconstruct", photo, "--flame", dir.appendingPathComponent("overflow.npz").path, "--landmark-embedding", embedding] + out),
            Case(input: "embedding .npy with shape (2⁶², 3)", arguments: flame(flameFixture.path, try file("overflow.npy", HostileInputs.overflowNPY))),
            Case(input: "object-dtype embedding nested 100 000 deep", arguments: flame(flameFixture.path, try file("deep.npy", HostileInputs.objectNPY(HostileInputs.deepListPickle())))),
            Case(input: "PLY claiming 2³¹ vertices (sdf)", arguments: ["sdf", try file("huge.ply", HostileInputs.hugePLY()), "--out", dir.appendingPathComponent("out-sdf").path]),
            Case(input: "PLY claiming 2³¹ vertices (eval)", arguments: ["eval", dir.appendingPathComponent("huge.ply").path, "--gt", dir.appendingPathComponent("huge.ply").path, "--out", dir.appendingPathComponent("out-eval").path]),
        ]
    }

    /// `jpeg` with its SOF0 frame size set to 10 000 × 10 000.
    static func patchedJPEGSize(_ jpeg: Data) -> Data {
        var b = [UInt8](jpeg)
        if let sof = (0..<(b.count - 8)).first(where: { b[$0] == 0xFF && b[$0 + 1] == 0xC0 }) {
            b[sof + 5] = 0x27; b[sof + 6] = 0x10; b[sof + 7] = 0x27; b[sof + 8] = 0x10
        }
        return Data(b)
    }

    static func run(_ binary: URL, _ c: Case, in dir: URL) throws -> (stdout: String, stderr: String, status: Int32) {
        let process = Process()
        process.executableURL = binary
        process.arguments = c.arguments
        var env = ProcessInfo.processInfo.environment
        env["SIDER_LOG"] = "error"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self), process.terminationStatus)
    }

    static func markdown(_ rows: [Outcome]) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var text = """
        # Bad input: what `sider` says

        Every row is a real run of the release `sider` on a file the test builds byte by byte
        (`Tests/BadInputTableTests`, inputs from `Tests/HostileInputs`); `DIR` is the test's
        scratch folder. Each gives one line on stderr and a non-zero exit. The test fails when
        this file differs from what the program says; regenerate it with
        `SIDER_WRITE_DOCS=1 scripts/test --filter BadInputTableTests`.

        | input | command | message (stderr) | exit |
        |---|---|---|---|

        """
        for r in rows { text += "| \(cell(r.input)) | `\(cell(r.command))` | \(cell(r.message)) | \(r.exitCode) |\n" }
        return text
    }

    @Test func everyBadInputGivesOneLineAndAFailingExit() throws {
        let models = DataPaths.model("face_detection_short_range.tflite")
        try #require(FileManager.default.fileExists(atPath: models.path), "MediaPipe models missing: run scripts/setup")
        let binary = try Self.binary()
        let dir = URL(fileURLWithPath: "/tmp/sider-bad-input-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows: [Outcome] = []
        for c in try Self.cases(in: dir) {
            let result = try Self.run(binary, c, in: dir)
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(result.status != 0, "\(c.input): exit \(result.status)")
            #expect(result.status < 128, "\(c.input): killed by a signal (\(result.status))")
            #expect(lines.count == 1, "\(c.input): stderr \(result.stderr)")
            let line = String(lines.first ?? "")
            #expect(line.hasPrefix("error: "), "\(c.input): \(line)")
            #expect(!line.contains("NSCocoaErrorDomain") && !line.contains("Missing value"), "\(c.input): \(line)")
            func scrub(_ s: String) -> String {
                s.replacingOccurrences(of: dir.path, with: "DIR").replacingOccurrences(of: Self.repository.path, with: ".")
            }
            let command = "sider " + c.arguments.map(scrub).joined(separator: " ")
            rows.append(Outcome(input: c.input, command: command, message: scrub(line), exitCode: result.status))
        }
        let text = Self.markdown(rows)
        if ProcessInfo.processInfo.environment["SIDER_WRITE_DOCS"] == "1" {
            try AtomicFile.write(text, to: Self.document)
        } else {
            let committed = try String(contentsOf: Self.document, encoding: .utf8)
            #expect(committed == text, "docs/bad-input.md is stale: regenerate it with SIDER_WRITE_DOCS=1 scripts/test --filter BadInputTableTests")
        }
    }
}

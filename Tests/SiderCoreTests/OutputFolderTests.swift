import Foundation
import Testing
import SiderCore

/// `OutputFolder`: new, empty and earlier-sider folders are written; a user's folder is not.
@Suite struct OutputFolderTests {
    func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("outfolder-\(UUID().uuidString)", isDirectory: true)
    }

    @Test func createsAndMarksANewFolder() throws {
        let dir = scratch().appendingPathComponent("a/b", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent().deletingLastPathComponent()) }
        try OutputFolder.prepare(dir, command: "reconstruct")
        let marker = try String(contentsOf: dir.appendingPathComponent(OutputFolder.markerName), encoding: .utf8)
        #expect(marker == "reconstruct\n")
        // A second run into its own folder is allowed.
        try AtomicFile.write("x", to: dir.appendingPathComponent("normals.png"))
        try OutputFolder.prepare(dir, command: "reconstruct")
    }

    @Test func refusesAUsersFolderUnlessForced() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let mine = dir.appendingPathComponent("thesis.tex")
        try AtomicFile.write("precious", to: mine)
        #expect(throws: SiderError.self) { try OutputFolder.prepare(dir, command: "fit") }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(OutputFolder.markerName).path))
        try OutputFolder.prepare(dir, command: "fit", force: true)
        #expect(try String(contentsOf: mine, encoding: .utf8) == "precious")
    }

    @Test func refusesAFile() throws {
        let file = scratch()
        defer { try? FileManager.default.removeItem(at: file) }
        try AtomicFile.write("x", to: file)
        let error = try #require(throws: SiderError.self) { try OutputFolder.prepare(file, command: "fit") }
        #expect(error.message.contains("is a file"))
    }
}

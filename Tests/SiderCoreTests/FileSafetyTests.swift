import Foundation
import Testing
import SiderCore

/// Leftover temporaries, unreadable paths and checked sizes (issue 14).
@Suite struct FileSafetyTests {
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filesafety-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as SiderError { return e.message } catch { return "\(error)" }
    }

    /// kill -9 during a checkpoint write left `.checkpoint.bin.tmp-*` behind for good; the next
    /// run in the folder removes it (and those in sub-folders), but not a live writer's.
    @Test func preparingAFolderRemovesLeftoverTemporaries() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try OutputFolder.prepare(dir, command: "reconstruct")
        let progress = dir.appendingPathComponent("progress", isDirectory: true)
        try FileManager.default.createDirectory(at: progress, withIntermediateDirectories: true)
        // 4 194 305 is above Linux's largest pid (2²²): no process can have it.
        let dead = [dir.appendingPathComponent(".checkpoint.bin.tmp-4194305-12345"),
                    progress.appendingPathComponent(".render_0100.png.tmp-4194305-7")]
        let live = dir.appendingPathComponent(".run.json.tmp-1-99")          // pid 1 is always alive
        let kept = [dir.appendingPathComponent("checkpoint.bin"), dir.appendingPathComponent(".tmp-4194305-1"),
                    dir.appendingPathComponent(".notes.tmp-abc-1")]
        for url in dead + [live] + kept { try Data("x".utf8).write(to: url) }
        try OutputFolder.prepare(dir, command: "reconstruct")
        for url in dead { #expect(!FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)") }
        for url in [live] + kept { #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)") }
    }

    @Test func temporaryNamesAreRecognised() {
        #expect(AtomicFile.writerOfTemporary(named: ".checkpoint.bin.tmp-123-456") == 123)
        #expect(AtomicFile.writerOfTemporary(named: "checkpoint.bin.tmp-123-456") == nil)
        #expect(AtomicFile.writerOfTemporary(named: ".a.tmp-123") == nil)
        #expect(AtomicFile.writerOfTemporary(named: ".a.tmp-x-1") == nil)
    }

    /// A folder given as an input file said "NSCocoaErrorDomain error 256".
    @Test func readingAFolderSaysSo() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(message { _ = try AtomicFile.read(dir) } == "\(dir.path) is a folder, not a file")
    }

    /// `--out` below a regular file said "error 512".
    @Test func creatingAFolderBelowAFileSaysSo() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("photo.jpg")
        try Data("x".utf8).write(to: file)
        let out = file.appendingPathComponent("out/run", isDirectory: true)
        #expect(message { try OutputFolder.prepare(out, command: "fit") }
                == "cannot create output folder \(out.path): \(file.path) is a file, not a folder")
        #expect(message { try AtomicFile.write("x", to: file.appendingPathComponent("a.txt")) }?
            .hasSuffix("\(file.path) is a file, not a folder") == true)
    }

    @Test func checkedSizesReportOverflow() {
        #expect(CheckedSize.product([3, 4, 5]) == 60)
        #expect(CheckedSize.product([1 << 62, 3]) == nil)
        #expect(CheckedSize.product([1 << 40, 1 << 40, 0]) == nil)
        #expect(CheckedSize.product([2, -1]) == nil)
        #expect(CheckedSize.product(1 << 20, 1 << 10, limit: 1 << 29) == nil)
        #expect(CheckedSize.sum(Int.max, 1) == nil)
        #expect(CheckedSize.sum(2, 3) == 5)
    }
}

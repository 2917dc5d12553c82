import Foundation
import HostileInputs
import SiderCore
import Testing
@testable import MorphableModels

/// Hostile FLAME and embedding files (issue 14's reproductions among them): each ends in a
/// one-line `SiderError`, never a crash, a wrapped size or a huge allocation.
@Suite("Hostile model files")
struct HostileModelFileTests {
    /// Writes `data` to a fresh temporary file and passes its URL; the folder is removed after.
    static func withFile<T>(_ name: String, _ data: Data, _ body: (URL) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sider-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return try body(url)
    }

    static func expectOneLineError(_ body: () throws -> Void, mentioning text: String) {
        do {
            try body()
            Issue.record("expected an error mentioning '\(text)'")
        } catch let e as SiderError {
            #expect(e.message.contains(text), "\(e.message)")
            #expect(!e.message.contains("\n"))
        } catch {
            Issue.record("expected a SiderError, got \(error)")
        }
    }

    @Test func npyShapeThatOverflowsIsRefused() throws {
        Self.expectOneLineError({ _ = try NumpyFiles.parseNPY([UInt8](HostileInputs.overflowNPY), source: "x.npy") },
                                mentioning: "impossibly large")
        Self.expectOneLineError({
            _ = try NDArray.decode(raw: [UInt8](repeating: 0, count: 24)[...], descr: "<f8",
                                   shape: [1 << 62, 3], fortran: false)
        }, mentioning: "impossibly large")
        // A zero dimension after overflowing ones is still refused (the product is checked as it goes).
        Self.expectOneLineError({
            _ = try NDArray.decode(raw: [][...], descr: "<f8", shape: [1 << 40, 1 << 40, 0], fortran: true)
        }, mentioning: "impossibly large")
    }

    /// `sider reconstruct photo.jpg --flame bad.npz` (and `.pkl`) crashed in `NDArray.decode`.
    @Test func flameFilesWithAnOverflowingShapeAreRefused() throws {
        let npz = try HostileInputs.npz([("v_template.npy", HostileInputs.overflowNPY)])
        try Self.withFile("bad.npz", npz) { url in
            Self.expectOneLineError({ _ = try FLAMEModel.load(contentsOf: url) }, mentioning: "impossibly large")
        }
        let pickle = HostileInputs.overflowPickle()
        #expect(pickle.count < 300)
        try Self.withFile("bad.pkl", pickle) { url in
            Self.expectOneLineError({ _ = try FLAMEModel.load(contentsOf: url) }, mentioning: "impossibly large")
        }
    }

    /// `--landmark-embedding x.npy`: numeric and object-dtype (pickled) embeddings.
    @Test func embeddingsWithAnOverflowingShapeAreRefused() throws {
        try Self.withFile("x.npy", HostileInputs.overflowNPY) { url in
            Self.expectOneLineError({ _ = try LandmarkEmbedding.load(contentsOf: url) }, mentioning: "impossibly large")
        }
        try Self.withFile("y.npy", HostileInputs.objectNPY(HostileInputs.overflowPickle(key: "lmk_face_idx"))) { url in
            Self.expectOneLineError({ _ = try LandmarkEmbedding.load(contentsOf: url) }, mentioning: "impossibly large")
        }
    }

    /// The issue's 200 KB pickle nested 100 000 levels deep crashed `fit` and `reconstruct` in
    /// the recursive release of its values.
    @Test func deeplyNestedPicklesAreRefused() throws {
        for data in [HostileInputs.deepListPickle(), HostileInputs.deepTuplePickle()] {
            var reader = Unpickler(bytes: [UInt8](data), source: "deep.pkl")
            Self.expectOneLineError({ _ = try reader.load() }, mentioning: "nested deeper than \(Unpickler.maxNesting) levels")
        }
        try Self.withFile("deep.pkl", HostileInputs.deepListPickle()) { url in
            Self.expectOneLineError({ _ = try FLAMEModel.load(contentsOf: url) }, mentioning: "nested deeper")
        }
        try Self.withFile("deep.npy", HostileInputs.objectNPY(HostileInputs.deepListPickle())) { url in
            Self.expectOneLineError({ _ = try LandmarkEmbedding.load(contentsOf: url) }, mentioning: "nested deeper")
        }
        // 100 levels are fine.
        var ok = Unpickler(bytes: [UInt8](HostileInputs.deepListPickle(depth: Unpickler.maxNesting)), source: "ok.pkl")
        #expect(try ok.load().nesting == Unpickler.maxNesting)
    }

    /// Nesting built through the memo escapes any count kept while reading; it is still torn down
    /// without recursion (the test would die of a stack overflow otherwise) and read with a depth limit.
    @Test func memoChainsAreFreedAndReadWithoutRecursion() throws {
        do {
            var reader = Unpickler(bytes: [UInt8](HostileInputs.deepMemoChainPickle()), source: "chain.pkl")
            let value = try reader.load()
            Self.expectOneLineError({ _ = try value.asArray(name: "chain") }, mentioning: "nests deeper")
        }   // value and the reader's memo are released here
        try Self.withFile("chain.pkl", HostileInputs.deepMemoChainPickle()) { url in
            Self.expectOneLineError({ _ = try FLAMEModel.load(contentsOf: url) }, mentioning: "not a dict")
        }
    }

    /// A list that holds itself (through the memo) is read with the depth limit, not forever.
    @Test func cyclicListsEndInAnError() throws {
        // ] BINPUT 0, BINGET 0, APPEND, STOP: l = []; l.append(l)
        var reader = Unpickler(bytes: [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E], source: "cycle.pkl")
        let value = try reader.load()
        Self.expectOneLineError({ _ = try value.asArray(name: "cycle") }, mentioning: "nests deeper")
    }

    /// The issue's `.npz` that inflated 10 GiB whole before failing: members are inflated only
    /// when asked for, and only as far as their header allows.
    @Test func npzBombsFailBeforeInflating() throws {
        let bomb = try HostileInputs.bombNPZ(inflatedBytes: 64 << 20, junk: 200)
        #expect(bomb.count < 1 << 20)
        try Self.withFile("bomb.npz", bomb) { url in
            Self.expectOneLineError({ _ = try FLAMEModel.load(contentsOf: url) }, mentioning: "inflates past the")
            // The junk members are not FLAME keys: never read.
            let some = try NumpyFiles.loadNPZ(url, keys: ["junk_3"])
            #expect(some.keys == ["junk_3"])
        }
        let small = HostileInputs.npy(shape: "(1,)", data: [UInt8](repeating: 0, count: 8))
        let junkOnly = try HostileInputs.npz((0..<1000).map { ("junk_\($0).npy", small) })
        #expect(try NumpyFiles.decodeNPZ(junkOnly, keys: FLAMEModel.keys).keys.isEmpty)
        try Self.withFile("junk.npz", junkOnly) { url in
            Self.expectOneLineError({ _ = try FLAMEModel.load(contentsOf: url) }, mentioning: "missing key 'v_template'")
        }
    }

    /// Fuzzer finding (npz target): a central directory said to start past the end of the data
    /// trapped in ZIPFoundation's in-memory reader ("Range requires lowerBound <= upperBound").
    @Test func zipsWhoseDirectoryLiesPastTheEndAreRefused() throws {
        let zip = try HostileInputs.npz([("f.npy", HostileInputs.npy(shape: "(1,)", data: [UInt8](repeating: 0, count: 8)))])
        let bad = HostileInputs.zipWithCentralDirectoryPastTheEnd(zip)
        // Read through a file, the archive has no member the reader can reach: no crash, no member.
        do {
            #expect(try NumpyFiles.decodeNPZ(bad, source: "bad.npz").keys.isEmpty)
        } catch let e as SiderError {
            #expect(e.message.contains("bad.npz"))
        }
        try Self.withFile("bad.npz", bad) { url in
            Self.expectOneLineError({ _ = try FLAMEModel.load(contentsOf: url) }, mentioning: "bad.npz")
        }
    }

    @Test func hugeIndicesAreRefused() throws {
        Self.expectOneLineError({ _ = try NDArray(shape: [1], values: [1e300]).ints(name: "f") }, mentioning: "integer indices")
        let npy = HostileInputs.npy(shape: "(1,)", descr: "<u8", data: [UInt8](repeating: 0xFF, count: 8))
        guard case .array(let a) = try NumpyFiles.parseNPY([UInt8](npy), source: "u8.npy") else {
            Issue.record("expected an array"); return
        }
        Self.expectOneLineError({ _ = try a.ints(name: "u8") }, mentioning: "integer indices")
    }
}

import Foundation
import MorphableModels

/// The synthetic FLAME fixtures (made by scripts/make_flame_fixture.py) and the
/// reference outputs of that script's independent numpy LBS.
enum Fixture {
    /// A fixture's URL; a missing one (scripts/test makes them) fails the test that needs it.
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw FixtureMissing(name: name)
        }
        return url
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let name: String
        var description: String { "fixture \(name) missing: run scripts/test (it makes the FLAME fixtures)" }
    }

    static let shapeComponents = 10

    static func model() throws -> FLAMEModel {
        try FLAMEModel.load(contentsOf: try url("flame_tiny.pkl"), shapeComponents: shapeComponents)
    }

    static func embedding() throws -> LandmarkEmbedding {
        try LandmarkEmbedding.load(contentsOf: try url("landmark_embedding_tiny.npy"))
    }

    struct Case: Decodable {
        let shape: [Double]
        let expression: [Double]
        let pose: [Double]
        let vertices: [Double]
        let landmarks: [Double]
        let contour_row: Int
        let joints: [[Double]]
        var parameters: FLAMEParameters { FLAMEParameters(shape: shape, expression: expression, pose: pose) }
    }

    struct Reference: Decodable {
        let cases: [Case]
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: try url("flame_tiny_reference.json")))
    }

    /// Removes a file made by `temporary` with its folder.
    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    /// Writes bytes to a fresh temporary file with the given name (in its own folder: `remove` it).
    static func temporary(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sider-flame-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}

/// A minimal protocol-2 pickle writer for hand-made test inputs (dicts of int/float lists).
struct TinyPickle {
    var bytes: [UInt8] = [0x80, 0x02]

    mutating func string(_ s: String) {
        let u = Array(s.utf8)
        bytes += [0x8C, UInt8(u.count)] + u
    }

    mutating func int(_ v: Int) {
        var x = Int32(v).littleEndian
        bytes.append(0x4A)
        withUnsafeBytes(of: &x) { bytes += $0 }
    }

    mutating func float(_ v: Double) {
        bytes.append(0x47)
        var bits = v.bitPattern.bigEndian
        withUnsafeBytes(of: &bits) { bytes += $0 }
    }

    /// {key: [[numbers]...] or [numbers]} — each list of lists is a 2-D array.
    static func dict(_ items: [(String, [[Double]])], flat: Set<String> = []) -> [UInt8] {
        var p = TinyPickle()
        p.bytes += [0x7D, 0x28]  // EMPTY_DICT, MARK
        for (key, rows) in items {
            p.string(key)
            p.bytes += [0x5D, 0x28]  // EMPTY_LIST, MARK
            for row in rows {
                if flat.contains(key) {
                    p.int(Int(row[0]))
                } else {
                    p.bytes += [0x5D, 0x28]
                    for v in row { p.float(v) }
                    p.bytes.append(0x65)  // APPENDS
                }
            }
            p.bytes.append(0x65)
        }
        p.bytes += [0x75, 0x2E]  // SETITEMS, STOP
        return p.bytes
    }
}

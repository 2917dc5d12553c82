import Foundation
import SiderCore
import Testing
import TFLite

/// Our interpreter against outputs the LiteRT runtime produced for the same input (Fixtures/).
@Suite struct ReferenceOutputTests {
    /// x[i] = (((i·7919) mod 1009) / 1009)·2 − 1, in float32 as the fixture generator computed it.
    static func patternInput(_ count: Int) -> [Float] {
        (0..<count).map { i in Float((i * 7919) % 1009) / Float(1009) * Float(2) - Float(1) }
    }

    static func fixture(_ name: String) throws -> [Float] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "f32", subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    @Test(arguments: ["face_detection_short_range", "face_detection_full_range_sparse", "face_landmark"])
    func matchesLiteRT(_ name: String) throws {
        let model = try TFLiteModel(contentsOf: try DataPaths.require(DataPaths.model("\(name).tflite")))
        let interpreter = try Interpreter(model: model)
        let out = try interpreter.invoke([Self.patternInput(model.inputs[0].elementCount)]).flatMap { $0 }
        let ref = try Self.fixture(name)
        #expect(out.count == ref.count)
        let scale = ref.map(abs).max() ?? 1
        let worst = zip(out, ref).map { abs($0 - $1) }.max() ?? .infinity
        print("\(name): max |ours − LiteRT| = \(worst) (outputs up to \(scale))")
        #expect(worst <= 1e-4 * max(scale, 1))
    }
}

import Foundation
import SiderCore
import Testing
@testable import TFLite

/// The three MediaPipe models, and damaged or foreign files.
@Suite struct ModelFileTests {
    struct Expected: Sendable, CustomStringConvertible {
        let file: String
        let input: [Int]
        let outputs: [[Int]]
        let operators: Set<String>
        var description: String { file }
    }

    static let models: [Expected] = [
        Expected(file: "face_detection_short_range.tflite", input: [1, 128, 128, 3], outputs: [[1, 896, 16], [1, 896, 1]],
                 operators: ["ADD", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE", "MAX_POOL_2D", "PAD", "RELU", "RESHAPE"]),
        Expected(file: "face_detection_full_range_sparse.tflite", input: [1, 192, 192, 3], outputs: [[1, 2304, 16], [1, 2304, 1]],
                 operators: ["ADD", "CONV_2D", "DENSIFY", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE", "PAD", "RESHAPE", "RESIZE_BILINEAR"]),
        Expected(file: "face_landmark.tflite", input: [1, 192, 192, 3], outputs: [[1, 1, 1, 1404], [1, 1, 1, 1]],
                 operators: ["ADD", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE", "MAX_POOL_2D", "PAD", "PRELU"]),
    ]

    @Test(arguments: models)
    func loadsAndRunsOnAConstantImage(_ e: Expected) throws {
        let model = try TFLiteModel(contentsOf: try DataPaths.require(DataPaths.model(e.file)))
        #expect(model.version == 3)
        #expect(model.inputs.map(\.shape) == [e.input])
        #expect(model.outputs.map(\.shape) == e.outputs)
        #expect(Set(model.operatorNames) == e.operators)
        let interpreter = try Interpreter(model: model)
        let image = [Float](repeating: 0.5, count: e.input.reduce(1, *))
        let out = try interpreter.invoke([image])
        #expect(out.map(\.count) == e.outputs.map { $0.reduce(1, *) })
        #expect(out.allSatisfy { $0.allSatisfy(\.isFinite) })
        // Not all zero: the network computed something.
        #expect(out[0].contains { $0 != 0 })
        // Deterministic and independent of buffer reuse between calls.
        #expect(try interpreter.invoke([image]) == out)
    }

    @Test func wrongInputSizeIsOneLineBadInput() throws {
        let model = try TFLiteModel(contentsOf: try DataPaths.require(DataPaths.model("face_landmark.tflite")))
        let interpreter = try Interpreter(model: model)
        #expect(throws: SiderError.self) { try interpreter.invoke([[1, 2, 3]]) }
        do {
            _ = try interpreter.invoke([[1, 2, 3]])
        } catch let e as SiderError {
            #expect(e.kind == .badInput)
            #expect(!e.message.contains("\n"))
        }
        #expect(throws: SiderError.self) { try interpreter.invoke([]) }
    }

    static func expectBadModel(_ data: Data) {
        do {
            let model = try TFLiteModel(data: data, name: "damaged.tflite")
            _ = try Interpreter(model: model)
            Issue.record("damaged model was accepted")
        } catch let e as SiderError {
            #expect(e.kind == .badModel, "\(e)")
            #expect(!e.message.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func truncatedFilesThrowBadModel() throws {
        let data = try Data(contentsOf: DataPaths.require(DataPaths.model("face_detection_short_range.tflite")))
        for length in [0, 3, 7, 8, 16, 100, 1000, 5000, data.count / 3, data.count / 2, data.count - 100] {
            ModelFileTests.expectBadModel(data.prefix(length))
        }
    }

    @Test func randomBytesAndAJPEGThrowBadModel() throws {
        var rng = SeededGenerator(seed: 42)
        for size in [8, 64, 4096] {
            var bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            ModelFileTests.expectBadModel(Data(bytes))
            // Random bytes behind a valid identifier go deeper into the reader.
            bytes.replaceSubrange(4..<8, with: Array("TFL3".utf8))
            ModelFileTests.expectBadModel(Data(bytes))
        }
        let jpeg = try Data(contentsOf: DataPaths.require(DataPaths.sample("einstein.jpg")))
        ModelFileTests.expectBadModel(jpeg)
    }

    @Test func corruptedBytesNeverCrash() throws {
        // Flip bytes in the structural head of a valid model: every outcome must be a clean
        // SiderError or a model that still plans (data bytes may change without harm).
        let data = [UInt8](buildModel(tensors: [.float([1, 4, 4, 2]), .float([1, 4, 4, 2]), .float([1, 4, 4, 2])],
                                      operators: [TestOperator(code: 0, inputs: [0, 1], outputs: [2])],
                                      inputs: [0, 1], outputs: [2]))
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            var bytes = data
            for _ in 0..<3 {
                bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            do {
                _ = try Interpreter(model: TFLiteModel(data: Data(bytes)))
            } catch let e as SiderError {
                #expect(e.kind == .badModel || e.kind == .unsupported, "\(e)")
            }
        }
    }

    @Test func corruptedRealModelNeverCrashes() throws {
        // Structure (tables, vtables, shapes) sits at the front of converter output; weights behind.
        let data = [UInt8](try Data(contentsOf: DataPaths.require(DataPaths.model("face_detection_short_range.tflite"))))
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<40 {
            var bytes = data
            let region = trial % 2 == 0 ? 20_000 : bytes.count
            for _ in 0..<4 { bytes[Int(rng.next() % UInt64(region))] = UInt8(truncatingIfNeeded: rng.next()) }
            do {
                let interpreter = try Interpreter(model: TFLiteModel(data: Data(bytes)))
                _ = try? interpreter.invoke(interpreter.model.inputs.map { [Float](repeating: 0.1, count: $0.elementCount) })
            } catch let e as SiderError {
                #expect(e.kind == .badModel || e.kind == .unsupported, "\(e)")
            }
        }
    }

    @Test func operatorReadingALaterResultIsRejected() throws {
        // Node 0 reads t1, which only node 1 writes.
        let data = buildModel(tensors: [.float([4]), .float([4]), .float([4])],
                              operators: [TestOperator(code: 19, inputs: [1], outputs: [2]),
                                          TestOperator(code: 19, inputs: [0], outputs: [1])],
                              inputs: [0], outputs: [2])
        ModelFileTests.expectBadModel(data)
    }

    @Test func unsupportedOperatorIsNamedAtCreation() throws {
        let data = buildModel(tensors: [.float([1, 10]), .float([1, 10])],
                              operators: [TestOperator(code: 25, inputs: [0], outputs: [1])], inputs: [0], outputs: [1])
        let model = try TFLiteModel(data: data, name: "softmax.tflite")
        #expect(model.operatorNames == ["SOFTMAX"])
        do {
            _ = try Interpreter(model: model)
            Issue.record("SOFTMAX was accepted")
        } catch let e as SiderError {
            #expect(e.kind == .unsupported)
            #expect(e.message == "unsupported TFLite operator SOFTMAX (code 25) in softmax.tflite")
        }
    }

    @Test func extendedOperatorCodeAbove127() throws {
        let data = buildModel(tensors: [.float([4]), .float([4])],
                              operators: [TestOperator(code: 200, inputs: [0], outputs: [1])], inputs: [0], outputs: [1])
        let model = try TFLiteModel(data: data, name: "new.tflite")
        #expect(model.operatorNames == ["BUILTIN_200"])
        #expect(throws: SiderError(.unsupported, "unsupported TFLite operator BUILTIN_200 (code 200) in new.tflite")) {
            _ = try Interpreter(model: model)
        }
    }

    @Test func bufferStoredAfterTheFlatbufferByOffsetAndSize() throws {
        // Buffer 1 holds no `data` but (offset, size) into bytes appended after the flatbuffer.
        let marker: UInt64 = 0x1122_3344_5566_7788
        let bias: [Float] = [0.5, -1, 2, 4]
        var constant = TestTensor(shape: [4], type: 0, data: nil)
        constant.extra[2] = .u32(1)
        var bytes = [UInt8](buildModel(tensors: [.float([4]), constant, .float([4])],
                                       operators: [TestOperator(code: 0, inputs: [0, 1], outputs: [2])],
                                       inputs: [0], outputs: [2], extraBuffers: [.table([1: .u64(marker), 2: .u64(16)])]))
        while bytes.count % 16 != 0 { bytes.append(0) }
        let offset = UInt64(bytes.count)
        bytes += floatBytes(bias)
        let markerBytes = withUnsafeBytes(of: marker.littleEndian) { Array($0) }
        let at = try #require((0...(bytes.count - 8)).first { Array(bytes[$0..<($0 + 8)]) == markerBytes })
        withUnsafeBytes(of: offset.littleEndian) { bytes.replaceSubrange(at..<(at + 8), with: $0) }
        let out = try Interpreter(model: TFLiteModel(data: Data(bytes))).invoke([[1, 1, 1, 1]])[0]
        #expect(out == bias.map { $0 + 1 })
        // The same buffer pointing past the end of the file is a damaged model.
        ModelFileTests.expectBadModel(Data(bytes.dropLast(4)))
    }

    @Test func readerDecodesTheTinyModel() throws {
        let data = buildModel(tensors: [.float([1, 3, 3, 2]), .float([2], [1, 2]), .float([1, 3, 3, 2])],
                              operators: [TestOperator(code: 0, inputs: [0, 1], outputs: [2])], inputs: [0], outputs: [2])
        let model = try TFLiteModel(data: data, name: "tiny")
        #expect(model.version == 3)
        #expect(model.inputs == [TensorInfo(name: "t0", shape: [1, 3, 3, 2], type: .float32)])
        #expect(model.outputs.map(\.name) == ["t2"])
        #expect(model.def.buffers.count == 2)
        #expect(model.def.subgraphs[0].name == "main")
        #expect(model.def.subgraphs[0].tensors[1].buffer == 1)
        #expect(model.tensorTypeCounts.map(\.count) == [3])
    }
}

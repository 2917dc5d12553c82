import Foundation
import Testing
@testable import TFLite

/// Activation nodes folded into their producer give the same numbers as running both nodes.
@Suite struct FusionTests {
    static let shape = [1, 3, 4, 12]
    static let count = 144

    /// ADD(a, b) → activation node `code` (PRELU takes `alpha`), optionally exposing the sum too.
    static func addThen(_ code: Int32, alpha: [Float]? = nil, exposeSum: Bool = false) throws -> (outputs: [[Float]], kernels: Int) {
        var tensors: [TestTensor] = [.float(shape), .float(shape), .float(shape)]
        var inputs = [2]
        if let alpha {
            tensors.append(.float([1, 1, 12], alpha))
            inputs.append(3)
        }
        tensors.append(.float(shape))
        let out = tensors.count - 1
        let data = buildModel(tensors: tensors,
                              operators: [TestOperator(code: 0, inputs: [0, 1], outputs: [2]),
                                          TestOperator(code: code, inputs: inputs, outputs: [out])],
                              inputs: [0, 1], outputs: exposeSum ? [out, 2] : [out])
        let interpreter = try Interpreter(model: TFLiteModel(data: data))
        return (try interpreter.invoke([testValues(count, seed: 30), testValues(count, seed: 31)]), interpreter.kernelCount)
    }

    static var sum: [Float] { zip(testValues(count, seed: 30), testValues(count, seed: 31)).map { $0 + $1 } }

    @Test func addThenPReLU() throws {
        let alpha = testValues(12, seed: 32)
        let want = Self.sum.enumerated().map { i, v in v >= 0 ? v : v * alpha[i % 12] }
        let fused = try Self.addThen(54, alpha: alpha)
        #expect(fused.kernels == 1)
        #expect(maxAbsDifference(fused.outputs[0], want) < 1e-6)
        let separate = try Self.addThen(54, alpha: alpha, exposeSum: true)
        #expect(separate.kernels == 2)
        #expect(separate.outputs[0] == fused.outputs[0])
        #expect(separate.outputs[1] == Self.sum)
    }

    @Test(arguments: [(Int32(19), Int8(1)), (Int32(21), Int8(3)), (Int32(20), Int8(2))])
    func addThenClamp(_ code: Int32, _ act: Int8) throws {
        let scaled = try Self.addThen(code)
        #expect(scaled.kernels == 1)
        #expect(maxAbsDifference(scaled.outputs[0], Self.sum.map { Float(Reference.act(Double($0), act)) }) < 1e-6)
    }

    @Test func convThenRelu() throws {
        let xs = [1, 6, 5, 4], ws = [7, 3, 3, 4]
        let x = testValues(120, seed: 33), wt = testValues(ws.reduce(1, *), seed: 34), bias = testValues(7, seed: 35)
        let (ref, ys) = Reference.conv2d(x, xs, wt, ws, bias, stride: (1, 1), dilation: (1, 1), same: true, act: 1)
        let data = buildModel(tensors: [.float(xs), .float(ws, wt), .float([7], bias), .float(ys), .float(ys)],
                              operators: [TestOperator(code: 3, inputs: [0, 1, 2], outputs: [3], optionsType: 1,
                                                       options: [0: .i8(0), 1: .i32(1), 2: .i32(1)]),
                                          TestOperator(code: 19, inputs: [3], outputs: [4])],
                              inputs: [0], outputs: [4])
        let interpreter = try Interpreter(model: TFLiteModel(data: data))
        #expect(interpreter.kernelCount == 1)
        #expect(maxAbsDifference(try interpreter.invoke([x])[0], ref) < 1e-4)
    }
}

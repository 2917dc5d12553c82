import Foundation
import SiderCore
import Testing
@testable import TFLite

/// Every kernel on one-operator models built in the test, against `Reference`.
@Suite struct KernelTests {
    struct ConvCase: CustomStringConvertible, Sendable {
        var n = 1, h = 9, w = 7, c = 3, o = 5, kh = 3, kw = 3
        var stride = (1, 1), dilation = (1, 1), same = true, act: Int8 = 0
        var description: String { "\(n)×\(h)×\(w)×\(c)→\(o) k\(kh)×\(kw) s\(stride) d\(dilation) \(same ? "SAME" : "VALID") act\(act)" }
    }

    static let convCases: [ConvCase] = [
        ConvCase(act: 1),
        ConvCase(stride: (2, 2), same: false),
        ConvCase(stride: (2, 2), same: true, act: 3),
        ConvCase(h: 8, w: 8, dilation: (2, 2), same: true),
        ConvCase(h: 10, w: 6, kh: 5, kw: 3, dilation: (1, 2), same: false, act: 4),
        ConvCase(h: 6, w: 5, c: 16, o: 24, kh: 1, kw: 1),
        ConvCase(h: 6, w: 5, c: 8, o: 4, kh: 1, kw: 1, stride: (2, 2), act: 2),
        ConvCase(n: 2, h: 5, w: 5, c: 4, o: 3, kh: 2, kw: 2, stride: (2, 1), same: true),
    ]

    @Test(arguments: convCases)
    func conv2D(_ t: ConvCase) throws {
        let xs = [t.n, t.h, t.w, t.c], ws = [t.o, t.kh, t.kw, t.c]
        let x = testValues(xs.reduce(1, *), seed: 1), wt = testValues(ws.reduce(1, *), seed: 2)
        let bias = testValues(t.o, seed: 3)
        let (ref, ys) = Reference.conv2d(x, xs, wt, ws, bias, stride: t.stride, dilation: t.dilation, same: t.same, act: t.act)
        let got = try runOneOperator(
            code: 3, tensors: [.float(xs), .float(ws, wt), .float([t.o], bias), .float(ys)], optionsType: 1,
            options: [0: .i8(t.same ? 0 : 1), 1: .i32(Int32(t.stride.1)), 2: .i32(Int32(t.stride.0)), 3: .i8(t.act),
                      4: .i32(Int32(t.dilation.1)), 5: .i32(Int32(t.dilation.0))],
            inputs: [x])
        #expect(maxAbsDifference(got, ref) < 1e-4)
    }

    static let depthwiseCases: [ConvCase] = [
        ConvCase(c: 19, o: 19, act: 1),
        ConvCase(h: 12, w: 11, c: 16, o: 16, kh: 5, kw: 5, stride: (2, 2)),
        ConvCase(h: 9, w: 9, c: 8, o: 8, dilation: (2, 2), same: false, act: 3),
        ConvCase(c: 3, o: 6, stride: (2, 1), act: 4),
        ConvCase(n: 2, h: 4, w: 6, c: 10, o: 10, kh: 3, kw: 2, same: false),
    ]

    @Test(arguments: depthwiseCases)
    func depthwiseConv2D(_ t: ConvCase) throws {
        let xs = [t.n, t.h, t.w, t.c], ws = [1, t.kh, t.kw, t.o]
        let x = testValues(xs.reduce(1, *), seed: 4), wt = testValues(ws.reduce(1, *), seed: 5)
        let bias = testValues(t.o, seed: 6)
        let (ref, ys) = Reference.depthwise(x, xs, wt, ws, bias, stride: t.stride, dilation: t.dilation, same: t.same, act: t.act)
        let got = try runOneOperator(
            code: 4, tensors: [.float(xs), .float(ws, wt), .float([t.o], bias), .float(ys)], optionsType: 2,
            options: [0: .i8(t.same ? 0 : 1), 1: .i32(Int32(t.stride.1)), 2: .i32(Int32(t.stride.0)),
                      3: .i32(Int32(t.o / t.c)), 4: .i8(t.act), 5: .i32(Int32(t.dilation.1)), 6: .i32(Int32(t.dilation.0))],
            inputs: [x])
        #expect(maxAbsDifference(got, ref) < 1e-4)
    }

    @Test(arguments: [(2, 2, 2, false, true), (3, 3, 2, true, true), (3, 2, 1, true, false), (2, 3, 2, false, false)])
    func pool2D(_ p: (Int, Int, Int, Bool, Bool)) throws {
        let (kh, kw, s, same, isMax) = p
        let xs = [1, 7, 8, 5]
        let x = testValues(xs.reduce(1, *), seed: 7)
        let (ref, ys) = Reference.pool(x, xs, k: (kh, kw), stride: (s, s), same: same, max: isMax)
        let got = try runOneOperator(
            code: isMax ? 17 : 1, tensors: [.float(xs), .float(ys)], optionsType: 5,
            options: [0: .i8(same ? 0 : 1), 1: .i32(Int32(s)), 2: .i32(Int32(s)), 3: .i32(Int32(kw)), 4: .i32(Int32(kh)), 5: .i8(0)],
            inputs: [x])
        #expect(maxAbsDifference(got, ref) < 1e-5)
    }

    @Test(arguments: [([1, 4, 5, 3], [1, 4, 5, 3]), ([1, 4, 5, 3], [3]), ([1, 4, 5, 3], [1, 4, 1, 1]),
                      ([2, 1, 3], [4, 1]), ([1, 4, 5, 17], [1, 4, 5, 17])])
    func addWithBroadcast(_ sa: [Int], _ sb: [Int]) throws {
        let a = testValues(sa.reduce(1, *), seed: 8), b = testValues(sb.reduce(1, *), seed: 9)
        let (ref, so) = Reference.broadcast(a, sa, b, sb) { max($0 + $1, 0) }
        let got = try runOneOperator(code: 0, tensors: [.float(sa), .float(sb), .float(so)], optionsType: 11,
                                     options: [0: .i8(1)], inputs: [a, b])
        #expect(maxAbsDifference(got, ref) < 1e-6)
    }

    @Test func addWithDeprecatedOperatorCodeAndConstantOperand() throws {
        let sa = [1, 3, 3, 8]
        let a = testValues(72, seed: 10), b = testValues(8, seed: 11)
        let (ref, so) = Reference.broadcast(a, sa, b, [8], +)
        let got = try runOneOperator(code: 0, tensors: [.float(sa), .float([8], b), .float(so)], inputs: [a],
                                     deprecatedCodes: true)
        #expect(maxAbsDifference(got, ref) < 1e-6)
    }

    @Test func mul() throws {
        let a = testValues(24, seed: 12), b = testValues(4, seed: 13)
        let (ref, so) = Reference.broadcast(a, [1, 2, 3, 4], b, [4], *)
        let got = try runOneOperator(code: 18, tensors: [.float([1, 2, 3, 4]), .float([4]), .float(so)], inputs: [a, b])
        #expect(maxAbsDifference(got, ref) < 1e-6)
    }

    @Test(arguments: [[1, 1, 12], [12], [1, 5, 1, 1]])
    func prelu(_ alphaShape: [Int]) throws {
        let xs = [1, 5, 6, 12]
        let x = testValues(xs.reduce(1, *), seed: 14), alpha = testValues(alphaShape.reduce(1, *), seed: 15)
        let (ref, _) = Reference.broadcast(x, xs, alpha, alphaShape) { $0 >= 0 ? $0 : $0 * $1 }
        let got = try runOneOperator(code: 54, tensors: [.float(xs), .float(alphaShape, alpha), .float(xs)], inputs: [x])
        #expect(maxAbsDifference(got, ref) < 1e-6)
    }

    static let activations: [(code: Int32, fused: Int8)] = [(19, 1), (21, 3), (20, 2), (28, 4)]

    @Test(arguments: activations)
    func standaloneActivation(_ code: Int32, _ act: Int8) throws {
        let x = testValues(50, seed: 16).map { $0 * 8 }
        let got = try runOneOperator(code: code, tensors: [.float([2, 25]), .float([2, 25])], inputs: [x])
        #expect(maxAbsDifference(got, x.map { Float(Reference.act(Double($0), act)) }) < 1e-6)
    }

    @Test(arguments: [[0, 0, 1, 2, 2, 1, 0, 3], [1, 0, 0, 0, 0, 0, 2, 1], [0, 0, 0, 0, 0, 0, 0, 4], [0, 1, 3, 0, 0, 2, 0, 0]])
    func pad(_ pads: [Int]) throws {
        let xs = [1, 3, 4, 2]
        let x = testValues(24, seed: 17)
        var ys: [Int] = []
        for d in 0..<4 { ys.append(xs[d] + pads[2 * d] + pads[2 * d + 1]) }
        var ref = [Float](repeating: 0, count: ys.reduce(1, *))
        for b in 0..<1 { for y in 0..<3 { for xx in 0..<4 { for c in 0..<2 {
            let row: Int = (b + pads[0]) * ys[1] + y + pads[2]
            let pixel: Int = row * ys[2] + xx + pads[4]
            let o: Int = pixel * ys[3] + c + pads[6]
            ref[o] = x[(y * 4 + xx) * 2 + c]
        } } } }
        let got = try runOneOperator(code: 34, tensors: [.float(xs), .int32([4, 2], pads.map(Int32.init)), .float(ys)],
                                     optionsType: 22, options: [:], inputs: [x])
        #expect(got == ref)
    }

    @Test(arguments: [3, -3])
    func concatenation(_ axis: Int32) throws {
        let sa = [1, 2, 3, 4], sb = axis == 3 ? [1, 2, 3, 5] : [1, 1, 3, 4]
        let so = axis == 3 ? [1, 2, 3, 9] : [1, 3, 3, 4]
        let a = testValues(24, seed: 18), b = testValues(sb.reduce(1, *), seed: 19)
        var ref: [Float] = []
        if axis == 3 {
            for p in 0..<6 {
                ref.append(contentsOf: a[(p * 4)..<(p * 4 + 4)])
                ref.append(contentsOf: b[(p * 5)..<(p * 5 + 5)])
            }
        } else {
            ref = a + b
        }
        let got = try runOneOperator(code: 2, tensors: [.float(sa), .float(sb), .float(so)], optionsType: 10,
                                     options: [0: .i32(axis), 1: .i8(1)], inputs: [a, b])
        #expect(got == ref.map { max($0, 0) })
    }

    @Test func reshapeKeepsRowMajorOrder() throws {
        let x = testValues(24, seed: 20)
        let got = try runOneOperator(code: 22, tensors: [.float([1, 2, 3, 4]), .int32([2], [1, 24]), .float([1, 24])],
                                     optionsType: 17, options: [0: .ints([1, 24])], inputs: [x])
        #expect(got == x)
    }

    @Test func dequantizeFloat16() throws {
        let w = testValues(40, seed: 21).map { $0 * 100 }
        // DEQUANTIZE(const fp16) → ADD(x, ·): the output minus x is the dequantised constant.
        let data = buildModel(tensors: [.half([40], w), .float([40]), .float([40]), .float([40])],
                              operators: [TestOperator(code: 6, inputs: [0], outputs: [1]),
                                          TestOperator(code: 0, inputs: [2, 1], outputs: [3])],
                              inputs: [2], outputs: [3])
        let got = try Interpreter(model: TFLiteModel(data: data)).invoke([[Float](repeating: 0, count: 40)])[0]
        #expect(got == w.map { Float(Float16($0)) })
    }

    @Test func dequantizeInt8PerChannel() throws {
        // real = scale[ch] · (q − zero_point[ch]) along dimension 0.
        let q: [Int8] = [-128, 0, 127, 5, -7, 1]
        var t = TestTensor(shape: [2, 3], type: 9, data: q.map { UInt8(bitPattern: $0) })
        t.extra[4] = .table([2: .floats([0.5, 2]), 3: .longs([1, -2]), 6: .i32(0)])
        let data = buildModel(tensors: [t, .float([2, 3]), .float([2, 3]), .float([2, 3])],
                              operators: [TestOperator(code: 6, inputs: [0], outputs: [1]),
                                          TestOperator(code: 0, inputs: [2, 1], outputs: [3])],
                              inputs: [2], outputs: [3])
        let got = try Interpreter(model: TFLiteModel(data: data)).invoke([[Float](repeating: 0, count: 6)])[0]
        let want: [Float] = [0.5 * -129, 0.5 * -1, 0.5 * 126, 2 * 7, 2 * -5, 2 * 3]
        #expect(got == want)
    }

    @Test func densifyCSRThenDequantize() throws {
        // A 4×6 matrix with a few non-zeros, stored CSR over the last dimension.
        var dense = [Float](repeating: 0, count: 24)
        let nonzeros = [(0, 1, 1.5), (0, 4, -2.0), (2, 0, 3.25), (2, 5, 0.5), (3, 3, -1.0)]
        for (r, c, v) in nonzeros { dense[r * 6 + c] = Float(v) }
        let segments: [UInt8] = [0, 2, 2, 4, 5]
        let indices: [UInt16] = [1, 4, 0, 5, 3]
        var sparse = TestTensor.half([4, 6], nonzeros.map { Float($0.2) })
        sparse.extra[6] = .table([0: .ints([0, 1]), 2: .tables([
            .table([0: .i8(0), 1: .i32(4)]),
            .table([0: .i8(1), 2: .u8(3), 3: .table([0: .bytes(segments)]), 4: .u8(2), 5: .table([0: .u16s(indices)])]),
        ])])
        var fp16Dense = TestTensor(shape: [4, 6], type: 1)
        fp16Dense.name = "dense16"
        let data = buildModel(tensors: [sparse, fp16Dense, .float([4, 6]), .float([4, 6]), .float([4, 6])],
                              operators: [TestOperator(code: 124, inputs: [0], outputs: [1]),
                                          TestOperator(code: 6, inputs: [1], outputs: [2]),
                                          TestOperator(code: 0, inputs: [3, 2], outputs: [4])],
                              inputs: [3], outputs: [4])
        let model = try TFLiteModel(data: data)
        #expect(model.sparseTensorCount == 1)
        let interpreter = try Interpreter(model: model)
        #expect(interpreter.kernelCount == 1)
        #expect(try interpreter.invoke([[Float](repeating: 0, count: 24)])[0] == dense)
    }

    @Test(arguments: [(false, false), (true, false), (false, true)])
    func resizeBilinear(_ align: Bool, _ halfPixel: Bool) throws {
        let xs = [1, 4, 5, 3]
        let x = testValues(60, seed: 22)
        let ref = Reference.resizeBilinear(x, xs, oh: 8, ow: 7, align: align, halfPixel: halfPixel)
        let got = try runOneOperator(code: 23, tensors: [.float(xs), .int32([2], [8, 7]), .float([1, 8, 7, 3])],
                                     optionsType: 15, options: [2: .bool(align), 3: .bool(halfPixel)], inputs: [x])
        #expect(maxAbsDifference(got, ref) < 1e-5)
    }

    @Test func depthToSpace() throws {
        let x = testValues(2 * 3 * 8, seed: 23)
        var ref = [Float](repeating: 0, count: 48)
        for h in 0..<2 { for w in 0..<3 { for dy in 0..<2 { for dx in 0..<2 { for c in 0..<2 {
            ref[((h * 2 + dy) * 6 + w * 2 + dx) * 2 + c] = x[(h * 3 + w) * 8 + (dy * 2 + dx) * 2 + c]
        } } } } }
        let got = try runOneOperator(code: 5, tensors: [.float([1, 2, 3, 8]), .float([1, 4, 6, 2])], optionsType: 94,
                                     options: [0: .i32(2)], inputs: [x])
        #expect(got == ref)
    }
}

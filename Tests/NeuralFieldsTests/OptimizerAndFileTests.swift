import Testing
import Foundation
import SiderCore
@testable import NeuralFields

@Suite struct OptimizerAndFileTests {
    @Test func adamMatchesHandComputation() {
        let store = ParameterStore()
        _ = store.allocate("p", count: 3)
        store.freeze()
        store.valueArray = [1, -2, 0.5]
        let adam = Adam(store: store, learningRate: 0.1)
        var m = [Double](repeating: 0, count: 3), v = m, th = [1.0, -2.0, 0.5]
        for t in 1...5 {
            let g = th.map { 2 * $0 }           // ∇ of Σθ²
            for i in 0..<3 { store.grads[i] = Float(g[i]) }
            adam.step()
            for i in 0..<3 {
                m[i] = 0.9 * m[i] + 0.1 * g[i]; v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mh = m[i] / (1 - pow(0.9, Double(t))), vh = v[i] / (1 - pow(0.999, Double(t)))
                th[i] -= 0.1 * mh / (vh.squareRoot() + 1e-8)
            }
        }
        for i in 0..<3 { #expect(abs(Double(store.values[i]) - th[i]) < 1e-5) }
    }

    @Test func schedules() {
        let s = LearningRateSchedule.multiStep(1e-4, milestones: [10, 20], factor: 0.5)
        #expect(s.rate(at: 9, steps: 30) == 1e-4 && s.rate(at: 10, steps: 30) == 5e-5 && s.rate(at: 25, steps: 30) == 2.5e-5)
        let e = LearningRateSchedule.exponential(1e-2, end: 1e-4)
        #expect(abs(e.rate(at: 50, steps: 100) - 1e-3) < 1e-7)
        let c = LearningRateSchedule.warmupCosine(1e-2, end: 0, warmup: 10)
        #expect(abs(c.rate(at: 60, steps: 110) - 5e-3) < 1e-7 && abs(c.rate(at: 0, steps: 110) - 1e-3) < 1e-9)
    }

    @Test func seedingIsDeterministic() {
        let cfg = SDFNetworkConfig(encoding: .positional(frequencies: 2), hidden: [8, 8], skips: [], featureSize: 2)
        #expect(SDFNetwork(config: cfg, seed: 4).store.valueArray == SDFNetwork(config: cfg, seed: 4).store.valueArray)
        #expect(SDFNetwork(config: cfg, seed: 4).store.valueArray != SDFNetwork(config: cfg, seed: 5).store.valueArray)
    }

    @Test func weightsRoundTripAndCorruptionIsDetected() throws {
        let cfg = SDFNetworkConfig(encoding: .grid(GridEncodingConfig(levels: 2, baseResolution: 2, log2TableSize: 5)),
                                   hidden: [8, 8, 8], skips: [1], featureSize: 3)
        let net = SDFNetwork(config: cfg, seed: 2)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nf-\(UInt32.random(in: 0...UInt32.max))")
        let url = dir.appendingPathComponent("f.sidernn")
        try net.save(to: url)
        let back = try SDFNetwork.load(from: url)
        #expect(back.config == cfg)
        #expect(back.store.valueArray == net.store.valueArray)
        #expect(back.evaluate([SIMD3(0.1, 0.2, 0.3)]) == net.evaluate([SIMD3(0.1, 0.2, 0.3)]))
        var data = try Data(contentsOf: url)
        data[data.count - 9] ^= 0x40
        try data.write(to: url)
        #expect(throws: SiderError.self) { try SDFNetwork.load(from: url) }
        #expect(throws: SiderError.self) { try RenderingNetwork.load(from: url) }
        try? FileManager.default.removeItem(at: dir)
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
    }
}

import Testing
import Foundation
import SiderCore
@testable import NeuralFields

/// Every kind of network a `.sidernn` file holds comes back as it was saved: the same config,
/// views and values, and bit-identical outputs (value, features, ∇ₓf; RGB) — after its values
/// were moved off the initialisation, so a loader that re-initialised could not pass. A flipped
/// byte anywhere in the header or the values is refused.
@Suite struct WeightsRoundTripTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sider-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func perturb(_ store: ParameterStore, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        store.valueArray = store.valueArray.map { $0 + 0.1 * rng.normal() }
    }

    static func sdfConfigs() -> [SDFNetworkConfig] {
        let positional = SDFNetworkConfig(encoding: .positional(frequencies: 3), hidden: [32, 32, 32], skips: [2], featureSize: 4)
        var grid = SDFNetworkConfig(encoding: .grid(GridEncodingConfig(levels: 3, baseResolution: 4, growth: 2, log2TableSize: 7)),
                                    hidden: [12, 12], skips: [], featureSize: 3, beta: 20, weightNorm: false)
        grid.initialRadius = 0.4
        var residual = SDFNetworkConfig(encoding: .positional(frequencies: 4), hidden: [16, 16], skips: [], featureSize: 0,
                                        weightNorm: false, initialRadius: 0)
        residual.startsAtZero = true
        return [positional, grid, residual]
    }

    /// SDF, features and ∇ₓf at `points`.
    static func outputs(_ net: SDFNetwork, _ points: [Float]) -> [Float] {
        let n = points.count / 3
        points.withUnsafeBufferPointer { net.forward(points: $0.baseAddress!, count: n, gradient: true) }
        return Array(UnsafeBufferPointer(start: net.outputs, count: n * net.outputWidth))
            + Array(UnsafeBufferPointer(start: net.gradient, count: 3 * n))
    }

    /// Flips one byte in each region of the file in turn; every copy must be refused.
    static func expectEveryRegionGuarded(_ url: URL, load: (URL) throws -> Void) throws {
        let good = try Data(contentsOf: url)
        let headerLength = Int(WeightsFile.readU32([UInt8](good), 12))
        // magic, version, header length, header, header CRC, first value, last value, value CRC
        let offsets = [3, 9, 13, 16 + headerLength / 2, 16 + headerLength + 1, 20 + headerLength + 2, good.count - 6, good.count - 2]
        for o in offsets {
            var bad = good
            bad[o] ^= 0x10
            try bad.write(to: url)
            #expect(throws: SiderError.self, "byte \(o) of \(good.count) flipped") { try load(url) }
        }
        try good.prefix(good.count - 4).write(to: url)
        #expect(throws: SiderError.self, "truncated") { try load(url) }
        try good.write(to: url)
        try load(url)
    }

    /// Saves `store`'s network into `dir` with `save`, loads it back with `load` and expects the
    /// same views and values; returns the copy and the file.
    static func saveAndLoad<Network>(_ store: ParameterStore, _ name: String, in dir: URL, save: (URL) throws -> Void,
                                     load: (URL) throws -> Network, store copy: (Network) -> ParameterStore) throws -> (Network, URL) {
        let url = dir.appendingPathComponent(name)
        try save(url)
        let back = try load(url)
        #expect(copy(back).views == store.views)
        #expect(copy(back).valueArray == store.valueArray)
        return (back, url)
    }

    @Test(arguments: sdfConfigs())
    func geometryNetworkRoundTrips(_ config: SDFNetworkConfig) throws {
        let net = SDFNetwork(config: config, seed: 6)
        Self.perturb(net.store, seed: 7)
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (back, url) = try Self.saveAndLoad(net.store, "f.sidernn", in: dir, save: net.save(to:), load: SDFNetwork.load(from:),
                                               store: \.store)
        #expect(back.config == config)
        var rng = SeededGenerator(seed: 8)
        let points = (0..<30).map { _ in rng.uniform(-0.9, 0.9) }
        #expect(Self.outputs(back, points) == Self.outputs(net, points))
        try Self.expectEveryRegionGuarded(url) { _ = try SDFNetwork.load(from: $0) }
    }

    @Test func renderingNetworkRoundTrips() throws {
        let config = RenderingNetworkConfig(pointFrequencies: 2, viewFrequencies: 1, hidden: [16, 16], featureSize: 4,
                                            output: .sigmoid, weightNorm: true)
        let net = RenderingNetwork(config: config, seed: 2)
        Self.perturb(net.store, seed: 3)
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (back, url) = try Self.saveAndLoad(net.store, "g.sidernn", in: dir, save: net.save(to:),
                                               load: RenderingNetwork.load(from:), store: \.store)
        #expect(back.config == config)
        var rng = SeededGenerator(seed: 4)
        let n = 9
        let x = (0..<(3 * n)).map { _ in rng.uniform(-1, 1) }, nrm = (0..<(3 * n)).map { _ in rng.uniform(-1, 1) }
        let v = (0..<(3 * n)).map { _ in rng.uniform(-1, 1) }, gam = (0..<(4 * n)).map { _ in rng.normal() }
        func rgb(_ g: RenderingNetwork) -> [Float] {
            g.forward(points: x, normals: nrm, views: v, features: gam, count: n)
            return Array(UnsafeBufferPointer(start: g.rgb, count: 3 * n))
        }
        #expect(rgb(back) == rgb(net))
        try Self.expectEveryRegionGuarded(url) { _ = try RenderingNetwork.load(from: $0) }
        // A geometry file is not a rendering network, and the other way round.
        let f = dir.appendingPathComponent("f.sidernn")
        try SDFNetwork(config: Self.sdfConfigs()[0]).save(to: f)
        #expect(throws: SiderError.self) { try RenderingNetwork.load(from: f) }
        #expect(throws: SiderError.self) { try SDFNetwork.load(from: url) }
    }
}

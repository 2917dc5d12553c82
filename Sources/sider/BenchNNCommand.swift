import ArgumentParser
import Foundation
import NeuralFields
import SiderCore
import SiderPipeline

/// `sider bench nn [--points N] [--runs R]`: for each preset's geometry network f_θ, points/s
/// of forward, forward+backward, and forward+backward with the eikonal term (exact double
/// backward), the GFLOP/s those achieve in matrix products, and, measured in the same run,
/// cblas_sgemm's GFLOP/s on a 2048³ product; the ratio of the two is the engine's efficiency.
struct BenchNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn", abstract: "Time the neural-field engine against raw SGEMM.")

    @Option(help: "Points per batch.")
    var points: Int = 4096

    @Option(help: "Timed repetitions.")
    var runs: Int = 3

    @Option(help: "Shipped configs whose coarse network f_θ to time (comma-separated).")
    var presets: String = "paper,fast,grid"

    func run() throws {
        try reportingErrors {
            guard points > 0, runs > 0 else { throw SiderError(.badInput, "--points and --runs must be positive") }
            print("nn benchmark: \(points) points/batch, \(runs) runs, \(Parallel.workerCount) worker thread(s), BLAS threads \(BLAS.threads)")
            let env = ProcessInfo.processInfo.environment
            print("OpenBLAS kernel \(BLAS.coreName) (\(BLAS.buildConfig)); OPENBLAS_CORETYPE=\(env["OPENBLAS_CORETYPE"] ?? "unset"), OPENBLAS_L2_SIZE=\(env["OPENBLAS_L2_SIZE"] ?? "unset")")
            let sgemm = Self.sgemmGFLOPS(n: 2048, runs: runs)
            print(String(format: "cblas_sgemm 2048³: %.1f GFLOP/s", sgemm))
            for name in presets.split(separator: ",") {
                let config = try ConfigLoader.shipped(String(name))
                benchmark(config.coarse.network, name: config.name, sgemm: sgemm)
            }
        }
    }

    func benchmark(_ network: SDFNetworkConfig, name: String, sgemm: Double) {
        let net = SDFNetwork(config: network, seed: 1)
        var rng = SeededGenerator(seed: 2)
        let x = (0..<(3 * points)).map { _ in rng.uniform(-0.9, 0.9) }
        let dS = [Float](repeating: 1 / Float(points), count: points)
        let dG = (0..<(3 * points)).map { _ in rng.normal() / Float(points) }
        let macs = Double(net.macsPerPoint) * Double(points)
        let last = net.mlp.layers[net.mlp.layers.count - 1]
        let hiddenMacs = macs - Double(last.inputs * last.outputs) * Double(points)
        BLAS.singleThreaded {
        print("preset \(name): \(net.store.count) parameters, \(net.macsPerPoint) MACs/point, BLAS threads \(BLAS.threads)")
        x.withUnsafeBufferPointer { xp in dS.withUnsafeBufferPointer { sp in dG.withUnsafeBufferPointer { gp in
            let fwd = Bench.time(runs: runs) { net.forward(points: xp.baseAddress!, count: points, gradient: false) }
            let fb = Bench.time(runs: runs) {
                net.forward(points: xp.baseAddress!, count: points, gradient: false)
                net.backward(dSDF: sp.baseAddress, dFeatures: nil, dGradient: nil)
            }
            let eik = Bench.time(runs: runs) {
                net.forward(points: xp.baseAddress!, count: points, gradient: true)
                net.backward(dSDF: sp.baseAddress, dFeatures: nil, dGradient: gp.baseAddress)
            }
            // Matrix-product FLOPs: forward 2·MACs; + backward (dU, dW) 4·MACs; with the
            // eikonal term also the gradient path 2·MACs and its reverse 4·MACs.
            // (the output layer's part of the gradient path is a broadcast row, not a product).
            for (label, t, flops) in [("forward", fwd, 2 * macs), ("forward+backward", fb, 6 * macs),
                                      ("forward+backward+eikonal", eik, 6 * macs + 6 * hiddenMacs)] {
                let gflops = flops / (t.min * 1e-3) / 1e9
                print("  " + label.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "%10.0f points/s  %7.1f GFLOP/s  (%.0f%% of SGEMM)  [%.1f ms]",
                             Double(points) / (t.min * 1e-3), gflops, 100 * gflops / sgemm, t.min))
            }
        } } }
        }
    }

    static func sgemmGFLOPS(n: Int, runs: Int) -> Double {
        var rng = SeededGenerator(seed: 3)
        let a = (0..<(n * n)).map { _ in rng.uniform(-1, 1) }
        let b = (0..<(n * n)).map { _ in rng.uniform(-1, 1) }
        var c = [Float](repeating: 0, count: n * n)
        let t = a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            Bench.time(runs: runs) {
                BLAS.sgemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n,
                           c: cp.baseAddress!, ldc: n)
            }
        } } }
        return 2 * Double(n) * Double(n) * Double(n) / (t.min * 1e-3) / 1e9
    }
}

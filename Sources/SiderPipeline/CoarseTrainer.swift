import Foundation
import Geometry
import NeuralFields
import SiderCore

/// One line of the coarse stage's loss log.
public struct CoarseLossRecord: Sendable, Codable, Equatable {
    public var step: Int
    /// Loss_geo (Eq. 4): mean |f − SDF_GT| over the batch, in normalised units.
    public var geometric: Float
    /// Loss_eik (Eq. 6): mean (‖∇f‖ − 1)² over the batch.
    public var eikonal: Float
    /// Loss_coarse (Eq. 7) = geometric + λ·eikonal.
    public var total: Float
    public var learningRate: Float
    public var seconds: Double
}

/// The fitted coarse SDF: f_θ and the frame that maps mesh coordinates into it.
public struct CoarseSDF: @unchecked Sendable {
    public let network: SDFNetwork
    public let frame: CoarseFrame
    /// ε of Eq. 5, in mesh units.
    public let thickness: Float

    /// SDF values in mesh units at mesh-frame points.
    public func distances(_ points: [SIMD3<Float>]) -> [Float] {
        network.evaluate(points.map(frame.normalised)).map { $0 * frame.scale }
    }
}

/// Fits f_θ to a mesh (Sect. 3.2): minimises Loss_coarse = mean|f(φ(x)) − SDF_GT(x)| +
/// λ·mean(‖∇ₓf‖ − 1)² (Eq. 4–7) over batches drawn from the pool 𝒫, with Adam.
///
/// The eikonal term's gradient in θ goes through the exact double backward of `SDFNetwork`.
/// Deterministic given the preset's seed (and independent of the mesh's triangle order).
public final class CoarseTrainer {
    public let preset: CoarsePreset
    public let mesh: TriangleMesh
    public let frame: CoarseFrame
    public let network: SDFNetwork
    public private(set) var log: [CoarseLossRecord] = []
    private let log_ = SiderLog.make("coarse")
    private var rng: SeededGenerator
    private let bvh: MeshBVH
    public let samples: CoarseSamples

    public init(mesh: TriangleMesh, preset: CoarsePreset) throws {
        try mesh.validate(name: "coarse mesh")
        guard !mesh.faces.isEmpty else { throw SiderError(.badInput, "coarse mesh has no triangles") }
        guard preset.iterations >= 0, preset.batchSize > 0, preset.poolSize >= preset.batchSize else {
            throw SiderError(.badInput, "coarse preset needs iterations ≥ 0 and poolSize ≥ batchSize > 0")
        }
        self.preset = preset
        let mesh = mesh.canonicalFaceOrder()
        self.mesh = mesh
        let box = mesh.boundingBox
        guard box.diagonal > 0, box.diagonal.isFinite else { throw SiderError(.badInput, "coarse mesh is degenerate") }
        frame = CoarseFrame(box: box)
        rng = SeededGenerator(seed: preset.seed)
        network = SDFNetwork(config: preset.network, seed: rng.next())
        if let bands = preset.coarseBands { network.setActiveBands(bands) }
        bvh = try MeshBVH(mesh)
        var poolRng = rng.fork()
        samples = CoarseSamples(mesh: mesh, bvh: bvh, frame: frame, preset: preset, count: preset.poolSize, rng: &poolRng)
    }

    /// Runs the optimisation; `every` sets how often a log record is kept (and passed to `progress`).
    public func train(every: Int = 50, progress: ((CoarseLossRecord) -> Void)? = nil) throws -> CoarseSDF {
        try withBLASThreads(for: network) { try trainSteps(every: every, progress: progress) }
    }

    private func trainSteps(every: Int, progress: ((CoarseLossRecord) -> Void)?) throws -> CoarseSDF {
        let n = preset.batchSize, lambda = preset.eikonalWeight
        let adam = Adam(store: network.store, learningRate: preset.learningRate.rate(at: 0))
        var batch = [Float](repeating: 0, count: 3 * n)
        var target = [Float](repeating: 0, count: n)
        var dS = [Float](repeating: 0, count: n)
        var dG = [Float](repeating: 0, count: 3 * n)
        network.prepare(rows: n, gradient: true)
        let clock = Stopwatch()
        for step in 0..<preset.iterations {
            // Draw a batch from 𝒫.
            let pool = samples.count
            for i in 0..<n {
                let j = Int(rng.next() % UInt64(pool))
                batch[3 * i] = samples.points[3 * j]; batch[3 * i + 1] = samples.points[3 * j + 1]
                batch[3 * i + 2] = samples.points[3 * j + 2]
                target[i] = samples.targets[j]
            }
            network.store.zeroGrads()
            let (geo, eik) = CoarseLoss.accumulateGradients(network, points: batch, targets: target, lambda: lambda,
                                                            dS: &dS, dG: &dG)
            guard geo.isFinite, eik.isFinite else {
                throw SiderError(.numerical, "coarse stage diverged at step \(step) (NaN/Inf loss)")
            }
            adam.learningRate = preset.learningRate.rate(at: step)
            adam.step()
            if step % every == 0 || step == preset.iterations - 1 {
                let g = Float(geo), e = Float(eik)
                let rec = CoarseLossRecord(step: step, geometric: g, eikonal: e, total: g + lambda * e,
                                           learningRate: adam.learningRate, seconds: clock.seconds)
                log.append(rec)
                progress?(rec)
                log_.debug("step \(step): geo \(g) eik \(e)")
            }
        }
        return CoarseSDF(network: network, frame: frame, thickness: preset.thicknessFraction * mesh.boundingBox.diagonal)
    }

    /// The loss log as CSV (step, Loss_geo, Loss_eik, Loss_coarse, learning rate, seconds).
    public var logCSV: String {
        var s = "step,loss_geo,loss_eik,loss_coarse,learning_rate,seconds\n"
        for r in log { s += "\(r.step),\(r.geometric),\(r.eikonal),\(r.total),\(r.learningRate),\(String(format: "%.3f", r.seconds))\n" }
        return s
    }
}

/// Runs `body` with OpenBLAS on one thread (`BLAS.singleThreaded`): the networks spread their
/// products across the cores themselves, in fixed blocks, so that results do not depend on
/// OpenBLAS's thread count; OpenBLAS's own threads would only spin (sched_yield) against those
/// workers. Holding the scope for a whole stage saves re-entering it per product.
public func withBLASThreads<T>(for network: SDFNetwork, _ body: () throws -> T) rethrows -> T {
    try BLAS.singleThreaded(body)
}

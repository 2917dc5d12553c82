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
    /// The normal term: mean ‖∇f − ∇SDF_GT‖² over the batch (`GradientAgreement`).
    public var normal: Float
    /// Loss_coarse (Eq. 7) = geometric + λ·eikonal + λ_n·normal.
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

/// The resumable part of a coarse run besides f_c's tensors.
public struct CoarseRunState: Codable, Sendable, Equatable {
    /// Steps taken.
    public var step: Int
    public var rng: SeededGenerator
    public var log: [CoarseLossRecord]
}

/// Why a coarse run ended.
public enum CoarseStopReason: String, Codable, Sendable { case finished, interrupted }

/// Fits f_θ to a mesh (Sect. 3.2): minimises Loss_coarse = mean|f(φ(x)) − SDF_GT(x)| +
/// λ·mean(‖∇ₓf‖ − 1)² (Eq. 4–7: the `SDFAgreement` and `Eikonal` terms) over batches drawn from
/// the pool 𝒫, with Adam. The eikonal term's gradient in θ goes through the exact double backward
/// of `SDFNetwork`. Deterministic given the seed (and independent of the mesh's triangle order);
/// resumable: `state` and `group` (f_c's weights and Adam) restored continue bit for bit.
public final class CoarseTrainer: TrainableModel {
    public let config: CoarseStageConfig
    public let mesh: TriangleMesh
    public let frame: CoarseFrame
    public let network: SDFNetwork
    /// f_c's parameter group ("f_c"): its weights and Adam state.
    public let group: NetworkParameterGroup
    public private(set) var state: CoarseRunState
    private let bvh: MeshBVH
    public let samples: CoarseSamples

    public init(mesh: TriangleMesh, config: CoarseStageConfig, seed: UInt64) throws {
        try mesh.validate(name: "coarse mesh")
        guard !mesh.faces.isEmpty else { throw SiderError(.badInput, "coarse mesh has no triangles") }
        guard config.steps >= 0, config.batchSize > 0, config.poolSize >= config.batchSize else {
            throw SiderError(.badInput, "the coarse stage needs steps ≥ 0 and poolSize ≥ batchSize > 0")
        }
        self.config = config
        let mesh = mesh.canonicalFaceOrder()
        self.mesh = mesh
        let box = mesh.boundingBox
        guard box.diagonal > 0, box.diagonal.isFinite else { throw SiderError(.badInput, "coarse mesh is degenerate") }
        frame = CoarseFrame(box: box)
        var rng = SeededGenerator(seed: seed)
        let network = SDFNetwork(config: config.network, seed: rng.next())
        self.network = network
        group = NetworkParameterGroup(name: "f_c", store: network.store) { network.mlp.accumulatesParameterGradients = $0 }
        bvh = try MeshBVH(mesh)
        var poolRng = rng.fork()
        samples = CoarseSamples(mesh: mesh, bvh: bvh, frame: frame, config: config, count: config.poolSize, rng: &poolRng)
        state = CoarseRunState(step: 0, rng: rng, log: [])
    }

    public var log: [CoarseLossRecord] { state.log }
    public var isFinished: Bool { state.step >= config.steps }
    public var sdf: CoarseSDF { CoarseSDF(network: network, frame: frame, thickness: config.shellThickness * mesh.boundingBox.diagonal) }

    public var parameterGroups: [any ParameterGroup] { [group] }

    /// Continues from a saved state; f_c's tensors come back through `restoreNamedTensors`
    /// (not needed when the detail stage's checkpoint restores f_c itself).
    public func resume(state saved: CoarseRunState) {
        state = saved
    }

    /// Runs the remaining steps, or until `shouldStop` (checked before each step) says stop;
    /// calls `checkpoint` every `checkpointEvery` steps (0: never) and on interrupt, and
    /// `progress` with each log record (every `config.logEvery` steps and the last).
    @discardableResult
    public func train(checkpointEvery: Int = 0, shouldStop: () -> Bool = { false },
                      checkpoint: ((CoarseTrainer) throws -> Void)? = nil,
                      progress: ((CoarseLossRecord) -> Void)? = nil) throws -> CoarseStopReason {
        try BLAS.singleThreaded {
            try trainSteps(checkpointEvery: checkpointEvery, shouldStop: shouldStop, checkpoint: checkpoint, progress: progress)
        }
    }

    private func trainSteps(checkpointEvery: Int, shouldStop: () -> Bool, checkpoint: ((CoarseTrainer) throws -> Void)?,
                            progress: ((CoarseLossRecord) -> Void)?) throws -> CoarseStopReason {
        let n = config.batchSize, lambda = config.eikonalWeight, every = max(1, config.logEvery)
        var batch = [Float](repeating: 0, count: 3 * n)
        var target = [Float](repeating: 0, count: n)
        var targetGradient = [Float](repeating: 0, count: 3 * n)
        var dS = [Float](repeating: 0, count: n)
        var dG = [Float](repeating: 0, count: 3 * n)
        network.prepare(rows: n, gradient: true)
        let clock = Stopwatch()
        while state.step < config.steps {
            if shouldStop() {
                try checkpoint?(self)
                return .interrupted
            }
            let step = state.step
            // Draw a batch from 𝒫.
            let pool = samples.count
            for i in 0..<n {
                let j = Int(state.rng.next() % UInt64(pool))
                batch[3 * i] = samples.points[3 * j]; batch[3 * i + 1] = samples.points[3 * j + 1]
                batch[3 * i + 2] = samples.points[3 * j + 2]
                target[i] = samples.targets[j]
                for k in 0..<3 { targetGradient[3 * i + k] = samples.gradients[3 * j + k] }
            }
            network.store.zeroGrads()
            let (geo, eik, nrm) = Self.accumulateGradients(network, points: batch, targets: target, lambda: lambda,
                                                           gradientTargets: targetGradient, lambdaN: config.normalWeight,
                                                           dS: &dS, dG: &dG)
            guard geo.isFinite, eik.isFinite, nrm.isFinite else {
                throw SiderError(.numerical, "coarse stage diverged at step \(step) (NaN/Inf loss)")
            }
            group.step(learningRate: config.learningRate.rate(at: step, steps: config.steps))
            state.step += 1
            if step % every == 0 || step == config.steps - 1 {
                let g = Float(geo), e = Float(eik), nn = Float(nrm)
                let rec = CoarseLossRecord(step: step, geometric: g, eikonal: e, normal: nn,
                                           total: g + lambda * e + config.normalWeight * nn,
                                           learningRate: group.adam.learningRate, seconds: clock.seconds)
                state.log.append(rec)
                progress?(rec)
            }
            if checkpointEvery > 0, state.step % checkpointEvery == 0, state.step < config.steps { try checkpoint?(self) }
        }
        return .finished
    }

    /// Loss_coarse of Eq. 7 on one batch (flat x y z points, normalised frame), plus λ_n times
    /// the normal term against `gradientTargets` (3N) when λ_n > 0: runs forward and backward,
    /// accumulating ∂L/∂θ into `network.store.grads`; returns (Loss_geo, Loss_eik, normal term).
    /// `dS` (N) and `dG` (3N) are caller-owned scratch.
    @discardableResult
    public static func accumulateGradients(_ network: SDFNetwork, points: [Float], targets: [Float], lambda: Float,
                                           gradientTargets: [Float] = [], lambdaN: Float = 0,
                                           dS: inout [Float], dG: inout [Float]) -> (geometric: Double, eikonal: Double, normal: Double) {
        let n = targets.count
        points.withUnsafeBufferPointer { network.forward(points: $0.baseAddress!, count: n, gradient: true) }
        let geo = SDFAgreement.accumulate(count: n, weight: 1, lengthUnit: 1, sdf: { network.sdf($0) },
                                          target: { targets[$0] }, dSDF: { dS[$0] = $1 })
        let grad = network.gradient
        for i in 0..<(3 * n) { dG[i] = 0 }
        let eik = Eikonal.accumulate(count: n, weight: lambda,
                                     gradient: { SIMD3(grad[3 * $0], grad[3 * $0 + 1], grad[3 * $0 + 2]) },
                                     dGradient: { i, g in dG[3 * i] = g.x; dG[3 * i + 1] = g.y; dG[3 * i + 2] = g.z })
        var nrm: Double = 0
        if lambdaN > 0 {
            nrm = GradientAgreement.accumulate(count: n, weight: lambdaN,
                                               gradient: { SIMD3(grad[3 * $0], grad[3 * $0 + 1], grad[3 * $0 + 2]) },
                                               target: { SIMD3(gradientTargets[3 * $0], gradientTargets[3 * $0 + 1], gradientTargets[3 * $0 + 2]) },
                                               dGradient: { i, g in dG[3 * i] += g.x; dG[3 * i + 1] += g.y; dG[3 * i + 2] += g.z })
        }
        if geo.isFinite && eik.isFinite && nrm.isFinite {
            dS.withUnsafeBufferPointer { sp in dG.withUnsafeBufferPointer { gp in
                network.backward(dSDF: sp.baseAddress, dFeatures: nil, dGradient: gp.baseAddress)
            } }
        }
        return (geo, eik, nrm)
    }

    /// The loss log as CSV (step, Loss_geo, Loss_eik, Loss_coarse, learning rate, seconds).
    public var logCSV: String {
        var s = "step,loss_geo,loss_eik,loss_normal,loss_coarse,learning_rate,seconds\n"
        for r in state.log { s += "\(r.step),\(r.geometric),\(r.eikonal),\(r.normal),\(r.total),\(r.learningRate),\(String(format: "%.3f", r.seconds))\n" }
        return s
    }
}

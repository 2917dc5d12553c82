import Foundation
import NeuralFields
import SiderPipeline

/// Configs for tests: the shipped files (read through `ConfigLoader`, so the tests run what
/// users run) and small variants of them.
enum TestConfigs {
    static func shipped(_ name: String) -> ReconstructionConfig {
        do { return try ConfigLoader.shipped(name) } catch { fatalError("shipped config \(name): \(error)") }
    }

    /// The detail stage for the analytic scenes (test models with groups "f" and "g"):
    /// fast-network.json's stage (the network g_ω's inputs) with these values, no smoothness unless asked.
    static func detail(iterations: Int, rays: Int = 256, points: Int = 128, learningRate: Float = 1e-3,
                       lambda1: Float = 0.1, lambda2: Float = 0, smoothness: (weight: Float, step: Float, points: Int)? = nil,
                       geometryFrom: Int = 0, patience: Int = 1000,
                       groups: [String: ParameterGroupConfig]? = nil) -> DetailStageConfig {
        var d = shipped("fast-network").detail
        d.iterations = iterations
        d.raysPerBatch = rays
        d.pointsPerBatch = points
        d.optimizer.learningRate = .constant(learningRate)
        d.optimizer.groups = groups ?? ["f": ParameterGroupConfig(frozen: false, startIteration: geometryFrom),
                                        "g": ParameterGroupConfig(frozen: false, startIteration: 0)]
        d.losses = ["photometric": ["weight": 1], "sdf": ["weight": lambda1], "eikonal": ["weight": lambda2]]
        if let smoothness {
            d.losses["smoothness"] = ["weight": smoothness.weight, "step": smoothness.step, "points": Float(smoothness.points)]
        }
        d.stopping.patience = patience
        return d
    }

    static func checkpoints(every: Int = 0, goodStateEvery: Int = 10) -> CheckpointConfig {
        CheckpointConfig(every: every, coarseEvery: 0, snapshotEvery: 0, goodStateEvery: goodStateEvery)
    }

    static func group(frozen: Bool = false, from: Int = 0) -> ParameterGroupConfig {
        ParameterGroupConfig(frozen: frozen, startIteration: from)
    }
}

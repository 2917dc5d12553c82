import ArgumentParser
import Foundation
import SiderCore
import SiderPipeline

/// The options that choose a `ReconstructionConfig`, shared by `reconstruct` and `bench quality`:
/// a file (`--config`, also a run.json), else a shipped preset (`--preset`), then `--set`
/// key.path=value overrides and the shortcuts below, each of which is one such override.
struct ConfigOptions: ParsableArguments {
    @Option(help: "A config file (JSON; configs/ has the shipped ones), or a run.json to repeat that run.")
    var config: String?

    @Option(help: "A shipped config by name: fast, fast-network, paper, paper-intrinsic, grid, ablation/no-feature, ablation/no-normal, ablation/no-feature-no-normal.")
    var preset: String = "fast"

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one config field, e.g. --set detail.losses.sdf.weight=2 (repeatable).", valueName: "key.path=value"))
    var overrides: [String] = []

    @Option(help: "Side of the square face crop in pixels (crop.size).")
    var size: Int?

    @Option(help: "Maximum detail iterations (detail.iterations).")
    var iterations: Int?

    @Option(help: "Coarse-stage steps (coarse.steps).")
    var coarseIterations: Int?

    @Option(help: "Weight λ_s of the normal smoothness prior (detail.losses.smoothness.weight; 0 turns it off).")
    var smoothness: Float?

    @Option(help: "Random seed (seed).")
    var seed: UInt64?

    @Flag(help: "Ablation (a) of the network g_ω (--preset fast-network): no feature vector γ into g_ω (detail.shader.feature=false).")
    var noFeature = false

    @Flag(help: "Ablation (b) of the network g_ω (--preset fast-network): no normals into g_ω (detail.shader.normal=false; with --no-feature: (c)).")
    var noNormal = false

    /// Every override, the shortcuts after the `--set` ones.
    var allOverrides: [String] {
        var o = overrides
        if let size { o.append("crop.size=\(size)") }
        if let iterations { o.append("detail.iterations=\(iterations)") }
        if let coarseIterations { o.append("coarse.steps=\(coarseIterations)") }
        if let smoothness { o.append("detail.losses.smoothness.weight=\(smoothness)") }
        if let seed { o.append("seed=\(seed)") }
        if noFeature { o.append("detail.shader.feature=false") }
        if noNormal { o.append("detail.shader.normal=false") }
        return o
    }

    func resolve() throws -> ReconstructionConfig {
        if let config { return try ConfigLoader.load(URL(fileURLWithPath: config), overrides: allOverrides) }
        return try ConfigLoader.shipped(preset, overrides: allOverrides)
    }
}

import ArgumentParser
import Evaluation
import Foundation
import SiderCore
import SiderPipeline

/// `sider bench quality [--cases N] [--seed S] [--preset NAME | --config FILE] [--set key=value …] [--flame FILE] [--out DIR]`:
/// renders N views of the james scan, reconstructs each as a user's photo (coarse prior — the
/// landmark mesh, or FLAME with `--flame` — and SIDER detail, one preset) and prints the NoW /
/// normal-error / time table (`QualityBenchmark`).
struct BenchQualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "NoW error, normal error and time of the coarse prior and SIDER on renders of the james scan.")

    @Option(help: "Number of rendered views (seeds S, S+1, …).") var cases = 3
    @Option(name: .customLong("view-seed"), help: "Seed of the first view.") var viewSeed: UInt64 = 1
    @Option(name: .customLong("render-size"), help: "Render side in pixels.") var renderSize = 512
    @OptionGroup var configOptions: ConfigOptions
    @Option(help: "Output folder.") var out = "out/bench-quality"
    @Flag(help: "Write into --out even if it holds files that sider did not write.") var force = false
    @Flag(help: "No progress bars (stage lines are still printed).") var quiet = false
    @OptionGroup var flameOptions: FLAMEOptions

    func run() throws {
        try reportingErrors {
            let config = try configOptions.resolve()
            let dir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "bench quality", force: force)
            var options = QualityBenchmark.Options(config: config, outputDirectory: dir)
            options.cases = cases
            options.seed = viewSeed
            options.renderSize = renderSize
            options.showProgress = !quiet
            options.coarsePrior = try flameOptions.coarsePrior()
            let report = try QualityBenchmark.run(options) { line in
                FileHandle.standardError.write(Data("quality: \(line)\n".utf8))
            }
            print(report.markdown)
            print("wrote \(out)/{quality.json,quality.md,cumulative_error.png,cumulative_error.svg,case_*}")
        }
    }
}

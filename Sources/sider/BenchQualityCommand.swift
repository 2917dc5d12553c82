import ArgumentParser
import Evaluation
import Foundation
import SiderCore
import SiderPipeline

/// `sider bench quality [--suite standard|wrinkles] [--cases N] [--view-seed S] [--preset NAME | --config FILE]
/// [--set key=value …] [--flame FILE] [--out DIR]`: renders N views of the james scan, reconstructs each as a user's
/// photo (coarse prior — the landmark mesh, or FLAME with `--flame` — and SIDER detail, one config) and prints the
/// NoW / normal-error / time table (`QualityBenchmark`). `--suite wrinkles` renders, in each of the N scenes, the
/// scan with known wrinkle relief (`--patterns`, `--amplitudes`) and the albedo-only control, and adds the wrinkle
/// scores (`WrinkleBenchmark`).
struct BenchQualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "NoW error, normal error and time of the coarse prior and SIDER on renders of the james scan.")

    @Option(help: "Benchmark suite: standard (plain renders) or wrinkles (known relief and an albedo-only control).")
    var suite = "standard"
    @Option(help: "Number of rendered views (seeds S, S+1, …; default 3, wrinkles 2).") var cases: Int?
    @Option(help: "Wrinkle suite: comma-separated cases (forehead, frown, nasolabial, crowsfeet, all, control).")
    var patterns = "forehead,frown,nasolabial,crowsfeet,all,control"
    @Option(help: "Wrinkle suite: comma-separated furrow depths in mm.") var amplitudes = "0.3,0.6,1.0"
    @Option(help: "Wrinkle suite: the scan's texture as photographed (scan) or with its own wrinkle shading taken out of the face (flattened).")
    var texture = "scan"
    @Option(name: .customLong("start-from"),
            help: "Wrinkle suite: the mesh the detail stage starts from: prior (the landmark prior, as on a photo) or truth (the undisplaced scan: a diagnostic of the detail stage alone).")
    var startFrom = "prior"
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
            guard ["standard", "wrinkles"].contains(suite) else {
                throw SiderError(.badInput, "unknown suite '\(suite)' (standard or wrinkles)")
            }
            let specs = suite == "wrinkles" ? try wrinkleCases() : []
            guard ["scan", "flattened"].contains(texture) else {
                throw SiderError(.badInput, "unknown --texture '\(texture)' (scan or flattened)")
            }
            guard ["prior", "truth"].contains(startFrom) else {
                throw SiderError(.badInput, "unknown --start-from '\(startFrom)' (prior or truth)")
            }
            let dir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "bench quality", force: force)
            var options = QualityBenchmark.Options(config: config, outputDirectory: dir)
            options.seed = viewSeed
            options.renderSize = renderSize
            options.showProgress = !quiet
            options.coarsePrior = try flameOptions.coarsePrior()
            let log: (String) -> Void = { FileHandle.standardError.write(Data("quality: \($0)\n".utf8)) }
            if suite == "wrinkles" {
                options.cases = cases ?? 2
                let report = try WrinkleBenchmark.run(WrinkleBenchmark.Options(base: options, specs: specs, flattenTexture: texture == "flattened",
                                                                                priorFromTruth: startFrom == "truth"), progress: log)
                print(report.markdown)
                print("wrote \(out)/{quality.json,quality.md,seed_*/*}")
                return
            }
            options.cases = cases ?? 3
            let report = try QualityBenchmark.run(options, progress: log)
            print(report.markdown)
            print("wrote \(out)/{quality.json,quality.md,cumulative_error.png,cumulative_error.svg,case_*}")
        }
    }

    /// The wrinkle suite's cases from --patterns and --amplitudes.
    func wrinkleCases() throws -> [WrinkleCaseSpec] {
        let depths = try amplitudes.split(separator: ",").map { text -> Float in
            guard let v = Float(text.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw SiderError(.badInput, "--amplitudes: '\(text)' is not a number")
            }
            return v
        }
        return try WrinkleCaseSpec.cases(names: patterns.split(separator: ",").map(String.init), amplitudes: depths)
    }
}

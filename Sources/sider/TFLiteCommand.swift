import ArgumentParser
import Foundation
import SiderCore
import TFLite

/// `sider tflite`: describes TFLite models (inputs, outputs, operators) and times our interpreter
/// on them. One core: `SIDER_THREADS=1 sider tflite --blas-threads 1`.
struct TFLiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tflite",
        abstract: "Describe TFLite models and time the interpreter (ms per invoke, per operator type).")

    @Argument(help: "Model files (default: the three MediaPipe face models in the data cache).")
    var models: [String] = []

    @Option(help: "Timed invocations per model (after one warm-up).")
    var runs = 20

    @Option(help: "OpenBLAS threads (default: leave as is). parallelFor follows SIDER_THREADS.")
    var blasThreads: Int?

    @Flag(help: "Also print time per operator type.")
    var operators = false

    @Flag(help: "Also print the slowest nodes.")
    var nodes = false

    func run() throws {
        do {
            if let n = blasThreads { BLAS.setThreads(n) }
            let urls = models.isEmpty
                ? try ["face_detection_short_range.tflite", "face_detection_full_range_sparse.tflite", "face_landmark.tflite"]
                    .map { try DataPaths.require(DataPaths.model($0)) }
                : models.map { URL(fileURLWithPath: $0) }
            print("threads: parallelFor \(Parallel.workerCount), OpenBLAS \(BLAS.threads)")
            for url in urls { try describe(url) }
        } catch let e as SiderError {
            FileHandle.standardError.write(Data("error: \(e.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func describe(_ url: URL) throws {
        var clock = Stopwatch()
        let model = try TFLiteModel(contentsOf: url)
        let interpreter = try Interpreter(model: model)
        let setup = clock.milliseconds
        print("\(model.name) (version \(model.version), planned in \(String(format: "%.1f", setup)) ms)")
        print("  inputs:  \(model.inputs.map(\.description).joined(separator: ", "))")
        print("  outputs: \(model.outputs.map(\.description).joined(separator: ", "))")
        print("  operators: " + model.operatorCounts.map { "\($0.name)×\($0.count)" }.joined(separator: " "))
        print("  tensor types: " + model.tensorTypeCounts.map { "\($0.type)×\($0.count)" }.joined(separator: " ")
              + ", sparse tensors: \(model.sparseTensorCount), kernels run: \(interpreter.kernelCount)")
        let input = model.inputs.map { info in (0..<info.elementCount).map { Float($0 % 255) / 255 } }
        _ = try interpreter.invoke(input)
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            clock.reset()
            _ = try interpreter.invoke(input)
            times.append(clock.milliseconds)
        }
        times.sort()
        print(String(format: "  invoke: median %.2f ms, min %.2f ms over %d runs", times[times.count / 2], times[0], times.count))
        guard operators || nodes else { return }
        interpreter.profilingEnabled = true
        let n = max(runs, 1)
        for _ in 0..<n { _ = try interpreter.invoke(input) }
        func line(_ t: OperatorTiming) -> String {
            String(format: "%8.3f ms/invoke (fastest %.3f)  ", t.milliseconds / Double(n), t.fastestMilliseconds) + t.name
        }
        if operators {
            for t in interpreter.operatorTimings() { print("    \(line(t)) (\(t.count / n) nodes)") }
        }
        if nodes {
            for t in interpreter.operatorTimings(perNode: true).prefix(15) { print("    \(line(t))") }
        }
    }
}

import ArgumentParser
import Foundation
import ImageIO
import Landmarks
import SiderCore

/// `sider bench ...`: benchmarks that print timings (never tests). Each benchmark is a
/// subcommand in its own file or below; add it to `Bench.benchmarks`.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the stages; prints milliseconds.",
        subcommands: Bench.benchmarks)

    /// Every benchmark subcommand. Add new ones here (one line each).
    static let benchmarks: [any ParsableCommand.Type] = [
        BenchLandmarks.self,
        BenchGeometryCommand.self,
        BenchNN.self,
    ]

    /// Mean and minimum of `runs` timings of `body`, in milliseconds, after one warm-up call.
    static func time(runs: Int, _ body: () throws -> Void) rethrows -> (mean: Double, min: Double) {
        try body()
        var total = 0.0, best = Double.infinity
        for _ in 0..<max(1, runs) {
            let clock = Stopwatch()
            try body()
            let ms = clock.milliseconds
            total += ms; best = min(best, ms)
        }
        return (total / Double(max(1, runs)), best)
    }

    /// Prints one aligned line "label  mean ms  (min ms)".
    static func report(_ label: String, _ t: (mean: Double, min: Double)) {
        print(label.padding(toLength: 34, withPad: " ", startingAt: 0)
              + String(format: "%8.2f ms  (min %.2f)", t.mean, t.min))
    }

    /// Runs `body`, turning a `SiderError` into a one-line message and a failing exit.
    static func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let error as SiderError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `sider bench landmarks [IMAGE] [--runs N]`: milliseconds per stage (decode, detect short and
/// full range, mesh) on the photo, then detection + mesh on a 256×256 crop around its face.
/// Set SIDER_THREADS=1 for single-core figures.
struct BenchLandmarks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landmarks", abstract: "Time decode, face detection and face mesh.")

    @Argument(help: "Photo (default: the obama2 sample).")
    var image: String?

    @Option(help: "Timed repetitions per stage.")
    var runs: Int = 10

    func run() throws {
        try Bench.guarded {
            let url = image.map { URL(fileURLWithPath: $0) } ?? DataPaths.samplePhoto
            print("landmarks benchmark: \(url.lastPathComponent), \(runs) runs, \(Parallel.workerCount) worker thread(s)")
            var photo = RGBImage(width: 0, height: 0)
            Bench.report("decode", try Bench.time(runs: runs) { photo = try ImageDecoder.load(url) })
            let short = try FaceDetector(model: .shortRange)
            let full = try FaceDetector(model: .fullRange)
            let meshOnly = try FaceLandmarker(detectors: .both, points68: .meshMapping)
            Bench.report("detect short range (128)", try Bench.time(runs: runs) { _ = try short.detect(photo) })
            Bench.report("detect full range (192)", try Bench.time(runs: runs) { _ = try full.detect(photo) })
            guard let face = try meshOnly.detectFaces(photo).first else {
                throw SiderError(.noFace, "no face found in \(url.lastPathComponent)")
            }
            var mapped: [SIMD2<Float>] = []
            Bench.report("mesh (192) + 468→68 mapping", try Bench.time(runs: runs) {
                mapped = try meshOnly.landmarks(photo, detection: face).points68
            })
            if FileManager.default.fileExists(atPath: DlibShapePredictor.defaultFile.path) {
                let clock = Stopwatch()
                let dlib = try DlibShapePredictor.shared()
                let ms = clock.milliseconds
                Bench.report("dlib model read (once)", (ms, ms))
                Bench.report("68 points (dlib, 2 passes)", Bench.time(runs: runs) { _ = dlib.refine(mapped, in: photo) })
            }
            Bench.report("total (detect both + mesh)", try Bench.time(runs: runs) { _ = try meshOnly.run(photo) })

            // The same face alone in a 256×256 image (a square 1.6× the box around it).
            let side = 1.6 * max(face.box.width, face.box.height)
            let c = face.box.center
            let crop = photo.cropped(x: Int((c.x - side / 2).rounded()), y: Int((c.y - side / 2).rounded()),
                                     width: Int(side.rounded()), height: Int(side.rounded()))
                .resized(width: 256, height: 256)
            let shortOnly = try FaceLandmarker(detectors: .shortRange, points68: .meshMapping)
            print("256×256 face:")
            Bench.report("  detect short range + mesh", try Bench.time(runs: runs) { _ = try shortOnly.run(crop) })
            Bench.report("  detect both + mesh", try Bench.time(runs: runs) { _ = try meshOnly.run(crop) })
        }
    }
}

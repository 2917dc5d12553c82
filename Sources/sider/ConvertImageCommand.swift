import ArgumentParser
import Foundation
import ImageIO
import SiderCore

/// `sider convert-image`: decodes any supported image (JPEG with EXIF orientation, PNG, PPM/PGM),
/// optionally fits it into a size, and writes PNG; prints the size and the decode time.
struct ConvertImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-image",
        abstract: "Decode an image (JPEG/PNG/PPM/PGM, format from its bytes) and write it as PNG.")

    @Argument(help: "Input image.") var input: String
    @Argument(help: "Output PNG (omit to only decode and report).") var output: String?
    @Option(help: "Shrink so that the longer side is at most this many pixels.") var maxSide: Int?
    @Option(help: "Decode this many times and report the median time.") var `repeat`: Int = 1
    @Flag(help: "Replace OUTPUT if it exists.") var force = false
    @Flag(help: "Also time a 256×256 rotated affine warp, a resize to half size and to 1/8 size.") var timing = false

    func run() throws {
        do {
            let url = URL(fileURLWithPath: input)
            if let output, !force, FileManager.default.fileExists(atPath: output) {
                throw SiderError(.badInput, "\(output) exists; pass --force to replace it")
            }
            var times: [Double] = []
            var image = RGBImage(width: 0, height: 0)
            for _ in 0..<max(1, `repeat`) {
                let watch = Stopwatch()
                image = try ImageDecoder.load(url)
                times.append(watch.milliseconds)
            }
            times.sort()
            print("\(input): \(image.width)×\(image.height), decode \(String(format: "%.2f", times[times.count / 2])) ms (median of \(times.count))")
            if timing { Self.reportResamplingTimes(image) }
            if let maxSide, maxSide > 0, max(image.width, image.height) > maxSide {
                let s = Double(maxSide) / Double(max(image.width, image.height))
                image = image.resized(width: max(1, Int((Double(image.width) * s).rounded())),
                                      height: max(1, Int((Double(image.height) * s).rounded())))
            }
            if let output {
                try PNGEncoder.save(image, to: URL(fileURLWithPath: output))
                print("wrote \(output) (\(image.width)×\(image.height))")
            }
        } catch let e as SiderError {
            FileHandle.standardError.write(Data("error: \(e.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Median of 9 runs of each resampling operation, in ms.
    static func reportResamplingTimes(_ image: RGBImage) {
        func median(_ body: () -> Void) -> String {
            var t: [Double] = []
            for _ in 0..<9 { let w = Stopwatch(); body(); t.append(w.milliseconds) }
            return String(format: "%.2f ms", t.sorted()[4])
        }
        let w = image.width, h = image.height
        let side = Float(min(w, h)) / 256
        let m = AffineTransform2D.translation(Float(w) / 2, Float(h) / 2) * .rotation(0.3) * .scale(side, side)
            * .translation(-128, -128)
        print("warp 256×256 (rotated, \(String(format: "%.1f", side))× shrink): \(median { _ = image.warpedAffine(m, width: 256, height: 256) })")
        print("resize to \(w / 2)×\(h / 2): \(median { _ = image.resized(width: w / 2, height: h / 2) })")
        print("resize to \(w / 8)×\(h / 8): \(median { _ = image.resized(width: w / 8, height: h / 8) })")
    }
}

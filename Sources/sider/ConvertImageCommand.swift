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

    func run() throws {
        do {
            let url = URL(fileURLWithPath: input)
            var times: [Double] = []
            var image = RGBImage(width: 0, height: 0)
            for _ in 0..<max(1, `repeat`) {
                let watch = Stopwatch()
                image = try ImageDecoder.load(url)
                times.append(watch.milliseconds)
            }
            times.sort()
            print("\(input): \(image.width)×\(image.height), decode \(String(format: "%.2f", times[times.count / 2])) ms (median of \(times.count))")
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
}

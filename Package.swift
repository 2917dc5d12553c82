// swift-tools-version:6.0
// SIDER-Swift: single-image facial geometric detail recovery (see README.md).
import PackageDescription
import Foundation

// No module is built with -Ounchecked: every module reads files or parses their bytes, and a
// benchmark showed no speed to gain (docs/hardening.md), so overflow and bounds checks stay on.

// On an x86-64 Linux machine with AVX2 and FMA (every Intel since Haswell, AMD since Zen) the
// modules are compiled for them: the SIMD8 kernels (softplus, sin/cos) otherwise become pairs of
// SSE operations without fused multiply–adds. SIDER_PORTABLE=1 builds for baseline x86-64 (a
// binary to copy to an older machine). docs/speed.md has the figures.
let vectorISA: [SwiftSetting] = {
    #if arch(x86_64) && os(Linux)
    guard ProcessInfo.processInfo.environment["SIDER_PORTABLE"] == nil,
          let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    return ["avx2", "fma", "bmi2", "f16c", "movbe"].allSatisfy(flags.contains) ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("SIDER_FMA")] : []
    #else
    return []
    #endif
}()

let package = Package(
    name: "SIDER",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sider", targets: ["sider"]),
        .library(name: "SiderPipeline", targets: ["SiderPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries (Debian packages, see scripts/setup).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng16",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),

        // Stage modules, lowest first.
        .target(name: "SiderCore", dependencies: ["CBLAS", .product(name: "Logging", package: "swift-log"),
                                                .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ImageIO", dependencies: ["SiderCore", "CPNG", "CTurboJPEG"]),
        .target(name: "TFLite", dependencies: ["SiderCore"]),
        .target(name: "Landmarks", dependencies: ["SiderCore", "ImageIO", "TFLite"]),
        .target(name: "Geometry", dependencies: ["SiderCore", "ImageIO"]),
        .target(name: "MorphableModels", dependencies: ["SiderCore", "Geometry", "ZIPFoundation"]),
        .target(name: "NeuralFields", dependencies: ["SiderCore"]),
        .target(name: "SiderPipeline",
                dependencies: ["SiderCore", "ImageIO", "Landmarks", "Geometry", "MorphableModels", "NeuralFields"]),
        .target(name: "Evaluation", dependencies: ["SiderCore", "ImageIO", "Geometry", "Landmarks", "MorphableModels", "SiderPipeline"]),
        // Run outputs: read back from a finished output folder.
        .target(name: "Report", dependencies: ["SiderCore", "ImageIO", "Geometry", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Batch", dependencies: ["SiderCore", "Geometry", "Evaluation", "Report"]),
        .executableTarget(name: "sider",
                          dependencies: ["SiderCore", "ImageIO", "TFLite", "Landmarks", "Geometry",
                                         "MorphableModels", "NeuralFields", "SiderPipeline", "Evaluation",
                                         "Report", "Batch",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log")]),

        // Hostile files built byte by byte, shared by the tests of every reader (not a product).
        .target(name: "HostileInputs", dependencies: ["ZIPFoundation"], path: "Tests/HostileInputs"),

        // Finite-difference gradient checks by parameter block, shared by the test targets.
        .target(name: "GradientChecks", dependencies: ["NeuralFields", "SiderCore"], path: "Tests/GradientChecks"),

        .testTarget(name: "SiderCoreTests", dependencies: ["SiderCore"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"]),
        .testTarget(name: "TFLiteTests", dependencies: ["TFLite"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LandmarksTests", dependencies: ["Landmarks", "ImageIO"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry", "HostileInputs"]),
        .testTarget(name: "MorphableModelsTests", dependencies: ["MorphableModels", "Geometry", "HostileInputs"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NeuralFieldsTests", dependencies: ["NeuralFields", "GradientChecks"]),
        .testTarget(name: "SiderPipelineTests",
                    dependencies: ["SiderPipeline", "Geometry", "NeuralFields", "ImageIO", "Landmarks", "MorphableModels",
                                   "GradientChecks"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Geometry"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Geometry", "ImageIO", "SiderCore"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "Report", "SiderCore"]),
        // Runs the built `sider` on bad inputs; writes or checks docs/bad-input.md.
        .testTarget(name: "BadInputTableTests", dependencies: ["HostileInputs", "ImageIO", "SiderCore"]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + vectorISA
}

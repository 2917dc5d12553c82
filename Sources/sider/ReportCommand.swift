import ArgumentParser
import Foundation
import Report
import SiderCore

/// `sider report OUT_DIR [--map-size N] [--uv-layout FILE]`: rebuilds `report.html` and the
/// textured export (UV meshes, texture, displacement and normal maps) of a finished run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild report.html and the textured export (UV meshes, texture, displacement and normal maps) of a run's output folder.")

    @Argument(help: "Output folder of `sider reconstruct` (holds run.json).")
    var outputFolder: String

    @Option(help: "Side of texture.png, displacement.png and normal_map.png in texels.")
    var mapSize: Int = 1024

    @Option(help: "OBJ with the UV layout (vt) of the coarse mesh's triangles, e.g. FLAME's head_template.obj.")
    var uvLayout: String?

    @Flag(help: "Write only report.html (no textured export).")
    var noExport = false

    @Flag(help: "Rebuild the detailed mesh from coarse.obj and displacement.png and print how far it is from detailed.obj.")
    var checkMaps = false

    func run() throws {
        try reportingErrors {
            guard (16...8192).contains(mapSize) else { throw SiderError(.badInput, "--map-size must be in 16…8192") }
            let dir = URL(fileURLWithPath: outputFolder, isDirectory: true)
            var options = RunReportPage.Options()
            options.texturedExport = !noExport
            options.export.mapSize = mapSize
            options.export.layoutFile = uvLayout.map { URL(fileURLWithPath: $0) }
            let result = try RunReportPage.write(outputDirectory: dir, options: options)
            // An export the user asked for explicitly is an error when it fails (else a warning).
            if uvLayout != nil, result.maps == nil, let w = result.warnings.first(where: { $0.hasPrefix("textured export:") }) {
                throw SiderError(.badInput, w)
            }
            if let maps = result.maps {
                print("textured export: UV layout \(maps.uvLayout), \(maps.size)² maps, displacement ±\(String(format: "%.3g", maps.displacement.maxAbsDisplacement * 1000)) mm (\(maps.files.joined(separator: ", ")))")
            }
            print("report: \(result.report.path)")
            if checkMaps {
                let c = try DisplacementCheck.measure(outputDirectory: dir)
                print(String(format: "maps check: coarse.obj + displacement.png vs detailed.obj over %d vertices: median %.4f mm, 99th percentile %.4f mm, worst %.3f mm, rms %.4f mm (displacement rms %.3f mm)",
                             c.vertices, c.median * 1000, c.p99 * 1000, c.worst * 1000, c.rms * 1000, c.rmsDisplacement * 1000))
            }
        }
    }
}

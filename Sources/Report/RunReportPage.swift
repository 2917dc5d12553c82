import Foundation
import Geometry
import Logging
import SiderCore

/// `report.html` for a finished output folder, after the textured export (`TexturedExport`).
///
/// Reads only the folder: run.json (tolerantly, `RunRecord`), the images that are there, and
/// the meshes (the textured ones when the export ran). One public call, made at the end of
/// `sider reconstruct` and by `sider report OUT_DIR`.
public enum RunReportPage {
    public struct Options: Sendable {
        /// Run the textured export first (UV meshes, texture, displacement and normal maps).
        public var texturedExport = true
        public var export = TexturedExport.Options()
        public init() {}
    }

    /// What was written and what was left out (each warning one line, for the terminal).
    public struct Result: Sendable {
        public var report: URL
        public var maps: TexturedExport.MapsRecord?
        public var warnings: [String]
    }

    /// Writes `outputDirectory/report.html` (and, unless turned off, the textured export).
    /// Throws only when run.json is missing or unreadable or the page cannot be written; a
    /// missing mesh, image or three.js becomes a warning and a note on the page.
    @discardableResult
    public static func write(outputDirectory dir: URL, options: Options = Options()) throws -> Result {
        let run = try RunRecord.load(outputDirectory: dir)
        var warnings: [String] = []
        let fm = FileManager.default
        func exists(_ name: String) -> Bool { fm.fileExists(atPath: dir.appendingPathComponent(name).path) }

        var maps: TexturedExport.MapsRecord?
        if options.texturedExport && exists("coarse.obj") && exists("detailed.obj") {
            do { maps = try TexturedExport.write(outputDirectory: dir, options: options.export) } catch {
                warnings.append("textured export: \((error as? SiderError)?.message ?? "\(error)")")
            }
        }

        var images: [String: Data] = [:]
        for name in ["crop.png", "render.png", "albedo.png", "shading.png", "normals.png", "coarse_normals.png",
                     "shaded.png", "coarse_shaded.png", "depth.png", "overlay.png", "texture.png",
                     "normal_map.png", "displacement.png"] where exists(name) {
            images[name] = try AtomicFile.read(dir.appendingPathComponent(name))
        }

        var meshesJSON: String?
        var scripts: [String] = []
        do {
            scripts = try ThreeJSLibrary.scripts()
            meshesJSON = try viewerJSON(dir, hasTexture: images["texture.png"] != nil)
        } catch {
            let reason = (error as? SiderError)?.message ?? "\(error)"
            warnings.append("viewer: \(reason)")
        }

        let name = run.input.map { URL(fileURLWithPath: $0).lastPathComponent } ?? dir.lastPathComponent
        let page = ReportPageHTML(
            title: "SIDER result: \(name)",
            summary: summaryLine(run),
            images: images,
            meshesJSON: meshesJSON,
            threeScripts: scripts,
            detailCharts: LossChartSVG.panels(LossSeries.series(from: run.lossCurve)),
            coarseCharts: LossChartSVG.panels(LossSeries.series(from: run.coarseLoss)),
            tables: tables(run, maps: maps),
            notes: warnings,
            downloads: ["detailed.obj", "detailed.mtl", "texture.png", "coarse.obj", "displacement.png", "normal_map.png",
                        "maps.json", "detailed.ply", "run.json"].filter(exists))
        let url = dir.appendingPathComponent("report.html")
        try AtomicFile.write(page.html, to: url)
        let log = SiderLog.make("report")
        for w in warnings { log.warning("\(w)") }
        return Result(report: url, maps: maps, warnings: warnings)
    }

    static func summaryLine(_ run: RunRecord) -> String {
        var parts: [String] = []
        if let kind = run.coarsePrior?.kind { parts.append("prior: \(kind)") }
        if let e = run.coarsePrior?.landmarkErrorMeanPx { parts.append(String(format: "landmark error %.1f px mean", e)) }
        if let it = run.iterations { parts.append("\(it) detail iterations") }
        if let r = run.stopReason { parts.append("stopped: \(r)") }
        if !run.stages.isEmpty { parts.append(String(format: "%.1f s in all", run.totalSeconds)) }
        if let v = run.version { parts.append("sider \(v)") }
        return parts.joined(separator: " · ")
    }

    static func tables(_ run: RunRecord, maps: TexturedExport.MapsRecord?) -> [(title: String, rows: [(String, String)])] {
        var out: [(title: String, rows: [(String, String)])] = []
        if !run.stages.isEmpty {
            out.append(("Timings (s)", run.stages.map { ($0.stage, String(format: "%.1f", $0.seconds)) } +
                        [("total", String(format: "%.1f", run.totalSeconds))]))
        }
        var fit: [(String, String)] = []
        if let p = run.coarsePrior {
            if let k = p.kind { fit.append(("prior", k)) }
            if let m = p.landmarkErrorMeanPx { fit.append(("landmark error, mean (px)", String(format: "%.2f", m))) }
            if let m = p.landmarkErrorMaxPx { fit.append(("landmark error, max (px)", String(format: "%.2f", m))) }
        }
        if let h = run.finalHitFraction { fit.append(("rays that hit the surface", String(format: "%.1f %%", 100 * h))) }
        if let r = run.rays { fit.append(("rays (face pixels)", "\(r)")) }
        if !fit.isEmpty { out.append(("Landmark fit and surface", fit)) }
        var runRows: [(String, String)] = []
        if let i = run.input { runRows.append(("input", i)) }
        if let w = run.photoWidth, let h = run.photoHeight { runRows.append(("photo", "\(w)×\(h)")) }
        if let s = run.seed { runRows.append(("seed", "\(s)")) }
        if let r = run.stopReason { runRows.append(("stop reason", r)) }
        if let r = run.resumed { runRows.append(("resumed", r ? "yes" : "no")) }
        if let m = maps {
            runRows.append(("UV layout", m.uvLayout))
            runRows.append(("displacement scale (m)", String(format: "%.6g", m.displacement.scale)))
        }
        if !runRows.isEmpty { out.append(("Run", runRows)) }
        let settings = SettingsTable.rows(run.settings)
        if !settings.isEmpty { out.append(("Settings (run.json config)", settings)) }
        return out
    }

    /// The viewer's meshes: detailed (with UVs when the export wrote them) and coarse.
    static func viewerJSON(_ dir: URL, hasTexture: Bool) throws -> String {
        struct Payload: Encodable {
            var meshes: [String: ViewerPayload]
            var initial: String
            var texture: String?
        }
        var meshes: [String: ViewerPayload] = [:]
        var loaded: [(String, TriangleMesh, [SIMD2<Float>]?)] = []
        for name in ["detailed", "coarse"] {
            let url = dir.appendingPathComponent("\(name).obj")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let (mesh, corners) = try MeshIO.loadOBJWithCornerUVs(url)
            loaded.append((name, mesh, corners))
        }
        guard let first = loaded.first else { throw SiderError(.missingFile, "no detailed.obj or coarse.obj in \(dir.path)") }
        // One centre for both, so switching keeps the view.
        let centre = first.1.boundingBox.center
        for (name, mesh, corners) in loaded { meshes[name] = ViewerPayload(mesh: mesh, cornerUVs: corners, centre: centre) }
        let texture = hasTexture ? try "data:image/png;base64," + AtomicFile.read(dir.appendingPathComponent("texture.png")).base64EncodedString() : nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]   // the same page for the same folder
        let data = try encoder.encode(Payload(meshes: meshes, initial: first.0, texture: texture))
        return String(decoding: data, as: UTF8.self)
    }
}

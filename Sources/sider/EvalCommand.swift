import ArgumentParser
import Evaluation
import Foundation
import Geometry
import ImageIO
import SiderCore

/// `sider eval PRED_MESH --gt SCAN [--gt-landmarks FILE] [--pred-landmarks FILE] [--out DIR]`:
/// the NoW metric of a predicted mesh against a ground-truth scan; prints median/mean/std and
/// writes `eval.json`, the cumulative error plot (`cumulative_error.png`, `.svg`), the aligned
/// prediction (`aligned.obj`) and the cropped scan (`scan_cropped.obj`).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "NoW scan-to-mesh error of a predicted mesh against a ground-truth scan.",
        discussion: """
        Landmark files: menpo .ljson (iBUG 68, labels mapped to iBUG order), a JSON array of 68 \
        (iBUG) or 7 (NoW order) [x, y, z] points or {"points": [...]}, MeshLab .pp or 'x y z' text. \
        Without --gt-landmarks, SCAN's .ljson/.pp/.landmarks.json sibling is used. Without \
        --pred-landmarks, PRED_MESH's .landmarks.json sibling is used, or — when the prediction has \
        the scan's triangles (a re-posed copy) — the scan landmarks are carried over through their \
        triangles and barycentric coordinates. With --pred-camera, --pred-landmarks holds the \
        pipeline's 68 image landmarks: each is cast along its camera ray onto the predicted mesh \
        (in that camera's frame) and placed at the first hit.
        """)

    @Argument(help: "Predicted mesh (OBJ or PLY), in any similarity frame.")
    var predMesh: String

    @Option(help: "Ground-truth scan (OBJ or PLY), in mm.")
    var gt: String

    @Option(help: "Ground-truth landmarks (68 iBUG or 7 NoW points).")
    var gtLandmarks: String?

    @Option(help: "Predicted-mesh landmarks: 3D (68 iBUG or 7 NoW points), or with --pred-camera the 68 image landmarks (landmarks.json points68).")
    var predLandmarks: String?

    @Option(help: "Camera of the predicted mesh's frame (JSON with fx, fy, cx, cy; e.g. render-scan's scene.json): back-project 2D --pred-landmarks onto the mesh.")
    var predCamera: String?

    @Option(help: "Output folder.")
    var out: String = "out/eval"

    @Flag(help: "Write into --out even if it holds files that sider did not write.")
    var force = false

    @Option(help: "Name of this method in the plot legend.")
    var label: String = "prediction"

    @Option(name: .customLong("also"), help: "Extra plot curve from an earlier run: LABEL=PATH/eval.json (repeatable).")
    var also: [String] = []

    @Flag(help: "Skip the scan-to-mesh refinement (landmark Procrustes only).")
    var noRefine = false

    @Option(help: "Cumulative plot range in mm.")
    var maxError: Double = 8

    func run() throws {
        try reportingErrors {
            let predURL = URL(fileURLWithPath: predMesh), gtURL = URL(fileURLWithPath: gt)
            let scan = try MeshIO.load(gtURL)
            let predicted = try MeshIO.load(predURL)
            let gtLM = try LandmarkFile.load(try EvalCommand.landmarkURL(gtLandmarks, beside: gtURL,
                                                                          extensions: ["ljson", "pp", "landmarks.json"]))
            let predLM: (landmarks: FaceLandmarks3D, source: String)
            if let predCamera {
                guard let predLandmarks else { throw SiderError(.badInput, "--pred-camera needs --pred-landmarks (the 68 image landmarks)") }
                let camera = try ImageLandmarkFile.loadCamera(URL(fileURLWithPath: predCamera))
                let points = try ImageLandmarkFile.load(URL(fileURLWithPath: predLandmarks))
                predLM = (try LandmarkBackProjection.landmarks(ibug68: points, camera: camera, mesh: predicted),
                          "\(predLandmarks) back-projected with the camera of \(predCamera)")
            } else {
                predLM = try EvalCommand.predictedLandmarks(predLandmarks, predURL: predURL, predicted: predicted,
                                                            scan: scan, scanLandmarks: gtLM)
            }
            var options = NoWEvaluation.Options()
            options.refine = !noRefine
            options.curveMaxError = maxError
            let dir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "eval", force: force)
            let result = try NoWEvaluation.evaluate(scan: scan, scanLandmarks: gtLM, predicted: predicted,
                                                    predictedLandmarks: predLM.landmarks, label: label, options: options)
            let report = EvalReport(predictedMesh: predURL.path, scan: gtURL.path, label: label,
                                    predictedLandmarkSource: predLM.source, result: result)
            try AtomicFile.writeJSON(report, to: dir.appendingPathComponent("eval.json"))
            var curves = [result.curve]
            for spec in also { curves.append(try EvalCommand.curve(fromSpec: spec, maxError: maxError)) }
            let plot = CumulativeErrorPlot(curves: curves, xMax: maxError)
            try PNGEncoder.save(RasterPlotRenderer.render(plot), to: dir.appendingPathComponent("cumulative_error.png"))
            try AtomicFile.write(SVGPlotWriter.svg(plot), to: dir.appendingPathComponent("cumulative_error.svg"))
            let aligned = TriangleMesh(vertices: result.transform.apply(predicted.vertices), faces: predicted.faces)
            try MeshIO.save(aligned, to: dir.appendingPathComponent("aligned.obj"))
            try MeshIO.save(try result.region.crop(scan), to: dir.appendingPathComponent("scan_cropped.obj"))
            print(report.summary)
            print("wrote \(dir.path)/{eval.json,cumulative_error.png,cumulative_error.svg,aligned.obj,scan_cropped.obj}")
        }
    }

    /// An explicit path, or the first existing sibling of `mesh` with one of `extensions`.
    static func landmarkURL(_ explicit: String?, beside mesh: URL, extensions: [String]) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let stem = mesh.deletingPathExtension()
        for ext in extensions {
            let candidate = stem.appendingPathExtension(ext)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        throw SiderError(.missingFile, "no landmarks for \(mesh.lastPathComponent): pass a landmark file (tried \(extensions.map { stem.lastPathComponent + "." + $0 }.joined(separator: ", ")))")
    }

    static func predictedLandmarks(_ explicit: String?, predURL: URL, predicted: TriangleMesh, scan: TriangleMesh,
                                   scanLandmarks: FaceLandmarks3D) throws -> (landmarks: FaceLandmarks3D, source: String) {
        if let explicit { return (try LandmarkFile.load(URL(fileURLWithPath: explicit)), explicit) }
        if let url = try? landmarkURL(nil, beside: predURL, extensions: ["landmarks.json", "ljson", "pp"]) {
            return (try LandmarkFile.load(url), url.path)
        }
        guard predicted.faces == scan.faces, predicted.vertices.count == scan.vertices.count else {
            throw SiderError(.missingFile, "no landmarks for the predicted mesh: pass --pred-landmarks (68 iBUG or 7 NoW 3D points)")
        }
        let transferred = try LandmarkTransfer.throughSharedTriangles(scanLandmarks, from: scan, to: predicted)
        return (transferred, "carried over from the scan (same triangles)")
    }

    /// `LABEL=PATH` → that run's curve, relabelled, resampled to this plot's range.
    static func curve(fromSpec spec: String, maxError: Double) throws -> CumulativeErrorCurve {
        guard let eq = spec.firstIndex(of: "=") else {
            throw SiderError(.badInput, "--also expects LABEL=PATH/eval.json, got '\(spec)'")
        }
        let label = String(spec[..<eq]), path = String(spec[spec.index(after: eq)...])
        let data = try AtomicFile.read(URL(fileURLWithPath: path))
        guard let report = try? JSONDecoder().decode(EvalReport.self, from: data) else {
            throw SiderError(.badInput, "\(path) is not an eval.json written by sider eval")
        }
        var curve = report.result.curve
        curve.label = label
        return curve
    }
}

/// What `eval.json` holds.
struct EvalReport: Codable {
    var predictedMesh: String
    var scan: String
    var label: String
    var predictedLandmarkSource: String
    var units = "scan units (mm for NoW-style scans); distances from each cropped scan vertex to the aligned predicted surface"
    var result: NoWEvaluation.Result

    var summary: String {
        let s = result.statistics
        var lines = [String(format: "NoW scan-to-mesh error (%d of %d scan vertices in the face region, radius %.1f):",
                            result.croppedVertexCount, result.scanVertexCount, Double(result.region.radius)),
                     String(format: "  median %.4g  mean %.4g  std %.4g  (p90 %.4g, max %.4g)", s.median, s.mean, s.std, s.p90, s.max),
                     String(format: "  landmark Procrustes: scale %.6f, RMS of the 7 landmarks %.4g",
                            result.landmarkTransform.scale, result.landmarkRMS)]
        if let r = result.refinement {
            lines.append(String(format: "  refinement: %d iterations, RMS %.4g → %.4g, final scale %.6f",
                                r.iterations, r.initialRMS, r.finalRMS, result.transform.scale))
        }
        lines.append(String(format: "  time %.2f s", result.seconds))
        return lines.joined(separator: "\n")
    }
}

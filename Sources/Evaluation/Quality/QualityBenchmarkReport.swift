import Foundation
import SiderCore

/// One case of `sider bench quality`: the scene, both methods' scores and the time taken.
public struct QualityCaseResult: Sendable, Codable {
    public var index: Int
    public var seed: UInt64
    public var yaw: Float, pitch: Float, roll: Float
    public var coarse: QualityMethodScore
    public var sider: QualityMethodScore
    /// Normal error of SIDER's normals.png (n = ∇ₓf/‖∇ₓf‖ from the sphere tracer, crop frame,
    /// 8-bit) resampled to the photo, on the common pixels it covers — the field's normals
    /// without the marching-cubes mesh in between.
    public var siderFieldNormals: NormalAngleStatistics
    /// Seconds: front end (detection, landmarks, prior), detail pipeline (`Reconstruction.run`:
    /// coarse SDF + detail stage + outputs), scoring, and the case's total.
    public var frontEndSeconds: Double
    public var reconstructionSeconds: Double
    public var scoringSeconds: Double
    public var totalSeconds: Double
    public var stopReason: String
    public var detailIterations: Int
    public var directory: String
}

/// `quality.json`: settings, per-case results and the pooled statistics.
public struct QualityReport: Sendable, Codable {
    public var tool = "sider bench quality"
    public var version = SiderCore.version
    public var scan: String
    public var preset: String
    public var seed: UInt64
    public var renderSize: Int
    public var units = "NoW errors in the scan's units (mm for james); normal errors in degrees"
    public var coarseDefinition = "the landmark-mesh prior the detail stage starts from (MediaPipe 468-point mesh lifted under the assumed camera)"
    public var siderDefinition = "detailed.obj of Reconstruction.run (the coarse mesh, subdivided, displaced onto f_θ's front sheet minus ε/2 after the detail stage)"
    public var normalPixels = "render mask ∩ coarse coverage ∩ SIDER coverage, each mesh rasterized with the pipeline's assumed camera over the render's pixel grid"
    public var cases: [QualityCaseResult]
    /// NoW statistics over all cases' scan vertices together.
    public var pooledCoarse: ErrorStatistics
    public var pooledSider: ErrorStatistics
    /// Means over cases of the per-case mean normal error.
    public var meanNormalErrorCoarse: Double
    public var meanNormalErrorSider: Double
    public var meanNormalErrorSiderField: Double
    public var meanSecondsPerCase: Double

    public init(scan: String, preset: String, seed: UInt64, renderSize: Int, cases: [QualityCaseResult]) throws {
        self.scan = scan; self.preset = preset; self.seed = seed; self.renderSize = renderSize; self.cases = cases
        pooledCoarse = try ErrorStatistics(cases.flatMap(\.coarse.distances))
        pooledSider = try ErrorStatistics(cases.flatMap(\.sider.distances))
        let n = Double(max(cases.count, 1))
        meanNormalErrorCoarse = cases.reduce(0) { $0 + $1.coarse.normals.meanDegrees } / n
        meanNormalErrorSider = cases.reduce(0) { $0 + $1.sider.normals.meanDegrees } / n
        meanNormalErrorSiderField = cases.reduce(0) { $0 + $1.siderFieldNormals.meanDegrees } / n
        meanSecondsPerCase = cases.reduce(0) { $0 + $1.totalSeconds } / n
    }

    /// The Markdown table of `quality.md`, one row per case and a pooled row, then the paper's
    /// Table 1 figures for context.
    public var markdown: String {
        func now(_ s: ErrorStatistics) -> String { String(format: "%.2f / %.2f / %.2f", s.median, s.mean, s.std) }
        func deg(_ v: Double) -> String { String(format: "%.1f°", v) }
        var lines = [
            "| case | yaw | NoW coarse (mm) med / mean / std | NoW SIDER (mm) med / mean / std | normal err. coarse | normal err. SIDER mesh | normal err. SIDER ∇f | seconds |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for c in cases {
            lines.append("| \(c.index) (seed \(c.seed)) | \(String(format: "%+.0f°", c.yaw)) | \(now(c.coarse.now)) | \(now(c.sider.now)) | "
                         + "\(deg(c.coarse.normals.meanDegrees)) | \(deg(c.sider.normals.meanDegrees)) | \(deg(c.siderFieldNormals.meanDegrees)) | \(String(format: "%.0f", c.totalSeconds)) |")
        }
        lines.append("| **all** (pooled vertices; mean of case means) | | \(now(pooledCoarse)) | \(now(pooledSider)) | "
                     + "\(deg(meanNormalErrorCoarse)) | \(deg(meanNormalErrorSider)) | \(deg(meanNormalErrorSiderField)) | \(String(format: "%.0f", meanSecondsPerCase)) / case |")
        lines += [
            "",
            "Renders of the `\(scan)` scan (\(renderSize)×\(renderSize), seeds \(seed)…\(seed + UInt64(max(cases.count, 1) - 1))), preset `\(preset)`. "
                + "Coarse: \(coarseDefinition). SIDER: \(siderDefinition). "
                + "Normal error: mean angle over \(normalPixels); "
                + "\"SIDER ∇f\": the pipeline's normals.png (∇ₓf of f_θ, 8-bit, crop frame) resampled to the photo, on those pixels it covers. "
                + "Seconds: whole case (front end, coarse SDF, detail stage, outputs, scoring).",
            "",
            "For context only — the paper's Table 1 (NoW validation set, real photos; different data, not comparable as equals): "
                + "SIDER 0.66 / 0.89 / 0.88 mm, DECA (coarse) 1.19 / 1.47 / 1.25 mm (median / mean / std).",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}

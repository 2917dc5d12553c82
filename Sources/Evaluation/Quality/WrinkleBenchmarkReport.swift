import Foundation
import SiderCore

/// One case of the wrinkle benchmark.
public struct WrinkleCaseResult: Sendable, Codable {
    public var index: Int
    public var spec: WrinkleCaseSpec
    public var seed: UInt64
    public var yaw: Float, pitch: Float, roll: Float
    /// Angle between the light direction and the direction back to the camera.
    public var lightAngleDegrees: Double
    /// Scan units (mm) per render pixel at the face centre.
    public var millimetresPerPixel: Double
    /// σ of the detail high-pass, render pixels (`WrinkleScoring.highPassMillimetres` on the face).
    public var highPassSigmaPixels: Double
    /// Normal errors over the face pixels.
    public var face: WrinkleMethodErrors
    /// Per pattern, "wrinkles" (their union), or "marks" for the control.
    public var regions: [WrinkleRegionScore]
    /// NoW scores (and, in them, mesh normal errors over the render ∩ both meshes) of the prior and detailed.obj.
    public var nowPrior: QualityMethodScore
    public var nowSider: QualityMethodScore
    public var reconstructionSeconds: Double
    public var scoringSeconds: Double
    public var totalSeconds: Double
    public var stopReason: String
    public var detailIterations: Int
    public var directory: String

    /// The union region ("wrinkles") of a relief case; nil for the control.
    public var wrinkles: WrinkleRegionScore? { regions.first { $0.name == WrinkleTruth.unionRegion } }
    public var marks: WrinkleRegionScore? { regions.first { $0.name == WrinkleTruth.marksRegion } }
    public var elsewhere: WrinkleRegionScore? { regions.first { $0.name == WrinkleTruth.elsewhereRegion } }
}

/// `quality.json` of the wrinkle suite: settings, cases and pooled figures.
public struct WrinkleReport: Sendable, Codable {
    public var tool = "sider bench quality --suite wrinkles"
    public var version = SiderCore.version
    public var preset: String
    public var seed: UInt64
    public var renderSize: Int
    /// "scan" (james' photographed texture as it is) or "flattened" (its own wrinkle shading
    /// taken out of the face, `WrinkleBandFlattening`).
    public var texture: String
    /// The mesh the detail stage started from: the landmark prior, or (the `--start-from truth`
    /// diagnostic) the undisplaced scan.
    public var prior = WrinkleReport.landmarkPrior
    public static let landmarkPrior = "landmark prior"
    public var definitions = [
        "face": "render mask ∩ coverage of the coarse prior, detailed.obj and normals.png (and f_c's image when present), render frame",
        "region": "pixels whose surface point has the pattern's unit profile > 0.02 (control: mark amount > 0.002), dilated by 3 px, ∩ face",
        "normal error": "mean angle between predicted and true camera-space unit normals, degrees",
        "relief": "mean angle between the true normals with and without the relief over the region",
        "photo": "RMS luminance difference (0–255) the relief (control: the marks) makes in the rendered photo over the region, against the smooth scan's render in the same scene",
        "correlation, gain": "d_t = n_true − n_without_relief, d_r = n_detailed − n_prior, both high-passed (minus a masked Gaussian blur of σ = 4 mm on the face, over the face pixels); corr = ⟨Hd_r,Hd_t⟩/(‖Hd_r‖‖Hd_t‖), gain = ⟨Hd_r,Hd_t⟩/⟨Hd_t,Hd_t⟩, sums over the region's pixels and the 3 components; pooled: the sums added over cases",
        "∇f": "normals.png of the run (∇ₓf of the final f_θ), bilinearly resampled from the crop to the render through run.json's crop",
        "mesh": "detailed.obj rasterized in the pipeline's photo camera",
        "prior": "the coarse prior mesh the detail stage starts from, rasterized in the pipeline's photo camera",
        "ceiling": "correlation / gain of the true surface seen as a perfect normals.png would show it (rasterized in the run's crop, 8-bit, resampled back like ∇f): what the crop's resolution leaves of the detail",
        "spurious detail": "control: RMS of the high-passed recovered detail ‖Hd_r‖ over the marks, and over \"elsewhere\" (the face without relief or marks), degrees; the true relief is zero there, but elsewhere includes the nose and lips, whose real shape the prior lacks, so not all of it is spurious",
        "RMS": "‖H d‖/√pixels over the region, degrees: of the true detail, of ∇f's and of the mesh's recovered detail",
        "NoW": "scan-to-mesh median / mean (mm) against the rendered scan's own vertices (the original vertex set)",
    ]
    public var cases: [WrinkleCaseResult]
    public var pooled: Pooled

    /// Figures over the relief cases and over the control cases.
    public struct Pooled: Sendable, Codable {
        public var reliefCases: Int
        public var controlCases: Int
        /// Means over relief cases of the face's mean normal error: prior, f_c (if every case has it), ∇f, mesh.
        public var faceError: [String: Double]
        public var wrinkleError: [String: Double]
        public var controlFaceError: [String: Double]
        public var controlMarksError: [String: Double]
        /// Pooled over the relief cases' "wrinkles" regions.
        public var detailField: DetailAgreement
        public var detailMesh: DetailAgreement
        public var detailCeiling: DetailAgreement
        /// Pooled over the control cases' marks (true detail zero: RMS recovered only).
        public var controlDetailField: DetailAgreement
        public var controlDetailMesh: DetailAgreement
        /// Pooled over every case's "elsewhere" (no relief, no marks): spurious detail.
        public var elsewhereDetailField: DetailAgreement
        public var elsewhereDetailMesh: DetailAgreement
        /// NoW over all cases' scan vertices.
        public var nowPrior: ErrorStatistics?
        public var nowSider: ErrorStatistics?
        /// Relief cases in which ∇f / the mesh beat the prior over the face.
        public var fieldBeatsPrior: Int
        public var meshBeatsPrior: Int
    }

    public init(preset: String, seed: UInt64, renderSize: Int, texture: String = "scan", cases: [WrinkleCaseResult]) {
        self.texture = texture
        self.preset = preset; self.seed = seed; self.renderSize = renderSize; self.cases = cases
        let relief = cases.filter { !$0.spec.isControl }, control = cases.filter(\.spec.isControl)
        func means(_ list: [WrinkleMethodErrors]) -> [String: Double] {
            guard !list.isEmpty else { return [:] }
            let n = Double(list.count)
            var m = ["prior": list.reduce(0) { $0 + $1.prior.meanDegrees } / n,
                     "field": list.reduce(0) { $0 + $1.detailField.meanDegrees } / n,
                     "mesh": list.reduce(0) { $0 + $1.detailMesh.meanDegrees } / n]
            let fc = list.compactMap(\.coarseField)
            if fc.count == list.count { m["fc"] = fc.reduce(0) { $0 + $1.meanDegrees } / n }
            return m
        }
        pooled = Pooled(
            reliefCases: relief.count, controlCases: control.count,
            faceError: means(relief.map(\.face)), wrinkleError: means(relief.compactMap { $0.wrinkles?.errors }),
            controlFaceError: means(control.map(\.face)), controlMarksError: means(control.compactMap { $0.marks?.errors }),
            detailField: .pooled(relief.compactMap { $0.wrinkles?.detailField }),
            detailMesh: .pooled(relief.compactMap { $0.wrinkles?.detailMesh }),
            detailCeiling: .pooled(relief.compactMap { $0.wrinkles?.detailCeiling }),
            controlDetailField: .pooled(control.compactMap { $0.marks?.detailField }),
            controlDetailMesh: .pooled(control.compactMap { $0.marks?.detailMesh }),
            elsewhereDetailField: .pooled(cases.compactMap { $0.elsewhere?.detailField }),
            elsewhereDetailMesh: .pooled(cases.compactMap { $0.elsewhere?.detailMesh }),
            nowPrior: try? ErrorStatistics(cases.flatMap(\.nowPrior.distances)),
            nowSider: try? ErrorStatistics(cases.flatMap(\.nowSider.distances)),
            fieldBeatsPrior: relief.filter { $0.face.detailField.meanDegrees < $0.face.prior.meanDegrees }.count,
            meshBeatsPrior: relief.filter { $0.face.detailMesh.meanDegrees < $0.face.prior.meanDegrees }.count)
    }

    /// `quality.md`: the relief cases, the controls, the per-region breakdown of multi-pattern
    /// cases, then the definitions.
    public var markdown: String {
        func f(_ v: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", v) }
        func errs(_ e: WrinkleMethodErrors) -> String {
            [e.prior.meanDegrees, e.coarseField?.meanDegrees, e.detailField.meanDegrees, e.detailMesh.meanDegrees]
                .map { $0.map { f($0) } ?? "–" }.joined(separator: " / ")
        }
        func errs(_ m: [String: Double]) -> String {
            ["prior", "fc", "field", "mesh"].map { m[$0].map { f($0) } ?? "–" }.joined(separator: " / ")
        }
        func deg(_ a: DetailAgreement, true t: Bool = false) -> String { f((t ? a.rmsTrue : a.rmsRecovered) * 180 / .pi) }
        func ceiling(_ a: DetailAgreement?) -> String { a.map { f($0.correlation) + " / " + f($0.gain) } ?? "–" }
        func now(_ s: ErrorStatistics?) -> String { s.map { f($0.median) + " / " + f($0.mean) } ?? "–" }
        func scene(_ c: WrinkleCaseResult) -> String { "\(c.seed) | \(String(format: "%+.0f°", c.yaw)) | \(String(format: "%.0f°", c.lightAngleDegrees))" }
        let methods = "prior / f_c / ∇f / mesh (°)"
        var lines = [
            "| case | seed | yaw | light | relief (°) | photo | face: \(methods) | wrinkles: \(methods) | corr ∇f | gain ∇f | corr mesh | gain mesh | ceiling corr / gain | NoW prior (mm) | NoW SIDER (mm) | s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for c in cases where !c.spec.isControl {
            guard let r = c.wrinkles else { continue }
            lines.append("| \(c.spec.label) | \(scene(c)) | \(f(r.reliefMeanDegrees)) | \(f(r.photoContrast, 1)) | \(errs(c.face)) | \(errs(r.errors)) | "
                         + "\(f(r.detailField.correlation)) | \(f(r.detailField.gain)) | \(f(r.detailMesh.correlation)) | \(f(r.detailMesh.gain)) | "
                         + "\(ceiling(r.detailCeiling)) | \(now(c.nowPrior.now)) | \(now(c.nowSider.now)) | \(f(c.totalSeconds, 0)) |")
        }
        let p = pooled
        if p.reliefCases > 0 {
            let relief = cases.filter { !$0.spec.isControl }
            lines.append("| **pooled** (\(p.reliefCases) cases; ∇f beats the prior in \(p.fieldBeatsPrior), mesh in \(p.meshBeatsPrior)) | | | | | | "
                         + "\(errs(p.faceError)) | \(errs(p.wrinkleError)) | \(f(p.detailField.correlation)) | \(f(p.detailField.gain)) | "
                         + "\(f(p.detailMesh.correlation)) | \(f(p.detailMesh.gain)) | \(ceiling(p.detailCeiling)) | "
                         + "\(now(try? ErrorStatistics(relief.flatMap(\.nowPrior.distances)))) | \(now(try? ErrorStatistics(relief.flatMap(\.nowSider.distances)))) | |")
        }
        if p.controlCases > 0 {
            lines += ["", "Albedo-only control (smooth geometry, painted spots and lines; true detail zero):", "",
                      "| case | seed | yaw | light | photo | face: \(methods) | marks: \(methods) | spurious detail over marks ∇f / mesh (°) | elsewhere ∇f / mesh (°) | NoW prior (mm) | NoW SIDER (mm) | s |",
                      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
            let controls = cases.filter(\.spec.isControl)
            for c in controls {
                guard let m = c.marks else { continue }
                let e = c.elsewhere
                lines.append("| \(c.spec.label) | \(scene(c)) | \(f(m.photoContrast, 1)) | \(errs(c.face)) | \(errs(m.errors)) | \(deg(m.detailField)) / \(deg(m.detailMesh)) | "
                             + "\(e.map { deg($0.detailField) + " / " + deg($0.detailMesh) } ?? "–") | "
                             + "\(now(c.nowPrior.now)) | \(now(c.nowSider.now)) | \(f(c.totalSeconds, 0)) |")
            }
            lines.append("| **pooled** (\(p.controlCases)) | | | | | \(errs(p.controlFaceError)) | \(errs(p.controlMarksError)) | "
                         + "\(deg(p.controlDetailField)) / \(deg(p.controlDetailMesh)) | "
                         + "\(deg(.pooled(controls.compactMap { $0.elsewhere?.detailField }))) / \(deg(.pooled(controls.compactMap { $0.elsewhere?.detailMesh }))) | | | |")
        }
        let multi = cases.filter { $0.spec.patterns.count > 1 }
        if !multi.isEmpty {
            lines += ["", "Per region of the multi-pattern cases (\"elsewhere\": the face without relief):", "",
                      "| case | seed | region | pixels | relief (°) | photo | \(methods) | RMS Hd_t / Hd_r ∇f / Hd_r mesh (°) | corr ∇f | gain ∇f | corr mesh | gain mesh | ceiling corr / gain |",
                      "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
            for c in multi {
                for r in c.regions {
                    // Correlation and gain need true relief: "–" where there is none ("elsewhere"; its
                    // high-passed true detail is only the high-pass's halo around the wrinkles).
                    let none = r.reliefMeanDegrees < 0.05
                    let agreement = none ? "– | – | – | – | –"
                        : "\(f(r.detailField.correlation)) | \(f(r.detailField.gain)) | \(f(r.detailMesh.correlation)) | \(f(r.detailMesh.gain)) | \(ceiling(r.detailCeiling))"
                    lines.append("| \(c.spec.label) | \(c.seed) | \(r.name) | \(r.pixels) | \(f(r.reliefMeanDegrees)) | \(f(r.photoContrast, 1)) | \(errs(r.errors)) | "
                                 + "\(deg(r.detailField, true: true)) / \(deg(r.detailField)) / \(deg(r.detailMesh)) | \(agreement) |")
                }
            }
        }
        let sigma = cases.map(\.highPassSigmaPixels), mmpp = cases.map(\.millimetresPerPixel)
        lines += ["", "Renders of `james` with known relief (\(renderSize)×\(renderSize), \(String(format: "%.2f–%.2f", mmpp.min() ?? 0, mmpp.max() ?? 0)) mm per pixel on the face; "
                  + "high-pass σ = 4 mm = \(String(format: "%.1f–%.1f", sigma.min() ?? 0, sigma.max() ?? 0)) px), preset `\(preset)`, scene seeds from \(seed), "
                  + (texture == "flattened" ? "texture flattened (the scan's own wrinkle shading divided out of the face, 1–6 mm band). " : "the scan's texture as photographed (its own forehead lines included). ")
                  + (prior == Self.landmarkPrior ? "" : "Detail stage started from the \(prior), not the landmark prior (a diagnostic). ")
                  + "\"–\": f_c's normal image not written by this pipeline.", ""]
        for key in definitions.keys.sorted() { lines.append("- **\(key)**: \(definitions[key]!)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

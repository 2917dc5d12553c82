import Foundation
import Geometry
import ImageIO
@testable import Report
import SiderCore
import Testing

@Suite struct ReportContentTests {
    @Test func lossSeriesTakesFlatFieldsAndTermsDictionaries() throws {
        let run = try RunRecord(data: Data(SyntheticRun.runJSON.utf8))
        let series = LossSeries.series(from: run.lossCurve)
        let names = series.map(\.name)
        #expect(names.first == "total")
        // Every numeric term of either shape, new names included; learningRate is not a loss.
        #expect(Set(names) == ["total", "photometric", "sdf", "eikonal", "hitFraction", "wrinkleNew"])
        let photometric = try #require(series.first { $0.name == "photometric" })
        #expect(photometric.iterations == [1, 2, 3])
        #expect(photometric.values == [0.8, 0.6, 0.45])
        let new = try #require(series.first { $0.name == "wrinkleNew" })
        #expect(new.iterations == [3] && new.values == [0.003])
        #expect(LossSeries.series(from: run.coarseLoss).map(\.name) == ["total", "eikonal", "geometric"])
    }

    @Test func runRecordReadsOnlyWhatItNeeds() throws {
        let minimal = try RunRecord(data: Data(#"{"stopReason": "converged", "unknown": {"x": 1}}"#.utf8))
        #expect(minimal.isFinished && minimal.stages.isEmpty && minimal.lossCurve.isEmpty && minimal.cameraCrop == nil)
        #expect(try !RunRecord(data: Data(#"{"stopReason": "interrupted"}"#.utf8)).isFinished)
        #expect(throws: SiderError.self) { try RunRecord(data: Data("[1, 2]".utf8)) }
        #expect(throws: SiderError.self) { try RunRecord(data: Data(#"{"iterations": "many"}"#.utf8)) }
    }

    @Test func cornerUVsSubdivideLikeTheMesh() throws {
        let coarse = SyntheticRun.coarseMesh(grid: 5)
        let uv = coarse.vertices.map { SIMD2($0.x * 3 + 0.5, $0.y * 2 + 0.5) }
        var withUV = coarse
        withUV.uvs = uv
        var a = try UVMesh(mesh: coarse, vertexUVs: uv), b = withUV
        for _ in 0..<3 { a = try a.subdividedMidpoint(); b = b.subdividedMidpoint() }
        #expect(a.mesh.faces == b.faces && a.mesh.vertices == b.vertices)
        let perVertex = try #require(b.uvs)
        for (f, face) in b.faces.enumerated() {
            for (c, v) in [face.x, face.y, face.z].enumerated() {
                #expect(length(a.cornerUVs[3 * f + c] - perVertex[Int(v)]) < 1e-6)
            }
        }
    }

    @Test func reportEmbedsEverythingAndShowsOptionalImagesOnlyWhenPresent() throws {
        let dir = SyntheticRun.temporaryFolder("page")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        var options = RunReportPage.Options()
        options.export.mapSize = 256
        let result = try RunReportPage.write(outputDirectory: dir, options: options)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        let html = try String(contentsOf: result.report, encoding: .utf8)
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("src=\"//"))
        #expect(!html.contains("albedo.png:") && !html.contains("shading.png:"))
        for name in ["crop.png", "depth.png", "overlay.png", "texture.png", "normal_map.png"] { #expect(html.contains("alt=\"\(name)\"")) }
        #expect(html.contains("data-term=\"wrinkleNew\"") && html.contains("data-term=\"geometric\""))
        #expect(html.contains("THREE.OrbitControls") && html.contains("id=\"sider-meshes\""))
        #expect(html.contains("data-compare=\"normals\"") && html.contains("data-compare=\"shaded\""))
        #expect(html.contains("4.25") && html.contains("12.2"))   // landmark fit and timings

        try SyntheticRun.write(to: dir, includeAlbedo: true)
        let again = try RunReportPage.write(outputDirectory: dir, options: options)
        let html2 = try String(contentsOf: again.report, encoding: .utf8)
        #expect(html2.contains("alt=\"albedo.png\"") && html2.contains("alt=\"shading.png\""))
        #expect(again.maps?.textureSource == "albedo.png")
    }

    @Test func theSameFolderGivesTheSamePage() throws {
        let dir = SyntheticRun.temporaryFolder("same")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        var options = RunReportPage.Options()
        options.export.mapSize = 128
        let first = try Data(contentsOf: RunReportPage.write(outputDirectory: dir, options: options).report)
        let second = try Data(contentsOf: RunReportPage.write(outputDirectory: dir, options: options).report)
        #expect(first == second)
    }

    @Test func aFolderWithoutRunJSONIsAOneLineError() throws {
        let dir = SyntheticRun.temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(throws: SiderError.self) { try RunReportPage.write(outputDirectory: dir) }
        try AtomicFile.write("{\"stopReason\": 3", to: dir.appendingPathComponent("run.json"))
        #expect(throws: SiderError.self) { try RunReportPage.write(outputDirectory: dir) }
    }

    @Test func reportWithoutThreeJSStillWritesThePage() throws {
        let dir = SyntheticRun.temporaryFolder("nothree")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        setenv("SIDER_THREE_JS", dir.appendingPathComponent("missing").path, 1)
        defer { unsetenv("SIDER_THREE_JS") }
        var options = RunReportPage.Options()
        options.texturedExport = false
        let result = try RunReportPage.write(outputDirectory: dir, options: options)
        #expect(result.warnings.count == 1 && result.warnings[0].contains("libjs-three"))
        let html = try String(contentsOf: result.report, encoding: .utf8)
        #expect(html.contains("No 3D viewer") && !html.contains("id=\"sider-meshes\""))
    }
}

@Suite struct UVLayoutTests {
    /// A grid whose middle row is pushed past the next one (a fold in projection) is unfolded,
    /// and the unfolded layout leaves the rest of the grid where it was.
    @Test func foldedProjectionIsUntangled() throws {
        var mesh = SyntheticRun.coarseMesh(grid: 8)
        let n = 8
        var uv = mesh.vertices.map { SIMD2($0.x, $0.y) }
        for i in 0..<n { uv[3 * n + i].y += 0.032 }   // row 3 beyond row 4: its triangles flip
        mesh.uvs = nil
        func folded(_ t: [SIMD2<Float>]) -> Int {
            mesh.faces.filter { f in
                let a = t[Int(f.x)], b = t[Int(f.y)], c = t[Int(f.z)]
                return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x) >= 0
            }.count
        }
        #expect(folded(uv) > 0)
        let (fixed, left) = UVUntangle.untangle(uv, mesh: mesh)
        #expect(left == 0 && folded(fixed) == 0)
        #expect(fixed[0] == uv[0] && fixed[n * n - 1] == uv[n * n - 1])
    }
}

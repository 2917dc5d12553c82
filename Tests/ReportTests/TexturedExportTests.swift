import Foundation
import Geometry
import ImageIO
@testable import Report
import SiderCore
import Testing

@Suite struct TexturedExportTests {
    /// coarse.obj subdivided, displaced along its outward normals by displacement.png decoded
    /// with maps.json's scale (bilinear at each vertex's UV), must land on detailed.obj.
    ///
    /// Tolerance: the map is the piecewise-linear d over the UV triangles sampled at texel
    /// centres, so bilinear read-back at a vertex errs by at most about |∇d|·(texel size in
    /// UV) in the worst case, plus half a 16-bit step of the scale. With the synthetic ripple
    /// (amplitude 1.5 mm, wavelength ~10 mm) and 512² texels over a 16 cm face (0.3 mm each),
    /// that is ≲ 0.05 mm; we allow 3 % of the amplitude at any vertex and 1 % RMS — far below
    /// the detail itself, which a broken map (wrong UVs, flipped v, wrong sign or scale) misses
    /// by 50–200 %.
    @Test func coarseMeshDisplacedByTheMapIsTheDetailedMesh() throws {
        let dir = SyntheticRun.temporaryFolder("maps")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        var options = TexturedExport.Options()
        options.mapSize = 512
        let record = try TexturedExport.write(outputDirectory: dir, options: options)
        #expect(record.subdivisions == 3 && record.uvLayout == "cameraFrontal")
        #expect(record.displacement.maxTangentialResidual < 1e-6)

        let truth = SyntheticRun.detailedMesh(SyntheticRun.coarseMesh())
        let written = try MeshIO.load(dir.appendingPathComponent("detailed.obj"))
        #expect(written.vertices == truth.vertices && written.faces == truth.faces && written.uvs != nil)

        let check = try DisplacementCheck.measure(outputDirectory: dir)
        #expect(check.vertices == truth.vertices.count)
        #expect(check.worst < 0.03 * SyntheticRun.amplitude, "worst \(check.worst) m")
        #expect(check.rms < 0.01 * SyntheticRun.amplitude, "rms \(check.rms) m")
        print("displacement read-back: worst \(check.worst * 1e6) µm, rms \(check.rms * 1e6) µm (displacement rms \(check.rmsDisplacement * 1e6) µm)")
        // The map is not trivially right: read with v flipped it misses by about the detail itself.
        let flipped = try DisplacementCheck.measure(outputDirectory: dir, flipV: true)
        #expect(flipped.rms > 0.5 * check.rmsDisplacement)
    }

    @Test func texturedFilesReferenceEachOther() throws {
        let dir = SyntheticRun.temporaryFolder("obj")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        var options = TexturedExport.Options()
        options.mapSize = 128
        try TexturedExport.write(outputDirectory: dir, options: options)
        let obj = try String(contentsOf: dir.appendingPathComponent("detailed.obj"), encoding: .utf8)
        #expect(obj.hasPrefix("# written by SIDER-Swift") && obj.contains("mtllib detailed.mtl\n") && obj.contains("usemtl face\n"))
        let mtl = try String(contentsOf: dir.appendingPathComponent("detailed.mtl"), encoding: .utf8)
        #expect(mtl.contains("newmtl face") && mtl.contains("map_Kd texture.png"))
        let texture = try PNGDecoder.decode(Data(contentsOf: dir.appendingPathComponent("texture.png")))
        #expect(texture.width == 128)
        // The texture is the photo: the texel under the cap's centre has the crop's colour there.
        let centre = SIMD2<Float>(0.5, 0.5)
        let t = texture.sample(x: centre.x * 128, y: (1 - centre.y) * 128)
        #expect(t.x > 0.35 && t.x < 0.65 && t.y > 0.35 && t.y < 0.65, "\(t)")
        // A rerun reads its own output (UVs and material in the OBJ) and gives the same files.
        let first = try Data(contentsOf: dir.appendingPathComponent("displacement.png"))
        try TexturedExport.write(outputDirectory: dir, options: options)
        #expect(try Data(contentsOf: dir.appendingPathComponent("displacement.png")) == first)
    }

    @Test func layoutFileMustMatchTheCoarseTriangles() throws {
        let dir = SyntheticRun.temporaryFolder("layout")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        let other = dir.appendingPathComponent("other.obj")
        var m = SyntheticRun.coarseMesh(grid: 6)
        m.uvs = m.vertices.map { SIMD2($0.x + 0.5, $0.y + 0.5) }
        try MeshIO.save(m, to: other)
        var options = TexturedExport.Options()
        options.mapSize = 64
        options.layoutFile = other
        #expect(throws: SiderError.self) { try TexturedExport.write(outputDirectory: dir, options: options) }
        var same = SyntheticRun.coarseMesh()
        same.uvs = same.vertices.map { SIMD2($0.x * 4 + 0.5, $0.y * 3 + 0.5) }
        try MeshIO.save(same, to: other)
        #expect(try TexturedExport.write(outputDirectory: dir, options: options).uvLayout == "layoutFile")
    }

    /// A closed head (here a sphere) has no fold-free frontal layout: refused, asking for the
    /// layout file, instead of maps whose back and front share texels.
    @Test func aMeshThatWrapsAroundNeedsALayoutFile() throws {
        let sphere = TriangleMesh.icosphere(subdivisions: 2, radius: 0.1, center: SIMD3(0, 0, 0.5))
        #expect(throws: SiderError.self) { try FaceUVLayout.layout(for: sphere, isLandmarkMesh: false) }
        do { _ = try FaceUVLayout.layout(for: sphere, isLandmarkMesh: false) } catch let e as SiderError {
            #expect(e.message.contains("--uv-layout"))
        }
    }

    @Test func detailedMeshOfAnotherTopologyIsRefused() throws {
        let dir = SyntheticRun.temporaryFolder("topology")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SyntheticRun.write(to: dir)
        try MeshIO.save(SyntheticRun.coarseMesh(grid: 9), to: dir.appendingPathComponent("detailed.obj"))
        #expect(throws: SiderError.self) { try TexturedExport.write(outputDirectory: dir) }
    }
}

import Testing
import Foundation
import SiderCore
@testable import Evaluation

@Suite struct LandmarkFileTests {
    /// james.ljson groups its points chin, leye, reye, leyebrow, nose, reyebrow, mouth; after
    /// mapping labels to iBUG the geometry must read as a face seen from +z with y up:
    /// eye corners 36 (image left, outer) < 39 < 42 < 45 in x, nose tip 30 in front,
    /// nose bottom 33 between the eyes and the mouth, mouth corners 48 < 54 in x.
    @Test func jamesLJSONIsMappedToIBUGOrder() throws {
        let url = DataPaths.scan("james.ljson")
        try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) missing: run scripts/install-deps")
        let lm = try LandmarkFile.load(url)
        #expect(lm.layout == .ibug68)
        let p = lm.points
        #expect(p[36].x < p[39].x && p[39].x < p[42].x && p[42].x < p[45].x)
        #expect(p[48].x < p[54].x)
        #expect(p[30].z > p[33].z && p[30].z > p[39].z)
        #expect(p[33].y < p[39].y && p[33].y > p[51].y)
        #expect(p[17].x < p[21].x && p[22].x < p[26].x && p[21].x < p[22].x)
        #expect(p[8].y < p[57].y)   // chin below the lower lip
        let seven = lm.nowSeven
        #expect(seven[0] == p[36] && seven[4] == p[33] && seven[6] == p[54])
    }

    @Test func pointArraysTextAndPickedPoints() throws {
        let json = "[" + (0..<7).map { "[\($0), \($0 + 1), \($0 + 2)]" }.joined(separator: ",") + "]"
        let a = try LandmarkFile.parse(Data(json.utf8))
        #expect(a.layout == .now7 && a.points[3] == SIMD3(3, 4, 5))
        let text = (0..<7).map { "\($0) 0 1.5" }.joined(separator: "\n")
        #expect(try LandmarkFile.parse(Data(text.utf8)).points[6] == SIMD3(6, 0, 1.5))
        let pp = "<!DOCTYPE PickedPoints>\n<PickedPoints>\n" +
            (0..<7).map { " <point x=\"\($0)\" y=\"-1\" z=\"2.5\" active=\"1\" name=\"\($0)\"/>" }.joined(separator: "\n") +
            "\n</PickedPoints>"
        #expect(try LandmarkFile.parse(Data(pp.utf8)).points[2] == SIMD3(2, -1, 2.5))
        #expect(throws: SiderError.self) { try LandmarkFile.parse(Data("[[1,2,3]]".utf8)) }
        #expect(throws: SiderError.self) { try LandmarkFile.parse(Data("[[1,2,null]]".utf8)) }
    }

    @Test func writeThenReadRoundTrips() throws {
        var g = SeededGenerator(seed: 2)
        let lm = try FaceLandmarks3D(ibug68: randomPoints(68, &g))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sider-lm-\(UInt32.random(in: 0...UInt32.max)).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try LandmarkFile.write(lm, to: url)
        #expect(try LandmarkFile.load(url) == lm)
    }
}

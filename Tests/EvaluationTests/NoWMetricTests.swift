import Testing
import Foundation
import Geometry
import SiderCore
@testable import Evaluation

/// A smooth face-like height field z = h(x, y) over [−150, 150]² (mm): a broad dome, a nose
/// ridge and two eye sockets; curvature radii ≫ the offsets used below.
func syntheticFace(n: Int = 101) -> TriangleMesh {
    var m = TriangleMesh.grid(nx: n, ny: n, x0: -150, x1: 150, y0: -150, y1: 150)
    m.vertices = m.vertices.map { SIMD3($0.x, $0.y, faceHeight($0.x, $0.y)) }
    return m
}

func faceHeight(_ x: Float, _ y: Float) -> Float {
    func g(_ dx: Float, _ dy: Float, _ s: Float) -> Float { expf(-(dx * dx + dy * dy) / (2 * s * s)) }
    return 70 * g(x, y, 90) + 18 * g(x, y + 5, 14) - 8 * g(x - 32, y - 20, 15) - 8 * g(x + 32, y - 20, 15)
}

/// Seven NoW landmarks on the synthetic face: eye corners at y = 20, nose bottom, mouth corners.
func syntheticLandmarks() throws -> FaceLandmarks3D {
    let xy: [SIMD2<Float>] = [SIMD2(-48, 20), SIMD2(-16, 20), SIMD2(16, 20), SIMD2(48, 20),
                              SIMD2(0, -25), SIMD2(-25, -55), SIMD2(25, -55)]
    return try FaceLandmarks3D(now7: xy.map { SIMD3($0.x, $0.y, faceHeight($0.x, $0.y)) })
}

@Suite struct NoWMetricTests {
    @Test func regionFollowsTheProtocol() throws {
        let r = NoWFaceRegion(landmarks: try syntheticLandmarks())
        // bridge (0, 20), nose bottom (0, −25): centre y = −25 + 0.3·45 = −11.5 (x = 0);
        // radius 1.4·(96 + ‖bridge − nose‖)/2 with the 3D bridge-to-nose distance.
        let lm = try syntheticLandmarks().nowSeven
        let noseLen = simdLength((lm[1] + lm[2]) / 2 - lm[4])
        #expect(abs(r.centre.x) < 1e-5 && abs(r.centre.y + 11.5) < 1e-4)
        #expect(abs(r.radius - 1.4 * (96 + noseLen) / 2) < 1e-3)
    }

    /// A mesh against a randomly re-posed copy of itself: after alignment every distance ≈ 0.
    @Test func meshAgainstItselfAfterRandomSimilarity() throws {
        var g = SeededGenerator(seed: 21)
        let scan = syntheticFace(), lm = try syntheticLandmarks()
        for _ in 0..<2 {
            let t = randomSimilarity(&g)
            let pred = TriangleMesh(vertices: t.apply(scan.vertices), faces: scan.faces)
            let r = try NoWEvaluation.evaluate(scan: scan, scanLandmarks: lm, predicted: pred,
                                               predictedLandmarks: lm.transformed(by: t))
            #expect(r.statistics.median < 1e-3)
            #expect(r.statistics.max < 5e-3)
            #expect(abs(r.transform.scale * t.scale - 1) < 1e-5)
            #expect(r.croppedVertexCount > 1000)
        }
    }

    /// The refinement repairs a poor landmark placement: landmarks with 3 mm noise put the
    /// copy visibly off (median ≫ 0), the robust ICP brings it back onto the scan.
    @Test func refinementRecoversFromNoisyLandmarks() throws {
        var g = SeededGenerator(seed: 5)
        let scan = syntheticFace(), lm = try syntheticLandmarks()
        let t = randomSimilarity(&g)
        let pred = TriangleMesh(vertices: t.apply(scan.vertices), faces: scan.faces)
        var noisy = lm.transformed(by: t)
        noisy.points = noisy.points.map { $0 + SIMD3(g.normal(), g.normal(), g.normal()) * Float(3 * t.scale) }
        var off = NoWEvaluation.Options()
        off.refine = false
        let before = try NoWEvaluation.evaluate(scan: scan, scanLandmarks: lm, predicted: pred,
                                                predictedLandmarks: noisy, options: off)
        let after = try NoWEvaluation.evaluate(scan: scan, scanLandmarks: lm, predicted: pred, predictedLandmarks: noisy)
        #expect(before.statistics.median > 0.3)
        #expect(after.statistics.median < 0.01)
        #expect(after.refinement.map { $0.finalRMS < $0.initialRMS } == true)
    }

    /// The copy offset along its vertex normals by d: without refinement every distance is ≈ d;
    /// the refinement (which may trade the offset for scale/translation on a curved patch; all
    /// residuals are inside the Huber threshold, so it is least squares) can only lower the RMS.
    @Test func offsetAlongNormalsGivesTheOffset() throws {
        let scan = syntheticFace(n: 151), lm = try syntheticLandmarks()
        let d: Float = 1.0
        let normals = scan.vertexNormals()
        let pred = TriangleMesh(vertices: zip(scan.vertices, normals).map { $0 + d * $1 }, faces: scan.faces)
        var off = NoWEvaluation.Options()
        off.refine = false
        let r = try NoWEvaluation.evaluate(scan: scan, scanLandmarks: lm, predicted: pred, predictedLandmarks: lm,
                                           options: off)
        #expect(abs(r.statistics.median - Double(d)) < 0.02)
        #expect(abs(r.statistics.mean - Double(d)) < 0.03)
        #expect(r.statistics.std < 0.05)
        let refined = try NoWEvaluation.evaluate(scan: scan, scanLandmarks: lm, predicted: pred, predictedLandmarks: lm)
        func rms(_ s: ErrorStatistics) -> Double { (s.mean * s.mean + s.std * s.std).squareRoot() }
        #expect(rms(refined.statistics) <= rms(r.statistics) + 1e-4)
    }

    /// The real scan: `james` against a scaled, rotated and translated copy (landmarks carried
    /// through the shared triangles) must come back below 0.05 mm median.
    @Test func jamesAgainstReposedCopy() throws {
        let obj = DataPaths.scan("james.obj"), ljson = DataPaths.scan("james.ljson")
        for url in [obj, ljson] {
            try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) missing: run scripts/install-deps")
        }
        let scan = try MeshIO.load(obj)
        let lm = try LandmarkFile.load(ljson)
        let t = SimilarityTransform(scale: 0.013, rotation: .rotation(axisAngle: SIMD3(0.3, -0.5, 0.2)),
                                    translation: SIMD3(0.1, -0.4, 2.0))
        let pred = TriangleMesh(vertices: t.apply(scan.vertices), faces: scan.faces)
        let predLM = try LandmarkTransfer.throughSharedTriangles(lm, from: scan, to: pred)
        let r = try NoWEvaluation.evaluate(scan: scan, scanLandmarks: lm, predicted: pred, predictedLandmarks: predLM)
        #expect(r.statistics.median < 0.05)
        #expect(r.croppedVertexCount > 1000 && r.croppedVertexCount < scan.vertices.count)
    }
}

func simdLength(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }

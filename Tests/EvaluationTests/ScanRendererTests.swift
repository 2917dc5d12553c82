import Testing
import Foundation
import Geometry
import ImageIO
import SiderCore
@testable import Evaluation

/// A 200 × 200 square in the scan's z = 0 plane (facing +z, the viewer), its texture left half
/// red, right half blue (u < 0.5 red), with seven NoW-order landmarks on it.
func texturedSquare() throws -> (TexturedScan, FaceLandmarks3D) {
    let mesh = TriangleMesh(vertices: [SIMD3(-100, -100, 0), SIMD3(100, -100, 0), SIMD3(100, 100, 0), SIMD3(-100, 100, 0)],
                            faces: [SIMD3(0, 1, 2), SIMD3(0, 2, 3)])
    let uv: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)]
    let corners = mesh.faces.flatMap { [uv[Int($0.x)], uv[Int($0.y)], uv[Int($0.z)]] }
    var tex = RGBImage(width: 8, height: 8, fill: SIMD3(0, 0, 1))
    for y in 0..<8 { for x in 0..<4 { tex[x, y] = SIMD3(1, 0, 0) } }
    let lm = try FaceLandmarks3D(now7: [SIMD3(-45, 20, 0), SIMD3(-15, 20, 0), SIMD3(15, 20, 0), SIMD3(45, 20, 0),
                                        SIMD3(0, -20, 0), SIMD3(-25, -50, 0), SIMD3(25, -50, 0)])
    return (try TexturedScan(mesh: mesh, cornerUVs: corners, texture: tex), lm)
}

/// Frontal view from distance 500 (camera frame: x right, y down, z forward).
func frontalScene(lighting: SceneLighting, size: Int = 64) -> ScanScene {
    let flip = Matrix3(rows: SIMD3(1, 0, 0), SIMD3(0, -1, 0), SIMD3(0, 0, -1))
    return ScanScene(width: size, height: size, fx: 100, fy: 100, cx: Float(size) / 2, cy: Float(size) / 2,
                     pose: SimilarityTransform(scale: 1, rotation: flip, translation: SIMD3(0, 0, 500)),
                     lighting: lighting, background: .plain(SIMD3(0, 1, 0)))
}

@Suite struct ScanRendererTests {
    /// Ambient-only light shows albedo × ambient: red on the image left (scan −x), blue on the
    /// right, the plain background outside; depth is the plane's distance; normals face the camera.
    @Test func texturedPlaneShowsAlbedoDepthAndNormals() throws {
        let (scan, lm) = try texturedSquare()
        let scene = frontalScene(lighting: SceneLighting(ambient: 0.5, diffuse: 0, direction: SIMD3(0, 0, -1)))
        let r = try ScanRenderer.render(scan, landmarks: lm, scene: scene, supersampling: 1)
        // The square spans ±100 at z = 500 → ±20 px around the centre (32, 32).
        func close(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Bool { ((a - b) * (a - b)).sum() < 1e-4 }
        #expect(close(r.image[20, 32], SIMD3(0.5, 0, 0)))
        #expect(close(r.image[44, 32], SIMD3(0, 0, 0.5)))
        #expect(close(r.image[5, 5], SIMD3(0, 1, 0)))
        #expect(abs(r.depth[32 * 64 + 30] - 500) < 1e-3)
        #expect(r.depth[5 * 64 + 5] == .infinity && !r.mask[5 * 64 + 5])
        #expect(close(r.normals[32 * 64 + 30], SIMD3(0, 0, -1)))
        // Landmarks project by the pinhole model: scan (−45, 20, 0) → camera (−45, −20, 500).
        #expect(abs(r.landmarks2D[0].x - (32 - 9)) < 1e-4 && abs(r.landmarks2D[0].y - (32 - 4)) < 1e-4)
        #expect(r.landmarkVisible.allSatisfy { $0 })
    }

    /// Lambert's law: a light at angle θ from the normal gives albedo·(kₐ + k_d·cos θ).
    @Test func lambertianShadingFollowsTheLightAngle() throws {
        let (scan, lm) = try texturedSquare()
        let theta: Float = 0.9
        let light = SceneLighting(ambient: 0.2, diffuse: 0.7, direction: SIMD3(sinf(theta), 0, -cosf(theta)))
        let r = try ScanRenderer.render(scan, landmarks: lm, scene: frontalScene(lighting: light), supersampling: 1)
        let expected = 0.2 + 0.7 * cosf(theta)
        #expect(abs(r.image[20, 32].x - expected) < 1e-4)
        #expect(abs(r.image[44, 32].z - expected) < 1e-4)
    }

    @Test func sampledScenesAreDeterministicAndWithinRanges() throws {
        for seed in UInt64(0)..<30 {
            let s = try ScanScene.sample(seed: seed, width: 256, height: 256, faceCentre: SIMD3(1, 2, 3), faceRadius: 100)
            #expect(try ScanScene.sample(seed: seed, width: 256, height: 256, faceCentre: SIMD3(1, 2, 3), faceRadius: 100) == s)
            #expect(abs(s.yaw) <= 30 && abs(s.pitch) <= 10 && abs(s.roll) <= 8)
            // The face centre lands near the image centre, in front of the camera.
            let c = s.pose.apply(SIMD3<Float>(1, 2, 3))
            let uv = s.camera.project(c)
            #expect(c.z > 0 && abs(uv.x - 128) <= 0.05 * 256 + 1e-3 && abs(uv.y - 128) <= 0.05 * 256 + 1e-3)
            // Light comes from the camera's side of the face.
            #expect(s.lighting.direction.z < 0)
            #expect(abs(s.pose.rotation.determinant - 1) < 1e-9)
        }
    }

    /// The real scan renders as a face: most of the face region covered, the NoW landmarks
    /// visible at small yaw, the nose tip nearer the camera than the eye corners.
    @Test func jamesRendersAsAFace() throws {
        let obj = DataPaths.scan("james.obj")
        try #require(FileManager.default.fileExists(atPath: obj.path), "\(obj.path) missing: run scripts/install-deps")
        var ranges = ScanScene.Ranges()
        ranges.yaw = -10...10
        let gt = try GroundTruthCase.make(obj: obj, seed: 3, size: 128, ranges: ranges)
        #expect(gt.scan.mesh.vertices.count == 6393 && gt.scan.mesh.faces.count == 12228)
        let r = gt.render
        // The rendered depth at the scan's nearest vertex (visible: nothing is nearer) is that
        // vertex's depth, up to the surface's change within one pixel (≈ 2.5 mm here).
        let nose = try #require(gt.scanInCamera.vertices.min { $0.z < $1.z })
        let uv = r.scene.camera.project(nose)
        #expect(abs(r.depth[Int(uv.y) * 128 + Int(uv.x)] - nose.z) < 3)
        #expect(r.mask.filter { $0 }.count > 128 * 128 / 4)
        for i in FaceLandmarks3D.nowIndices { #expect(r.landmarkVisible[i]) }
        #expect(r.landmarksCamera[30].z < r.landmarksCamera[36].z && r.landmarksCamera[30].z < r.landmarksCamera[45].z)
        // Skin, not background, under the nose tip: the texture makes it reddish-brown.
        let p = r.landmarks2D[30]
        let c = r.image[Int(p.x), Int(p.y)]
        #expect(c.x > c.z)
    }
}

#if canImport(Glibc)
import Glibc
#endif

@Suite struct BackProjectionTests {
    /// Render-then-back-project round trip: the projected landmarks of a plane cast back onto
    /// the posed plane land on the original landmarks (they lie on the surface).
    @Test func projectedLandmarksComeBackOntoTheSurface() throws {
        let (scan, lm) = try texturedSquare()
        let scene = frontalScene(lighting: SceneLighting(ambient: 1, diffuse: 0, direction: SIMD3(0, 0, -1)))
        let r = try ScanRenderer.render(scan, landmarks: lm, scene: scene, supersampling: 1)
        let posed = TriangleMesh(vertices: scene.pose.apply(scan.mesh.vertices), faces: scan.mesh.faces)
        let hits = try LandmarkBackProjection.backProject(r.landmarks2D, camera: scene.camera, mesh: posed)
        for (h, truth) in zip(hits, r.landmarksCamera) {
            let p = try #require(h)
            #expect(simdLength(p - truth) < 1e-3)
        }
        // A point off the square misses.
        let miss = try LandmarkBackProjection.backProject([SIMD2(1, 1)], camera: scene.camera, mesh: posed)
        #expect(miss[0] == nil)
    }
}

import Foundation
import Testing
import Geometry
import ImageIO
import Landmarks
import MorphableModels
import SiderCore
import SiderPipeline

/// `FaceFrontEnd` on the sample photo: both coarse priors land on the image where the detected
/// landmarks are, through the photo camera the front end derives from the crop camera.
@Suite(.serialized) struct FrontEndTests {
    /// The FLAME-format model `scripts/test` builds from this photo's landmark mesh
    /// (`scripts/make_flame_fixture.py --from-mesh`; 50 shape + 20 expression components).
    static let flameFixture = DataPaths.root.appendingPathComponent("fixtures/flame_from_obama2", isDirectory: true)

    static func landmarks() throws -> (RGBImage, FaceLandmarks) {
        let photo = try ImageDecoder.load(DataPaths.sample("obama2.jpg"))
        return (photo, try FaceLandmarker().run(photo).landmarks)
    }

    /// Photo camera and crop camera describe the same rays: the crop's map of a point's photo
    /// projection is its crop projection.
    static func expectCamerasAgree(_ front: FaceFrontEnd) {
        for v in front.coarseMesh.vertices.prefix(50) {
            let a = front.crop.toCrop(front.photoCamera.project(v)), b = front.cropCamera.project(v)
            #expect(abs(a.x - b.x) < 1e-2 && abs(a.y - b.y) < 1e-2)
        }
    }

    /// The landmark mesh is lifted along the pixel rays of the 468 points, so its first 468
    /// vertices project back onto them in the photo.
    @Test func landmarkMeshProjectsOntoTheMeshPoints() throws {
        let (photo, found) = try Self.landmarks()
        let front = try FaceFrontEnd(photo: photo, landmarks: found, crop: TestConfigs.shipped("fast").crop)
        #expect(front.prior.kind == "landmark mesh")
        #expect(front.prior.flameParameters == nil)
        let worst = zip(front.coarseMesh.vertices.prefix(468), found.points468).map { v, q in
            let d = front.photoCamera.project(v) - SIMD2(q.x, q.y)
            return (d * d).sum().squareRoot()
        }.max() ?? .infinity
        #expect(worst < 0.5, "worst reprojection \(worst) px")
        #expect(front.excludedRegions.count == 3 && front.excludedRegions[2].count == 8)
        #expect(front.input().coarsePrior == front.prior)
        Self.expectCamerasAgree(front)
        let kept = try FaceFrontEnd(photo: photo, landmarks: found, crop: TestConfigs.shipped("fast").crop, excludeEyesAndMouth: false)
        #expect(kept.excludedRegions.isEmpty)
    }

    /// The landmark-mesh prior reaches above MediaPipe's mesh (which ends mid-forehead) by
    /// `foreheadExtension` of the face height, and the face region with it; the added strip keeps
    /// the mesh consistently wound and every edge shared by at most two triangles.
    @Test func landmarkMeshExtendsTheForehead() throws {
        let (photo, found) = try Self.landmarks()
        let front = try FaceFrontEnd(photo: photo, landmarks: found, crop: TestConfigs.shipped("fast").crop)
        let pts = found.points468.map { SIMD2($0.x, $0.y) }
        let up = pts[10] - pts[152], height = (up * up).sum().squareRoot(), u = up / height
        func h(_ p: SIMD2<Float>) -> Float { ((p - pts[152]) * u).sum() }
        let meshTop = front.coarseMesh.vertices.map { h(front.photoCamera.project($0)) }.max() ?? 0
        let regionTop = front.faceRegion.map(h).max() ?? 0
        let ext = FaceFrontEnd.foreheadExtension
        #expect(abs(meshTop / height - (1 + ext)) < 0.03, "mesh top at \(meshTop / height) face heights")
        #expect(abs(regionTop - meshTop) < 0.5)
        #expect(front.coarseMesh.isConsistentlyOriented)
        #expect(front.coarseMesh.edgeFaceCounts().values.allSatisfy { $0 <= 2 })
        // Facing the camera, as the rest of the mesh: the strip's normals point towards −z.
        let normals = front.coarseMesh.faceNormals()
        #expect(normals.filter { $0.z < 0 }.count > normals.count * 9 / 10)
    }

    /// FLAME fitted in the crop: its 68 embedded landmarks on the returned mesh, projected by
    /// the photo camera, are where the fit put them (so mesh and camera are in one frame) and
    /// meet the detected 68 within a few crop pixels (the synthetic model's eyebrows and inner
    /// lips fit worst, up to ~10 px at 256).
    @Test func flamePriorProjectsOntoThe68Landmarks() throws {
        let model = Self.flameFixture.appendingPathComponent("model.pkl")
        let embeddingURL = Self.flameFixture.appendingPathComponent("landmark_embedding.npy")
        for url in [model, embeddingURL] {
            try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) missing: run scripts/test (it makes this fixture)")
        }
        let (photo, found) = try Self.landmarks()
        let prior = try CoarsePrior.loadFLAME(model: model, embedding: embeddingURL, shapeComponents: 50)
        let front = try FaceFrontEnd(photo: photo, landmarks: found, crop: TestConfigs.shipped("fast").crop, prior: prior)
        #expect(front.prior.kind == "FLAME")
        #expect(front.prior.flameParameters != nil)

        // The fixture's contour rows are all alike, so its `full` 68 points are the fitted ones.
        let embedding = try LandmarkEmbedding.load(contentsOf: embeddingURL)
        let faces = try #require(embedding.fullFaces), bary = try #require(embedding.fullBary)
        let projected = zip(faces, bary).map { f, b -> SIMD2<Float> in
            let t = front.coarseMesh.faces[f]
            return front.photoCamera.project((0..<3).reduce(SIMD3<Float>.zero) {
                $0 + Float(b[$1]) * front.coarseMesh.vertices[Int(t[$1])]
            })
        }
        #expect(projected.count == 68 && front.priorLandmarks.count == 68)
        for (p, q) in zip(projected, front.priorLandmarks) { #expect(abs(p.x - q.x) < 0.05 && abs(p.y - q.y) < 0.05) }

        // Distances to the detected landmarks in crop pixels (the fit's frame, 256 px).
        let errors = zip(projected, found.points68).map { p, t in ((p - t) * (p - t)).sum().squareRoot() * front.crop.scale }
        let mean = errors.reduce(0, +) / Float(errors.count), median = errors.sorted()[errors.count / 2]
        let worst = errors.max() ?? .infinity
        #expect(mean < 2.5 && median < 2 && worst < 15, "landmark error \(mean) crop px mean, \(median) median, \(worst) max")
        #expect(abs(front.prior.landmarkErrorMeanPx * front.crop.scale - mean) < 1e-2)
        // The fitted head is in front of the camera.
        #expect(front.coarseMesh.vertices.allSatisfy { $0.z > 0.1 })
        Self.expectCamerasAgree(front)
    }

    @Test func missingFLAMEFilesAreOneLineErrors() throws {
        let nowhere = URL(fileURLWithPath: "/nonexistent/flame.pkl")
        #expect(throws: SiderError.self) {
            try CoarsePrior.loadFLAME(model: nowhere, embedding: nowhere.appendingPathExtension("npy"))
        }
        let notAModel = FileManager.default.temporaryDirectory.appendingPathComponent("not_flame_\(getpid()).pkl")
        try Data("not a pickle".utf8).write(to: notAModel)
        defer { try? FileManager.default.removeItem(at: notAModel) }
        #expect(throws: SiderError.self) { try CoarsePrior.loadFLAME(model: notAModel, embedding: notAModel) }
    }
}

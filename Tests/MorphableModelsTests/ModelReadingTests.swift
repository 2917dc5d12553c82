import Foundation
import Testing
import SiderCore
@testable import MorphableModels

@Suite("Reading FLAME files")
struct ModelReadingTests {
    @Test func loadsThePython2ModelPickle() throws {
        let m = try Fixture.model()
        #expect(m.vertexCount == 154)
        #expect(m.jointCount == 5)
        #expect(m.faces.count == 260)
        #expect(m.shapeCount == 10 && m.expressionCount == 5)
        #expect(m.parents == [-1, 0, 1, 1, 1])
        #expect(m.poseDirs.count == 154 * 3 * 36)
        // Every J_regressor row is a convex combination (sparse matrix densified correctly).
        for j in 0..<5 {
            let row = m.jointRegressor[(j * 154)..<((j + 1) * 154)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-5)
            #expect(row.filter { $0 != 0 }.count == 4)
        }
        for v in 0..<154 { #expect(abs(m.weights[(v * 5)..<(v * 5 + 5)].reduce(0, +) - 1) < 1e-5) }
    }

    @Test func staticEmbeddingIsTheSameInEveryFormat() throws {
        let deca = try Fixture.embedding()
        #expect(deca.staticFaces.count == 51)
        #expect(deca.contourFaces?.count == 79)
        #expect(deca.fullFaces?.count == 68)
        for name in ["static_embedding_tiny.pkl", "static_embedding_tiny.npz", "static_embedding_tiny_p4.pkl"] {
            let e = try LandmarkEmbedding.load(contentsOf: Fixture.url(name))
            #expect(e.staticFaces == deca.staticFaces, "\(name)")
            #expect(e.contourFaces == nil)
            for (a, b) in zip(e.staticBary, deca.staticBary) {
                #expect(simd_max_abs(a - b) < 1e-6, "\(name)")  // p4 stores float32
            }
        }
    }

    /// DECA's released file keeps the dynamic contour as torch tensors (legacy torch.save storages).
    @Test func torchTensorsInTheEmbeddingAreRead() throws {
        let numpy = try Fixture.embedding()
        let torch = try LandmarkEmbedding.load(contentsOf: Fixture.url("landmark_embedding_torch_tiny.npy"))
        #expect(torch.staticFaces == numpy.staticFaces)
        #expect(torch.contourFaces == numpy.contourFaces)
        let a = try #require(torch.contourBary), b = try #require(numpy.contourBary)
        for (ra, rb) in zip(a, b) { for (x, y) in zip(ra, rb) { #expect(simd_max_abs(x - y) < 1e-6) } }
    }

    @Test func contourRowFollowsTheFittingCodesRule() {
        #expect(LandmarkEmbedding.contourRow(yaw: 0) == 0)
        #expect(LandmarkEmbedding.contourRow(yaw: 20 * .pi / 180) == 20)
        #expect(LandmarkEmbedding.contourRow(yaw: 60 * .pi / 180) == 39)
        #expect(LandmarkEmbedding.contourRow(yaw: -1 * .pi / 180) == 40)
        #expect(LandmarkEmbedding.contourRow(yaw: -39 * .pi / 180) == 78)
        #expect(LandmarkEmbedding.contourRow(yaw: -50 * .pi / 180) == 78)
    }

    @Test func truncatedPickleIsABadModel() throws {
        let bytes = [UInt8](try Data(contentsOf: Fixture.url("flame_tiny.pkl")))
        let url = try Fixture.temporary("broken.pkl", Array(bytes.prefix(bytes.count / 2)))
        defer { Fixture.remove(url) }
        let error = #expect(throws: SiderError.self) { try FLAMEModel.load(contentsOf: url) }
        #expect(error?.kind == .badModel)
        #expect(error?.message.contains("broken.pkl") == true)
    }

    @Test func missingKeyIsNamed() throws {
        let url = try Fixture.temporary("empty.pkl", TinyPickle.dict([("v_template", [[0, 0, 0]])]))
        defer { Fixture.remove(url) }
        let error = #expect(throws: SiderError.self) { try FLAMEModel.load(contentsOf: url) }
        #expect(error?.message.contains("missing key 'f'") == true)
    }

    @Test func badShapeIsNamed() throws {
        let url = try Fixture.temporary("bad.pkl", TinyPickle.dict([("v_template", [[0, 0], [1, 1]])]))
        defer { Fixture.remove(url) }
        let error = #expect(throws: SiderError.self) { try FLAMEModel.load(contentsOf: url) }
        #expect(error?.message.contains("'v_template' has shape (2, 2), expected (V, 3)") == true)
    }

    @Test func wrongEmbeddingSizeIsNamed() throws {
        let faces = (0..<50).map { [Double($0)] }
        let bary = (0..<50).map { _ in [0.2, 0.3, 0.5] }
        let url = try Fixture.temporary("emb.pkl", TinyPickle.dict([("lmk_face_idx", faces), ("lmk_b_coords", bary)],
                                                                  flat: ["lmk_face_idx"]))
        defer { Fixture.remove(url) }
        let error = #expect(throws: SiderError.self) { try LandmarkEmbedding.load(contentsOf: url) }
        #expect(error?.message.contains("'lmk_face_idx' has shape (50,), expected (51,)") == true)
        // An embedding for a bigger mesh does not fit this model.
        #expect(throws: SiderError.self) { try Fixture.embedding().validate(faceCount: 100) }
    }

    @Test func notAPickleIsRejected() throws {
        let url = try Fixture.temporary("text.pkl", Array("hello".utf8))
        defer { Fixture.remove(url) }
        #expect(throws: SiderError.self) { try FLAMEModel.load(contentsOf: url) }
    }
}

func simd_max_abs(_ v: SIMD3<Double>) -> Double { max(abs(v.x), abs(v.y), abs(v.z)) }

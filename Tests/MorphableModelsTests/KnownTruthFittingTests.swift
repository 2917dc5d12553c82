import Foundation
import Testing
import SiderCore
@testable import MorphableModels

/// The landmark fit on a synthetic head whose truth is known (scripts/make_flame_fixture.py,
/// `write_head_fixture`): its own template (a face wrapping round to the ears, not built from a
/// photo), 10 shape + 5 expression components each centred on a different landmark site, and a
/// DECA-layout dynamic contour whose 79 rows follow the jaw line's silhouette degree by degree.
/// The 68 landmarks of the numpy forward pass for known β, ψ, pose are projected with a known
/// camera; the fit must give back β, ψ, the head and jaw rotations, the camera and the contour row.
@Suite("FLAME fit with known truth")
struct KnownTruthFittingTests {
    struct Truth: Decodable {
        struct Case: Decodable {
            let shape: [Double]
            let expression: [Double]
            let pose: [Double]
            /// The 68 landmarks (FLAME frame, metres), contour from row `contour_row`.
            let landmarks: [Double]
            let contour_row: Int
            /// The same mesh's 68 landmarks with the frontal contour row 0.
            let frontal_row_landmarks: [Double]
        }
        let cases: [Case]
    }

    static let camera = FitCamera(projection: .perspective, width: 256, height: 256, focalLength: 600, cx: 128, cy: 128,
                                  scale: 1, translation: SIMD3(0.01, -0.01, 0.6))

    static func pixels(_ flat: [Double]) -> [SIMD2<Double>] {
        (0..<(flat.count / 3)).map { i in
            camera.project(SIMD3(flat[3 * i], -flat[3 * i + 1], -flat[3 * i + 2]) + camera.translation)
        }
    }

    static func maxAbs(_ v: SIMD3<Double>) -> Double { max(abs(v.x), abs(v.y), abs(v.z)) }

    static func meanDistance(_ a: ArraySlice<SIMD2<Double>>, _ b: ArraySlice<SIMD2<Double>>) -> Double {
        zip(a, b).map { (($0 - $1) * ($0 - $1)).sum().squareRoot() }.reduce(0, +) / Double(a.count)
    }

    /// Cases: head turned 25° (contour row 25), −30° (row 69), and near frontal (2°, row 2).
    @Test(arguments: [0, 1, 2])
    func recoversShapeExpressionPoseAndCamera(_ index: Int) throws {
        let model = try FLAMEModel.load(contentsOf: try Fixture.url("flame_head.pkl"), shapeComponents: 10)
        let embedding = try LandmarkEmbedding.load(contentsOf: try Fixture.url("landmark_embedding_head.npy"))
        let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: try Fixture.url("flame_head_truth.json")))
            .cases[index]
        let parameters = FLAMEParameters(shape: truth.shape, expression: truth.expression, pose: truth.pose)

        // The fixture's rows are distinct and the truth's is the one its yaw selects, here as in numpy.
        let contour = try #require(embedding.contourFaces)
        #expect(Set(contour.map { $0 }).count > 70, "contour rows are not distinct")
        #expect(LandmarkEmbedding.contourRow(yaw: model.headYaw(pose: truth.pose)) == truth.contour_row)
        let ours = model.landmarks(of: try model.forward(parameters).vertices, pose: truth.pose, embedding: embedding)
        for (i, p) in ours.enumerated() {
            let q = SIMD3(truth.landmarks[3 * i], truth.landmarks[3 * i + 1], truth.landmarks[3 * i + 2])
            // float32 vertices of a ~0.1 m head: 10⁻⁶ m is ~10 roundings
            #expect(Self.maxAbs(SIMD3<Double>(Double(p.x), Double(p.y), Double(p.z)) - q) < 1e-6, "landmark \(i)")
        }

        let targets = Self.pixels(truth.landmarks)
        // A turned head's contour is far from the frontal row's (so the row choice is exercised).
        let frontal = Self.pixels(truth.frontal_row_landmarks)
        let shift = Self.meanDistance(targets[..<17], frontal[..<17])
        // (measured 11.4 px at 25° and 11.6 px at −30°, against a fit that ends ~10⁻⁶ px off)
        if truth.contour_row != 2 { #expect(shift > 5, "contour moved only \(shift) px") }

        // Noise-free targets: the priors only regularise (λ = 10⁻⁶ against Jacobian columns of
        // ≥ 0.5 px per unit coefficient biases a coefficient by < 10⁻⁵).
        var options = FittingTests.exactDataOptions(.perspective, focalLength: Self.camera.focalLength)
        options.shapeComponents = 10
        options.expressionComponents = 5
        let fit = try FLAMEFitter(model: model, embedding: embedding, options: options)
            .fit(landmarks: targets, imageWidth: 256, imageHeight: 256)

        let row = LandmarkEmbedding.contourRow(yaw: model.headYaw(pose: fit.parameters.pose))
        #expect(row == truth.contour_row, "contour row \(row), truth \(truth.contour_row)")
        // Exact data: the fit converges to a zero residual (measured ~1.2·10⁻⁶ px; 10⁻⁴ allows for
        // LM stopping earlier on another machine's rounding).
        #expect(fit.meanError < 1e-4, "mean landmark error \(fit.meanError) px")
        // At a residual e (px) a coefficient is off by at most ~e·√136 / σ_min, σ_min ≈ 0.45 px
        // per unit for the least visible component (case 1's shape component 2, on the far side):
        // 10⁻⁴ px → 3·10⁻³ (measured ≤ 1.1·10⁻⁵). Coefficients are N(0, 1).
        let dShape = zip(fit.parameters.shape, truth.shape).map { abs($0 - $1) }
        let dExpression = zip(fit.parameters.expression, truth.expression).map { abs($0 - $1) }
        let global = FittingTests.angleBetween(fit.parameters.rotation(joint: 0), parameters.rotation(joint: 0))
        let jaw = FittingTests.angleBetween(fit.parameters.rotation(joint: 2), parameters.rotation(joint: 2))
        let dt = fit.camera.translation - Self.camera.translation
        print(String(format: "head case %d: row %d, mean error %.2e px, max |Δβ| %.2e, max |Δψ| %.2e, head %.2e°, jaw %.2e°, |Δt| %.2e m",
                     index, row, fit.meanError, dShape.max() ?? 0, dExpression.max() ?? 0, global, jaw, Self.maxAbs(dt)))
        #expect(dShape.count == 10 && dExpression.count == 5)
        #expect(dShape.allSatisfy { $0 < 3e-3 }, "shape off by \(dShape)")
        #expect(dExpression.allSatisfy { $0 < 3e-3 }, "expression off by \(dExpression)")
        // 10⁻³° moves a landmark 0.1 m from its joint by 1.7 µm, 0.0017 px at 0.6 m and f = 600
        // (17× the residual bound); 10⁻⁶ m of translation moves the image by ≤ 0.001 px
        // (measured: ≤ 1.7·10⁻⁶° head, ≤ 9·10⁻⁶° jaw, ≤ 1.3·10⁻⁸ m).
        #expect(global < 1e-3, "head rotation off by \(global)°")
        #expect(jaw < 1e-3, "jaw rotation off by \(jaw)°")
        #expect(Self.maxAbs(dt) < 1e-6, "camera translation off by \(dt) m")
    }
}

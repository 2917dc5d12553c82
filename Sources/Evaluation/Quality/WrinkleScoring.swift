import Foundation
import Geometry
import ImageIO
import SiderCore

/// The normal errors of the methods compared on one set of pixels (mean angles, degrees, and
/// the full statistics).
public struct WrinkleMethodErrors: Sendable, Codable {
    /// The coarse prior mesh (rasterized in the photo frame).
    public var prior: NormalAngleStatistics
    /// f_c, the coarse SDF alone, when the run wrote its normal image (`WrinkleScoring.coarseFieldFile`).
    public var coarseField: NormalAngleStatistics?
    /// normals.png (∇ₓf of the final f_θ, crop frame, bilinearly resampled to the photo).
    public var detailField: NormalAngleStatistics
    /// detailed.obj rasterized in the photo frame.
    public var detailMesh: NormalAngleStatistics
}

/// One region's scores (a pattern, the union of all, or the control's marks).
public struct WrinkleRegionScore: Sendable, Codable {
    public var name: String
    public var pixels: Int
    /// Mean angle between the true normals with and without relief: how strong the detail is.
    public var reliefMeanDegrees: Double
    /// RMS luminance difference (0–255) the relief or marks make in the photo (`WrinkleTruth.Region`).
    public var photoContrast: Double
    public var errors: WrinkleMethodErrors
    /// Recovered detail of ∇ₓf (normals.png − prior) and of detailed.obj (mesh − prior) against
    /// the true detail (`DetailAgreement`).
    public var detailField: DetailAgreement
    public var detailMesh: DetailAgreement
    /// The ceiling: the true surface's normals seen as a perfect normals.png would show them
    /// (rasterized in the run's crop, 8-bit, resampled back like ∇f), d_r = those − the smooth
    /// scan's normals. What crop resolution and encoding leave of the detail.
    public var detailCeiling: DetailAgreement?
}

/// Scores one wrinkle case.
///
/// Pixels: the render mask ∩ the prior's coverage ∩ detailed.obj's coverage ∩ the pixels
/// normals.png covers (∩ f_c's and the ceiling's, when present) — the same for every method ("face"); each region
/// is intersected with them. The high-pass of `DetailAgreement` works on the face pixels with
/// σ = `highPassMillimetres` on the face converted to pixels (f / z of the face centre).
public enum WrinkleScoring {
    /// f_c's normal image in the reconstruction folder, scored when present (same encoding and
    /// frame as normals.png).
    public static let coarseFieldFile = "fc_normals.png"
    public static let highPassMillimetres: Float = 4

    /// The photo-frame normal fields of one reconstruction.
    public struct Predicted: Sendable {
        public var prior: [SIMD3<Float>]
        public var coarseField: [SIMD3<Float>]?
        public var detailField: [SIMD3<Float>]
        public var detailMesh: [SIMD3<Float>]
        /// The true surface through the crop (see `WrinkleRegionScore.detailCeiling`).
        public var ceiling: [SIMD3<Float>]?
    }

    public struct Outcome: Sendable {
        public var face: WrinkleMethodErrors
        public var regions: [WrinkleRegionScore]
        public var sigmaPixels: Float
        public var faceMask: [Bool]
        /// High-passed true and recovered detail (∇f, mesh) over the face pixels, for the images.
        public var trueDetail: [SIMD3<Float>]
        public var fieldDetail: [SIMD3<Float>]
        public var meshDetail: [SIMD3<Float>]
    }

    /// Pixel size on the face: scan units per pixel at the face centre's depth.
    public static func unitsPerPixel(_ scene: ScanScene, faceCentre: SIMD3<Float>) -> Float {
        scene.pose.apply(faceCentre).z / scene.fx
    }

    public static func score(_ truth: WrinkleTruth, predicted p: Predicted, faceCentre: SIMD3<Float>) throws -> Outcome {
        let scene = truth.truth.render.scene, w = scene.width, h = scene.height
        let n = w * h
        let fields = [p.prior, p.detailField, p.detailMesh] + (p.coarseField.map { [$0] } ?? []) + (p.ceiling.map { [$0] } ?? [])
        guard fields.allSatisfy({ $0.count == n }), truth.smoothNormals.count == n else {
            throw SiderError(.badInput, "wrinkle scoring: normal fields do not match the \(w)×\(h) render")
        }
        let face = (0..<n).map { i in truth.truth.render.mask[i] && fields.allSatisfy { $0[i] != .zero } }
        let trueNormals = truth.truth.render.normals
        func errors(_ mask: [Bool]) throws -> WrinkleMethodErrors {
            WrinkleMethodErrors(prior: try NormalAngleStatistics(predicted: p.prior, truth: trueNormals, mask: mask),
                                coarseField: try p.coarseField.map { try NormalAngleStatistics(predicted: $0, truth: trueNormals, mask: mask) },
                                detailField: try NormalAngleStatistics(predicted: p.detailField, truth: trueNormals, mask: mask),
                                detailMesh: try NormalAngleStatistics(predicted: p.detailMesh, truth: trueNormals, mask: mask))
        }
        let sigma = highPassMillimetres / unitsPerPixel(scene, faceCentre: faceCentre)
        func highPass(_ a: [SIMD3<Float>], _ b: [SIMD3<Float>]) -> [SIMD3<Float>] {
            PixelMasks.highPass((0..<n).map { a[$0] - b[$0] }, support: face, width: w, height: h, sigma: sigma)
        }
        let ht = highPass(trueNormals, truth.smoothNormals)
        let hf = highPass(p.detailField, p.prior), hm = highPass(p.detailMesh, p.prior)
        let hc = p.ceiling.map { highPass($0, truth.smoothNormals) }
        let regions = try truth.regions.compactMap { r -> WrinkleRegionScore? in
            let mask = (0..<n).map { r.mask[$0] && face[$0] }
            guard mask.contains(true) else { return nil }
            let relief = try NormalAngleStatistics(predicted: trueNormals, truth: truth.smoothNormals, mask: mask)
            return WrinkleRegionScore(name: r.name, pixels: relief.pixels, reliefMeanDegrees: relief.meanDegrees,
                                      photoContrast: r.photoContrast,
                                      errors: try errors(mask),
                                      detailField: try DetailAgreement(recovered: hf, truth: ht, region: mask),
                                      detailMesh: try DetailAgreement(recovered: hm, truth: ht, region: mask),
                                      detailCeiling: try hc.map { try DetailAgreement(recovered: $0, truth: ht, region: mask) })
        }
        return Outcome(face: try errors(face), regions: regions, sigmaPixels: sigma, faceMask: face,
                       trueDetail: ht, fieldDetail: hf, meshDetail: hm)
    }

    /// A detail field as an image: RGB = ½ + (dₓ, −d_y, −d_z)·scale (the normal map's axes),
    /// black off `mask`; one `scale` for the images of one case so they compare.
    public static func detailImage(_ d: [SIMD3<Float>], mask: [Bool], width: Int, height: Int, scale: Float) -> RGBImage {
        var img = RGBImage(width: width, height: height)
        for i in 0..<(width * height) where mask[i] {
            let c = (SIMD3<Float>(0.5, 0.5, 0.5) + scale * SIMD3(d[i].x, -d[i].y, -d[i].z)).clamped(lowerBound: .zero, upperBound: SIMD3(1, 1, 1))
            img.pixels[3 * i] = c.x; img.pixels[3 * i + 1] = c.y; img.pixels[3 * i + 2] = c.z
        }
        return img
    }
}

import Foundation
import Geometry
import ImageIO
import SiderCore
import SiderPipeline

/// One method's reconstruction of a ground-truth case, as the scorer sees it: a mesh in the
/// frame of `camera` (a camera over the render's pixel grid — the same width and height), and
/// its seven NoW landmarks in that frame.
public struct QualityPrediction: Sendable {
    public var label: String
    public var mesh: TriangleMesh
    public var camera: PinholeCamera
    public var landmarks: FaceLandmarks3D

    public init(label: String, mesh: TriangleMesh, camera: PinholeCamera, landmarks: FaceLandmarks3D) {
        self.label = label; self.mesh = mesh; self.camera = camera; self.landmarks = landmarks
    }
}

/// Mean / median angle between predicted and true unit normals over a set of pixels, degrees.
public struct NormalAngleStatistics: Sendable, Codable, Equatable {
    public var pixels: Int
    public var meanDegrees: Double
    public var medianDegrees: Double
    /// Percentage of the pixels with an error below 10° / 20°.
    public var within10: Double
    public var within20: Double

    /// Angles θ = atan2(‖a × b‖, a·b) (well conditioned near 0°) between `predicted[i]` and
    /// `truth[i]` over the pixels `i` where `mask[i]`; throws when no pixel counts.
    public init(predicted: [SIMD3<Float>], truth: [SIMD3<Float>], mask: [Bool]) throws {
        guard predicted.count == truth.count, truth.count == mask.count else {
            throw SiderError(.badInput, "normal maps of different sizes (\(predicted.count), \(truth.count), \(mask.count))")
        }
        var angles: [Double] = []
        for i in mask.indices where mask[i] {
            let a = SIMD3<Double>(predicted[i]), b = SIMD3<Double>(truth[i])
            let c = SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
            let angle = atan2(((c * c).sum()).squareRoot(), (a * b).sum()) * 180 / .pi
            guard angle.isFinite else { throw SiderError(.numerical, "non-finite normal at pixel \(i)") }
            angles.append(angle)
        }
        guard !angles.isEmpty else { throw SiderError(.badInput, "no pixel is covered by both the truth and the predictions") }
        angles.sort()
        pixels = angles.count
        meanDegrees = angles.reduce(0, +) / Double(angles.count)
        medianDegrees = ErrorStatistics.quantile(angles, 0.5)
        within10 = 100 * Double(angles.filter { $0 < 10 }.count) / Double(angles.count)
        within20 = 100 * Double(angles.filter { $0 < 20 }.count) / Double(angles.count)
    }
}

/// One method's scores on one case.
public struct QualityMethodScore: Sendable, Codable {
    public var label: String
    /// NoW scan-to-mesh statistics (scan units: mm for `james`).
    public var now: ErrorStatistics
    /// RMS of the seven landmark pairs after the landmark Procrustes, and the final scale.
    public var landmarkRMS: Double
    public var scale: Double
    /// Normal error over the common pixels (see `QualityScoring`).
    public var normals: NormalAngleStatistics
    /// Pixels the method's mesh covers in the render's grid.
    public var coveredPixels: Int
    /// NoW landmarks whose image ray missed the mesh (placed at a closest point instead).
    public var landmarkFallbacks = 0
    /// Per cropped-scan-vertex distances (for the pooled curve; not written to JSON).
    public var distances: [Float] = []

    enum CodingKeys: String, CodingKey { case label, now, landmarkRMS, scale, normals, coveredPixels, landmarkFallbacks }
}

/// Scores predictions of one `GroundTruthCase`.
///
/// - NoW: `NoWEvaluation.evaluate` of each mesh against the scan (landmark Procrustes of the
///   seven NoW points, then the scan-to-mesh refinement), in the scan's units.
/// - Normals: each mesh is rasterized with its own camera over the render's pixel grid
///   (smooth vertex normals, camera space); its normal at pixel p is compared with the true
///   normal at p. The pipeline assumes its own camera (`QualityFrontEnd`), not the render's;
///   both have the same axes (no rotation between the frames), so camera-space normals compare
///   directly; the differing focal length and principal point bend each pixel's viewing ray by
///   a degree or two, which is part of what a method working from a photo alone gets wrong.
///   Pixels that count: the render's mask ∩ every prediction's coverage — the same pixels for
///   every method, so the numbers compare like for like.
public enum QualityScoring {
    /// The scores, in the order of the predictions, and the pixels the normal errors were taken over.
    public struct Outcome: Sendable {
        public var scores: [QualityMethodScore]
        public var commonMask: [Bool]
    }

    public static func score(_ predictions: [QualityPrediction], truth: GroundTruthCase,
                             options: NoWEvaluation.Options = NoWEvaluation.Options()) throws -> Outcome {
        let w = truth.render.scene.width, h = truth.render.scene.height
        var rasters: [RasterOutput] = []
        for p in predictions {
            guard p.camera.width == w, p.camera.height == h else {
                throw SiderError(.badInput, "\(p.label): camera is \(p.camera.width)×\(p.camera.height), the render \(w)×\(h)")
            }
            rasters.append(try normalMap(p.mesh, camera: p.camera))
        }
        let common = commonMask(truth: truth.render.mask, rasters.map(\.mask))
        let scores = try zip(predictions, rasters).map { p, raster in
            let now = try NoWEvaluation.evaluate(scan: truth.scan.mesh, scanLandmarks: truth.landmarks,
                                                 predicted: p.mesh, predictedLandmarks: p.landmarks,
                                                 label: p.label, options: options)
            let normals = try NormalAngleStatistics(predicted: raster.normals, truth: truth.render.normals, mask: common)
            return QualityMethodScore(label: p.label, now: now.statistics, landmarkRMS: now.landmarkRMS,
                                      scale: now.transform.scale, normals: normals, coveredPixels: raster.coveredCount,
                                      distances: now.distances)
        }
        return Outcome(scores: scores, commonMask: common)
    }

    /// A normal image in a face crop's frame (`NormalMap` colours, black background — e.g. the
    /// pipeline's normals.png, n = ∇ₓf/‖∇ₓf‖) sampled at each photo pixel centre p (the crop pixel
    /// containing crop.toCrop(p)); zero where the crop shows no surface or p falls outside it.
    public static func photoNormals(fromCropImage image: RGBImage, crop: FaceCrop, width: Int, height: Int) -> [SIMD3<Float>] {
        let decoded = NormalMap.decode(image)
        var out = [SIMD3<Float>](repeating: .zero, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let q = crop.toCrop(PinholeCamera.pixelCentre(x: x, y: y))
                let u = Int(q.x.rounded(.down)), v = Int(q.y.rounded(.down))
                guard u >= 0, v >= 0, u < image.width, v < image.height else { continue }
                let k = v * image.width + u
                guard image.pixels[3 * k] + image.pixels[3 * k + 1] + image.pixels[3 * k + 2] > 0 else { continue }
                out[y * width + x] = decoded[k]
            }
        }
        return out
    }

    /// `truth` ∧ every mask in `masks`.
    public static func commonMask(truth: [Bool], _ masks: [[Bool]]) -> [Bool] {
        truth.indices.map { i in truth[i] && masks.allSatisfy { $0[i] } }
    }

    /// Camera-space normals of `mesh` seen by `camera` (zero where uncovered).
    public static func normalMap(_ mesh: TriangleMesh, camera: PinholeCamera) throws -> RasterOutput {
        try Rasterizer(camera: camera).render(mesh)
    }
}

/// Turns BlazeFace's raw outputs into scored boxes, as MediaPipe's TensorsToDetectionsCalculator
/// does with `reverse_output_order` (x before y), fixed-size anchors and sigmoid scores.
///
/// For anchor a with centre (aₓ, a_y) and regressors r (in input pixels, s = input size):
///   centre = (r₀/s + aₓ, r₁/s + a_y), size = (r₂/s, r₃/s), keypoint k = (r₄₊₂ₖ/s + aₓ, r₅₊₂ₖ/s + a_y),
///   score = σ(clamp(logit, −100, 100)) with σ(t) = 1 / (1 + e^(−t)).
/// Everything stays in normalised input coordinates [0, 1]².
struct DetectionDecoder {
    static let coordsPerAnchor = 16

    let anchors: [SIMD2<Float>]
    let inputSize: Float
    let minScore: Float

    struct Candidate {
        var box: FaceBox
        var keypoints: [SIMD2<Float>]
        var score: Float
    }

    func decode(regressors: [Float], logits: [Float]) throws -> [Candidate] {
        let n = anchors.count
        guard regressors.count == n * Self.coordsPerAnchor, logits.count == n else {
            throw SiderError(.badModel, "face detector output has \(regressors.count)+\(logits.count) values, expected \(n * Self.coordsPerAnchor)+\(n)")
        }
        var out: [Candidate] = []
        let s = inputSize
        for i in 0..<n {
            let logit = min(max(logits[i], -100), 100)
            let score = 1 / (1 + expf(-logit))
            guard score >= minScore else { continue }
            let r = i * Self.coordsPerAnchor
            let a = anchors[i]
            let cx = regressors[r] / s + a.x, cy = regressors[r + 1] / s + a.y
            let w = regressors[r + 2] / s, h = regressors[r + 3] / s
            guard cx.isFinite, cy.isFinite, w.isFinite, h.isFinite else {
                throw SiderError(.numerical, "face detector produced a non-finite box")
            }
            var kps: [SIMD2<Float>] = []
            kps.reserveCapacity(FaceDetection.keypointCount)
            for k in 0..<FaceDetection.keypointCount {
                kps.append(SIMD2(regressors[r + 4 + 2 * k] / s + a.x, regressors[r + 5 + 2 * k] / s + a.y))
            }
            out.append(Candidate(box: FaceBox(xmin: cx - w / 2, ymin: cy - h / 2, width: w, height: h),
                                 keypoints: kps, score: score))
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiderCore

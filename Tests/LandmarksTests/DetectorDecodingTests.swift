import ImageIO
import SiderCore
import Testing
@testable import Landmarks

@Suite("BlazeFace decoding")
struct DetectorDecodingTests {
    @Test func anchorCountsAndCentres() {
        let short = SSDAnchors.centers(FaceDetectorModel.shortRange.anchorOptions)
        let full = SSDAnchors.centers(FaceDetectorModel.fullRange.anchorOptions)
        #expect(short.count == 896)
        #expect(full.count == 2304)
        // First cell of the 16×16 grid, twice (two anchors per cell); then the 8×8 grid, six per cell.
        #expect(short[0] == SIMD2(0.5 / 16, 0.5 / 16) && short[1] == short[0])
        #expect(short[2] == SIMD2(1.5 / 16, 0.5 / 16))
        #expect(short[512] == SIMD2(0.5 / 8, 0.5 / 8) && short[517] == short[512] && short[518] == SIMD2(1.5 / 8, 0.5 / 8))
        #expect(full[49] == SIMD2(1.5 / 48, 1.5 / 48))
    }

    @Test func decodesOffsetsRelativeToAnchors() throws {
        let anchors: [SIMD2<Float>] = [SIMD2(0.25, 0.5), SIMD2(0.75, 0.75)]
        var reg = [Float](repeating: 0, count: 32)
        reg[0] = 12.8; reg[1] = -12.8; reg[2] = 25.6; reg[3] = 51.2     // anchor 0, input 128
        reg[4] = 6.4; reg[5] = 0                                         // keypoint 0
        let dec = DetectionDecoder(anchors: anchors, inputSize: 128, minScore: 0.5)
        let out = try dec.decode(regressors: reg, logits: [2, -3])
        #expect(out.count == 1)
        let c = try #require(out.first)
        #expect(abs(c.score - 1 / (1 + expf(-2))) < 1e-6)
        #expect(abs(c.box.center.x - 0.35) < 1e-6 && abs(c.box.center.y - 0.4) < 1e-6)
        #expect(abs(c.box.width - 0.2) < 1e-6 && abs(c.box.height - 0.4) < 1e-6)
        #expect(abs(c.keypoints[0].x - 0.3) < 1e-6 && c.keypoints[1] == anchors[0])
        #expect(throws: SiderError.self) { try dec.decode(regressors: [1, 2], logits: [0]) }
    }

    @Test func weightedNMSAveragesOverlappingBoxesByScore() {
        typealias C = DetectionDecoder.Candidate
        let kp = [SIMD2<Float>](repeating: .zero, count: 6)
        let a = C(box: FaceBox(xmin: 0, ymin: 0, width: 10, height: 10), keypoints: kp, score: 0.9)
        let b = C(box: FaceBox(xmin: 1, ymin: 1, width: 10, height: 10), keypoints: kp.map { $0 + 3 }, score: 0.6)
        let far = C(box: FaceBox(xmin: 50, ymin: 50, width: 10, height: 10), keypoints: kp, score: 0.7)
        let out = WeightedNMS.run([b, far, a], iouThreshold: 0.3)
        #expect(out.count == 2)
        #expect(out[0].score == 0.9 && out[1].score == 0.7)
        // xmin = (0.9·0 + 0.6·1) / 1.5 = 0.4; keypoints (0.6·3) / 1.5 = 1.2.
        #expect(abs(out[0].box.xmin - 0.4) < 1e-6 && abs(out[0].box.width - 10) < 1e-5)
        #expect(abs(out[0].keypoints[2].x - 1.2) < 1e-6)
        #expect(out[1].box == far.box)
    }

    @Test func iouAndAngles() {
        let a = FaceBox(xmin: 0, ymin: 0, width: 2, height: 2)
        #expect(abs(a.iou(FaceBox(xmin: 1, ymin: 0, width: 2, height: 2)) - Float(2) / 6) < 1e-6)
        #expect(a.iou(FaceBox(xmin: 5, ymin: 5, width: 1, height: 1)) == 0)
        #expect(abs(FaceROI.normalizedAngle(3 * .pi / 2) + .pi / 2) < 1e-5)
    }

    @Test func cropSamplingMapsCornersLikeOpenCV() {
        // A 4×4 ramp image; an axis-aligned crop of the whole image into 4×4 reproduces it,
        // a 90° rotation about the centre turns it.
        var img = RGBImage(width: 4, height: 4)
        for y in 0..<4 {
            for x in 0..<4 {
                let v: Float = Float(x) / 4 + Float(y) / 16
                img[x, y] = SIMD3(repeating: v)
            }
        }
        let same = CropRect(center: SIMD2(2, 2), size: SIMD2(4, 4), rotation: 0)
        let t = same.sample(img, side: 4, border: .zero, scale: 1, offset: 0)
        for y in 0..<4 { for x in 0..<4 { #expect(abs(t[(y * 4 + x) * 3] - img[x, y].x) < 1e-6) } }
        let turned = CropRect(center: SIMD2(1.5, 1.5), size: SIMD2(4, 4), rotation: .pi / 2)
        // p(u, v) = c + R(90°)·((u − ½)·4, (v − ½)·4): tensor pixel (2, 0) → c + R·(0, −2) = (3.5, 1.5).
        let r = turned.sample(img, side: 4, border: .replicate, scale: 2, offset: -1)
        let p = turned.imagePoint(SIMD2(2.0 / 4, 0))
        #expect(abs(p.x - 3.5) < 1e-5 && abs(p.y - 1.5) < 1e-5)
        let a: Float = img[3, 1].x, b: Float = img[3, 2].x
        let expected: Float = a + b - 1   // 2·(½a + ½b) − 1, x taps clamped to column 3
        #expect(abs(r[(0 * 4 + 2) * 3] - expected) < 1e-5)
    }
}

#if canImport(Glibc)
import Glibc
#endif

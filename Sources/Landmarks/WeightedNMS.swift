/// Weighted non-maximum suppression, MediaPipe's `NonMaxSuppressionCalculator` with
/// `algorithm: WEIGHTED` and `overlap_type: INTERSECTION_OVER_UNION`.
///
/// Candidates are taken by decreasing score. The best remaining one gathers every remaining
/// candidate whose IoU with it exceeds the threshold (itself included); the output keeps the best
/// score and replaces box corners and keypoints by their score-weighted means
/// Σ sᵢ·xᵢ / Σ sᵢ over that cluster. The cluster is then removed and the loop repeats.
enum WeightedNMS {
    static func run(_ candidates: [DetectionDecoder.Candidate], iouThreshold: Float) -> [DetectionDecoder.Candidate] {
        var remaining = candidates.sorted { $0.score > $1.score }
        var out: [DetectionDecoder.Candidate] = []
        while let top = remaining.first {
            var cluster: [DetectionDecoder.Candidate] = []
            var rest: [DetectionDecoder.Candidate] = []
            for c in remaining {
                if top.box.iou(c.box) > iouThreshold { cluster.append(c) } else { rest.append(c) }
            }
            if cluster.isEmpty { cluster = [top]; rest.removeFirst() }
            var total: Float = 0
            var lo = SIMD2<Float>.zero, hi = SIMD2<Float>.zero
            var kps = [SIMD2<Float>](repeating: .zero, count: top.keypoints.count)
            for c in cluster {
                total += c.score
                lo += c.score * SIMD2(c.box.xmin, c.box.ymin)
                hi += c.score * SIMD2(c.box.xmax, c.box.ymax)
                for k in 0..<kps.count { kps[k] += c.score * c.keypoints[k] }
            }
            lo /= total; hi /= total
            out.append(.init(box: FaceBox(xmin: lo.x, ymin: lo.y, width: hi.x - lo.x, height: hi.y - lo.y),
                             keypoints: kps.map { $0 / total }, score: top.score))
            remaining = rest
        }
        return out
    }
}

/// Normalised mean error of 68-point landmarks against annotations, the 300-W measure:
///   NME = (1/|S|) Σ_{i∈S} ‖pᵢ − gᵢ‖ / ‖g₃₆ − g₄₅‖
/// with g₃₆, g₄₅ the annotated outer eye corners (0-based iBUG indices) and S either all 68
/// points or the inner 51 (17…67: brows, nose, eyes, mouth; no jaw line).
public enum LandmarkAccuracy {
    public static let inner51 = 17..<68
    public static let all68 = 0..<68

    /// NME over `subset`, as a fraction (multiply by 100 for %). Nil when the inputs are not two
    /// 68-point sets or the eye corners coincide.
    public static func nme(_ predicted: [SIMD2<Float>], _ truth: [SIMD2<Float>], subset: Range<Int> = all68) -> Float? {
        guard predicted.count == 68, truth.count == 68, !subset.isEmpty, subset.upperBound <= 68 else { return nil }
        let d = truth[36] - truth[45]
        let norm = (d * d).sum().squareRoot()
        guard norm > 0 else { return nil }
        var total: Float = 0
        for i in subset {
            let e = predicted[i] - truth[i]
            total += (e * e).sum().squareRoot()
        }
        return total / Float(subset.count) / norm
    }
}

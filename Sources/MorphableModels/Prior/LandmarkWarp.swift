import SiderCore

/// A smooth image-plane warp that moves anchor points onto targets: Gaussian radial basis
/// functions, D(x) = Σⱼ cⱼ exp(−‖x − aⱼ‖² / 2s²), with (K + λI) c = t − a solved for the
/// coefficients (λ = 10⁻³ keeps the system well conditioned). Used to bring the landmark-mesh
/// prior onto 68 landmarks that were refined by another detector (dlib) than the mesh.
struct LandmarkWarp {
    let anchors: [SIMD2<Double>]
    let coefficients: [SIMD2<Double>]
    let width: Double

    init?(anchors: [SIMD2<Double>], targets: [SIMD2<Double>], width: Double) {
        let n = anchors.count
        guard n == targets.count, n > 0, width > 0 else { return nil }
        var K = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n { K[i * n + j] = Self.kernel(anchors[i], anchors[j], width) }
            K[i * n + i] += 1e-3
        }
        guard let factor = Cholesky(K, n: n) else { return nil }
        let cx = factor.solve((0..<n).map { targets[$0].x - anchors[$0].x })
        let cy = factor.solve((0..<n).map { targets[$0].y - anchors[$0].y })
        self.anchors = anchors
        coefficients = zip(cx, cy).map { SIMD2($0, $1) }
        self.width = width
    }

    func displacement(at x: SIMD2<Double>) -> SIMD2<Double> {
        var d = SIMD2<Double>.zero
        for (a, c) in zip(anchors, coefficients) { d += c * Self.kernel(x, a, width) }
        return d
    }

    private static func kernel(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ s: Double) -> Double {
        let d = a - b
        return exp(-(d * d).sum() / (2 * s * s))
    }
}

import Foundation

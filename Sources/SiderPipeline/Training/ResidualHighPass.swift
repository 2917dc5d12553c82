/// The target offsets of `ResidualHighPassConfig`: o(p) = G_σ ∗ (c_gt − c)(p) per ray, the
/// masked blur taken over the pixels whose rays hit (0 where none is near). `colors` and `hit`
/// are per crop pixel (a `FaceImages` render), `targets` per ray.
enum ResidualHighPass {
    static func offsets(rays: RaySet, targets: [SIMD3<Float>], colors: [SIMD3<Float>], hit isHit: [Bool],
                        sigma: Float) -> [SIMD3<Float>] {
        let w = rays.width, h = rays.height
        var hit = [Bool](repeating: false, count: w * h)
        var residual = [[Float]](repeating: [Float](repeating: 0, count: w * h), count: 3)
        for (i, p32) in rays.pixels.enumerated() {
            let p = Int(p32)
            guard isHit[p] else { continue }
            hit[p] = true
            let r = targets[i] - colors[p]
            for k in 0..<3 { residual[k][p] = r[k] }
        }
        let s = sigma * Float(max(w, h))
        let blurred = residual.map { SkinConfidence.maskedBlur($0, mask: hit, width: w, height: h, sigma: s) }
        return rays.pixels.map { p32 in
            let p = Int(p32)
            return SIMD3(blurred[0][p], blurred[1][p], blurred[2][p])
        }
    }
}

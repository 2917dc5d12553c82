/// Interleaving helpers between SIMD3 arrays and the networks' N×3 float buffers.
extension Array where Element == SIMD3<Float> {
    /// Interleaved x, y, z floats.
    func flattened(_ map: (SIMD3<Float>) -> SIMD3<Float> = { $0 }) -> [Float] {
        var out = [Float](repeating: 0, count: count * 3)
        for (i, p) in enumerated() { let q = map(p); out[3 * i] = q.x; out[3 * i + 1] = q.y; out[3 * i + 2] = q.z }
        return out
    }
}

/// SIMD3 values from interleaved floats, each multiplied by `factor`.
func unflattened(_ p: UnsafePointer<Float>, count n: Int, factor: Float = 1) -> [SIMD3<Float>] {
    (0..<n).map { SIMD3(p[3 * $0], p[3 * $0 + 1], p[3 * $0 + 2]) * factor }
}

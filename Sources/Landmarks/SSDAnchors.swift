/// SSD anchor centres as MediaPipe's `SsdAnchorsCalculator` lays them out for BlazeFace.
///
/// Layers are grouped by equal stride; a group of `k` layers puts `k · (1 + [interp > 0])` anchors
/// (aspect ratio 1, plus an interpolated scale when `interpolatedScaleAspectRatio > 0`) at every
/// cell of a ⌈input / stride⌉² grid, row-major, cell centre ((x + 0.5) / w, (y + 0.5) / h).
/// BlazeFace uses fixed-size anchors (width = height = 1), so only the centres matter.
enum SSDAnchors {
    struct Options {
        var inputSize: Int
        var strides: [Int]
        var interpolatedScaleAspectRatio: Float
        var anchorOffset: Float = 0.5
    }

    /// Anchor centres in normalised input coordinates [0, 1]².
    static func centers(_ o: Options) -> [SIMD2<Float>] {
        var out: [SIMD2<Float>] = []
        var layer = 0
        while layer < o.strides.count {
            var perCell = 0
            var last = layer
            while last < o.strides.count && o.strides[last] == o.strides[layer] {
                perCell += o.interpolatedScaleAspectRatio > 0 ? 2 : 1
                last += 1
            }
            let stride = o.strides[layer]
            let side = (o.inputSize + stride - 1) / stride
            for y in 0..<side {
                for x in 0..<side {
                    let c = SIMD2<Float>((Float(x) + o.anchorOffset) / Float(side),
                                         (Float(y) + o.anchorOffset) / Float(side))
                    for _ in 0..<perCell { out.append(c) }
                }
            }
            layer = last
        }
        return out
    }
}

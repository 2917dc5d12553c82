/// Builds `MeshBVH`'s flat node array with a binned SAH split (median fallback).
struct BVHBuilder {
    let lo: [SIMD3<Float>]
    let hi: [SIMD3<Float>]
    let centroid: [SIMD3<Float>]
    var order: [Int]
    var nodes: [MeshBVH.Node] = []
    // Per-split scratch, reused across nodes.
    private var binLo = [SIMD3<Float>](repeating: .zero, count: BVHBuilder.bins)
    private var binHi = [SIMD3<Float>](repeating: .zero, count: BVHBuilder.bins)
    private var binCount = [Int](repeating: 0, count: BVHBuilder.bins)
    private var rightArea = [Float](repeating: 0, count: BVHBuilder.bins)
    private var rightCount = [Int](repeating: 0, count: BVHBuilder.bins)

    static let bins = 16

    init(mesh: TriangleMesh) {
        let n = mesh.faces.count
        var lo = [SIMD3<Float>](), hi = [SIMD3<Float>](), ce = [SIMD3<Float>]()
        lo.reserveCapacity(n); hi.reserveCapacity(n); ce.reserveCapacity(n)
        for f in 0..<n {
            let (a, b, c) = mesh.corners(f)
            let l = pointwiseMin(a, pointwiseMin(b, c)), h = pointwiseMax(a, pointwiseMax(b, c))
            lo.append(l); hi.append(h); ce.append((a + b + c) / 3)
        }
        self.lo = lo
        self.hi = hi
        self.centroid = ce
        self.order = Array(0..<n)
    }

    mutating func build() {
        nodes.reserveCapacity(2 * order.count / MeshBVH.leafSize + 1)
        _ = buildNode(0, order.count, depth: 0)
    }

    private func bounds(_ start: Int, _ end: Int) -> (SIMD3<Float>, SIMD3<Float>) {
        var l = SIMD3<Float>(repeating: .infinity), h = SIMD3<Float>(repeating: -.infinity)
        for i in start..<end { l = pointwiseMin(l, lo[order[i]]); h = pointwiseMax(h, hi[order[i]]) }
        return (l, h)
    }

    private static func area(_ l: SIMD3<Float>, _ h: SIMD3<Float>) -> Float {
        let e = pointwiseMax(h - l, .zero)
        return e.x * e.y + e.y * e.z + e.z * e.x
    }

    private mutating func buildNode(_ start: Int, _ end: Int, depth: Int) -> Int {
        let (l, h) = bounds(start, end)
        let index = nodes.count
        nodes.append(MeshBVH.Node(lo: l, hi: h, index: Int32(start), count: Int32(end - start)))
        let count = end - start
        if count <= MeshBVH.leafSize || depth >= MeshBVH.maxDepth { return index }
        guard let mid = split(start, end) else { return index }
        nodes[index].count = 0
        _ = buildNode(start, mid, depth: depth + 1)
        let right = buildNode(mid, end, depth: depth + 1)
        nodes[index].index = Int32(right)
        return index
    }

    /// Partitions order[start..<end] and returns the split position, or nil to make a leaf.
    private mutating func split(_ start: Int, _ end: Int) -> Int? {
        var cl = SIMD3<Float>(repeating: .infinity), ch = SIMD3<Float>(repeating: -.infinity)
        for i in start..<end { cl = pointwiseMin(cl, centroid[order[i]]); ch = pointwiseMax(ch, centroid[order[i]]) }
        let ext = ch - cl
        let count = end - start
        var bestCost = Float.infinity, bestAxis = -1, bestBin = 0
        let nb = BVHBuilder.bins
        for axis in 0..<3 where ext[axis] > 0 {
            for k in 0..<nb {
                binLo[k] = SIMD3(repeating: .infinity); binHi[k] = SIMD3(repeating: -.infinity); binCount[k] = 0
            }
            let scale = Float(nb) / ext[axis]
            for i in start..<end {
                let t = order[i]
                let k = min(nb - 1, Int((centroid[t][axis] - cl[axis]) * scale))
                binCount[k] += 1
                binLo[k] = pointwiseMin(binLo[k], lo[t]); binHi[k] = pointwiseMax(binHi[k], hi[t])
            }
            // Sweep: right-side areas/counts from the top, then evaluate each boundary.
            var accL = SIMD3<Float>(repeating: .infinity), accH = SIMD3<Float>(repeating: -.infinity), acc = 0
            for k in stride(from: nb - 1, to: 0, by: -1) {
                accL = pointwiseMin(accL, binLo[k]); accH = pointwiseMax(accH, binHi[k]); acc += binCount[k]
                rightArea[k] = BVHBuilder.area(accL, accH); rightCount[k] = acc
            }
            accL = SIMD3(repeating: .infinity); accH = SIMD3(repeating: -.infinity); acc = 0
            for k in 0..<(nb - 1) {
                accL = pointwiseMin(accL, binLo[k]); accH = pointwiseMax(accH, binHi[k]); acc += binCount[k]
                guard acc > 0, rightCount[k + 1] > 0 else { continue }
                let cost = BVHBuilder.area(accL, accH) * Float(acc) + rightArea[k + 1] * Float(rightCount[k + 1])
                if cost < bestCost { bestCost = cost; bestAxis = axis; bestBin = k }
            }
        }
        if bestAxis < 0 {
            // All centroids coincide: split the list in half so leaves stay small.
            return count > 2 * MeshBVH.leafSize ? start + count / 2 : nil
        }
        let scale = Float(nb) / ext[bestAxis]
        var i = start, j = end - 1
        while i <= j {
            let k = min(nb - 1, Int((centroid[order[i]][bestAxis] - cl[bestAxis]) * scale))
            if k <= bestBin { i += 1 } else { order.swapAt(i, j); j -= 1 }
        }
        return (i == start || i == end) ? start + count / 2 : i
    }
}

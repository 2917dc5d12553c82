import SiderCore

/// A bounding-volume hierarchy over a mesh's triangles for exact nearest-point and ray queries.
///
/// This is Point2Mesh of the paper's Eq. 5: SDF_GT(x) = Point2Mesh(x) − ε/2, with
/// Point2Mesh(x) = min over triangles T of |x − closest(T, x)| (unsigned Euclidean distance).
///
/// Build: binned surface-area heuristic (SAH, 16 bins over centroids; cost of a split =
/// A_L·N_L + A_R·N_R) down to leaves of ≤ 4 triangles, stored as a flat array in depth-first
/// order (left child = node + 1, right child stored). Queries traverse nearest child first and
/// prune boxes farther than the best distance so far, so results equal brute force exactly.
public struct MeshBVH: Sendable {
    struct Node: Sendable {
        var lo: SIMD3<Float>
        var hi: SIMD3<Float>
        /// Leaf: first triangle slot. Internal: index of the right child.
        var index: Int32
        /// Leaf: number of triangles (> 0). Internal: 0.
        var count: Int32
    }

    /// The result of `closestPoint(to:)`: distance, the nearest surface point, the triangle
    /// it lies on (an index into `mesh.faces`) and its barycentric weights on that triangle.
    public struct ClosestPoint: Sendable, Equatable {
        public var distance: Float
        public var point: SIMD3<Float>
        public var triangle: Int
        public var barycentric: SIMD3<Float>
    }

    /// The nearest intersection of a ray: origin + t·direction with t > 0.
    public struct RayHit: Sendable, Equatable {
        public var t: Float
        public var point: SIMD3<Float>
        public var triangle: Int
        public var barycentric: SIMD3<Float>
    }

    public let mesh: TriangleMesh
    var nodes: [Node] = []
    // Triangle corners in BVH leaf order, and each slot's original face index.
    var ta: [SIMD3<Float>] = []
    var tb: [SIMD3<Float>] = []
    var tc: [SIMD3<Float>] = []
    var faceOfSlot: [Int32] = []

    static let leafSize = 4
    static let maxDepth = 60
    static let stackSize = 2 * maxDepth + 8

    /// Builds the hierarchy. Throws `.badInput` for an invalid mesh (index out of range, NaN).
    public init(_ mesh: TriangleMesh) throws {
        try mesh.validate(name: "BVH mesh")
        self.mesh = mesh
        let n = mesh.faces.count
        guard n > 0 else { return }
        var builder = BVHBuilder(mesh: mesh)
        builder.build()
        nodes = builder.nodes
        faceOfSlot = builder.order.map { Int32($0) }
        ta = builder.order.map { mesh.vertices[Int(mesh.faces[$0].x)] }
        tb = builder.order.map { mesh.vertices[Int(mesh.faces[$0].y)] }
        tc = builder.order.map { mesh.vertices[Int(mesh.faces[$0].z)] }
    }

    /// Number of nodes (for reports).
    public var nodeCount: Int { nodes.count }

    /// The bounding box of the whole mesh.
    public var bounds: BoundingBox {
        nodes.isEmpty ? .empty : BoundingBox(min: nodes[0].lo, max: nodes[0].hi)
    }

    /// The nearest point of the mesh to `p` (nil for a mesh without triangles).
    public func closestPoint(to p: SIMD3<Float>) -> ClosestPoint? {
        guard !nodes.isEmpty else { return nil }
        return nodes.withUnsafeBufferPointer { nb in
            ta.withUnsafeBufferPointer { a in
                tb.withUnsafeBufferPointer { b in
                    tc.withUnsafeBufferPointer { c in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: MeshBVH.stackSize) { stack in
                            let (slot, d2, q, w) = MeshBVH.nearest(p, nb, a, b, c, stack.baseAddress!)
                            return ClosestPoint(distance: d2.squareRoot(), point: q,
                                                triangle: Int(faceOfSlot[slot]), barycentric: w)
                        }
                    }
                }
            }
        }
    }

    /// Point2Mesh for many points, across the cores: `result[i]` = distance from `points[i]`
    /// to the mesh (+∞ for a mesh without triangles).
    public func distances(_ points: [SIMD3<Float>]) -> [Float] {
        var out = [Float](repeating: .infinity, count: points.count)
        guard !nodes.isEmpty else { return out }
        out.withUnsafeMutableBufferPointer { ob in
            let dst = SendablePointer(ob.baseAddress!)
            points.withUnsafeBufferPointer { pb in
                let src = SendableConstPointer(pb.baseAddress!)
                self.forEachNearest(count: points.count, src) { i, _, d2, _, _ in dst[i] = d2.squareRoot() }
            }
        }
        return out
    }

    /// `closestPoint(to:)` for many points, across the cores.
    public func closestPoints(_ points: [SIMD3<Float>]) -> [ClosestPoint] {
        var out = [ClosestPoint](repeating: ClosestPoint(distance: .infinity, point: .zero, triangle: -1, barycentric: .zero),
                                 count: points.count)
        guard !nodes.isEmpty else { return out }
        let faceOfSlot = self.faceOfSlot
        out.withUnsafeMutableBufferPointer { ob in
            let dst = SendablePointer(ob.baseAddress!)
            points.withUnsafeBufferPointer { pb in
                let src = SendableConstPointer(pb.baseAddress!)
                self.forEachNearest(count: points.count, src) { i, slot, d2, q, w in
                    dst[i] = ClosestPoint(distance: d2.squareRoot(), point: q, triangle: Int(faceOfSlot[slot]), barycentric: w)
                }
            }
        }
        return out
    }

    /// Runs the nearest-point query for `count` points in parallel chunks, handing each result
    /// (point index, slot, squared distance, point, barycentrics) to `sink`.
    private func forEachNearest(count: Int, _ src: SendableConstPointer<SIMD3<Float>>,
                                _ sink: @Sendable @escaping (Int, Int, Float, SIMD3<Float>, SIMD3<Float>) -> Void) {
        nodes.withUnsafeBufferPointer { nb in
            ta.withUnsafeBufferPointer { a in
                tb.withUnsafeBufferPointer { b in
                    tc.withUnsafeBufferPointer { c in
                        let n = SendableConstPointer(nb.baseAddress!), pa = SendableConstPointer(a.baseAddress!)
                        let pb = SendableConstPointer(b.baseAddress!), pc = SendableConstPointer(c.baseAddress!)
                        let nn = nb.count, tn = a.count
                        parallelFor(count, minChunk: 64) { range in
                            let nodes = UnsafeBufferPointer(start: n.base, count: nn)
                            let a = UnsafeBufferPointer(start: pa.base, count: tn)
                            let b = UnsafeBufferPointer(start: pb.base, count: tn)
                            let c = UnsafeBufferPointer(start: pc.base, count: tn)
                            withUnsafeTemporaryAllocation(of: Int32.self, capacity: MeshBVH.stackSize) { stack in
                                for i in range {
                                    let (slot, d2, q, w) = MeshBVH.nearest(src[i], nodes, a, b, c, stack.baseAddress!)
                                    sink(i, slot, d2, q, w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Core nearest-triangle traversal. Returns (slot, squared distance, point, barycentrics).
    @inline(__always)
    static func nearest(_ p: SIMD3<Float>, _ nodes: UnsafeBufferPointer<Node>,
                        _ a: UnsafeBufferPointer<SIMD3<Float>>, _ b: UnsafeBufferPointer<SIMD3<Float>>,
                        _ c: UnsafeBufferPointer<SIMD3<Float>>, _ stack: UnsafeMutablePointer<Int32>)
        -> (Int, Float, SIMD3<Float>, SIMD3<Float>) {
        var best = Float.infinity
        var bestSlot = 0
        var bestPoint = SIMD3<Float>.zero
        var bestW = SIMD3<Float>(1, 0, 0)
        var sp = 0
        var node = 0
        while true {
            let nd = nodes[node]
            if nd.count > 0 {
                let first = Int(nd.index)
                for s in first..<(first + Int(nd.count)) {
                    let (q, w) = TriangleQueries.closestPoint(to: p, a: a[s], b: b[s], c: c[s])
                    let d = q - p
                    let d2 = (d * d).sum()
                    if d2 < best { best = d2; bestSlot = s; bestPoint = q; bestW = w }
                }
            } else {
                let l = node + 1, r = Int(nd.index)
                let dl = boxDistance2(p, nodes[l]), dr = boxDistance2(p, nodes[r])
                let (near, far, dn, df) = dl <= dr ? (l, r, dl, dr) : (r, l, dr, dl)
                if df < best { stack[sp] = Int32(far); sp += 1 }
                if dn < best { node = near; continue }
            }
            // Pop the next box that may still hold something nearer.
            var found = false
            while sp > 0 {
                sp -= 1
                let k = Int(stack[sp])
                if boxDistance2(p, nodes[k]) < best { node = k; found = true; break }
            }
            if !found { break }
        }
        return (bestSlot, best, bestPoint, bestW)
    }

    @inline(__always)
    static func boxDistance2(_ p: SIMD3<Float>, _ n: Node) -> Float {
        let d = pointwiseMax(pointwiseMax(n.lo - p, p - n.hi), .zero)
        return (d * d).sum()
    }

    /// The nearest hit of the ray origin + t·direction, t in (tMin, tMax); both triangle sides
    /// count. `direction` need not be unit length (t is in its units).
    public func intersect(origin: SIMD3<Float>, direction: SIMD3<Float>,
                          tMin: Float = 1e-6, tMax: Float = .infinity) -> RayHit? {
        guard !nodes.isEmpty else { return nil }
        let inv = SIMD3<Float>(1 / direction.x, 1 / direction.y, 1 / direction.z)
        var best = tMax
        var hit: (Int, SIMD3<Float>)?
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: MeshBVH.stackSize) { stack in
            var sp = 0
            stack[sp] = 0; sp += 1
            while sp > 0 {
                sp -= 1
                let node = Int(stack[sp])
                let nd = nodes[node]
                guard MeshBVH.slab(origin, inv, nd, tMin, best) != nil else { continue }
                if nd.count > 0 {
                    let first = Int(nd.index)
                    for s in first..<(first + Int(nd.count)) {
                        if let h = TriangleQueries.intersect(origin: origin, direction: direction, a: ta[s], b: tb[s], c: tc[s]),
                           h.t > tMin, h.t < best {
                            best = h.t
                            hit = (s, h.barycentric)
                        }
                    }
                } else {
                    let l = node + 1, r = Int(nd.index)
                    let tl = MeshBVH.slab(origin, inv, nodes[l], tMin, best)
                    let tr = MeshBVH.slab(origin, inv, nodes[r], tMin, best)
                    // Push the farther first so the nearer is visited first.
                    switch (tl, tr) {
                    case let (x?, y?):
                        if x <= y { stack[sp] = Int32(r); stack[sp + 1] = Int32(l) } else { stack[sp] = Int32(l); stack[sp + 1] = Int32(r) }
                        sp += 2
                    case (_?, nil): stack[sp] = Int32(l); sp += 1
                    case (nil, _?): stack[sp] = Int32(r); sp += 1
                    default: break
                    }
                }
            }
            guard let (s, w) = hit else { return nil }
            return RayHit(t: best, point: origin + best * direction, triangle: Int(faceOfSlot[s]), barycentric: w)
        }
    }

    /// Ray–box slab test: the entry parameter if the ray meets the box within (tMin, tMax).
    @inline(__always)
    static func slab(_ o: SIMD3<Float>, _ inv: SIMD3<Float>, _ n: Node, _ tMin: Float, _ tMax: Float) -> Float? {
        let t0 = (n.lo - o) * inv, t1 = (n.hi - o) * inv
        var lo = pointwiseMin(t0, t1), hi = pointwiseMax(t0, t1)
        // NaN (0·∞: a ray parallel to and on a slab plane) puts no constraint on that axis.
        let nan = (t0 .!= t0) .| (t1 .!= t1)
        lo.replace(with: -.infinity, where: nan)
        hi.replace(with: .infinity, where: nan)
        let enter = max(max(lo.x, lo.y), max(lo.z, tMin))
        let exit = min(min(hi.x, hi.y), min(hi.z, tMax))
        return enter <= exit ? enter : nil
    }
}

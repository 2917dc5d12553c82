import SiderCore

/// The geometry of a regular 3D lattice: `dims` points per axis, point (i, j, k) at
/// origin + (i, j, k) ⊙ spacing; values are stored x fastest: index = i + nx·(j + ny·k).
public struct GridLayout: Sendable, Equatable {
    public var dims: SIMD3<Int>
    public var origin: SIMD3<Float>
    public var spacing: SIMD3<Float>

    public init(dims: SIMD3<Int>, origin: SIMD3<Float>, spacing: SIMD3<Float>) {
        self.dims = dims
        self.origin = origin
        self.spacing = spacing
    }

    /// A cubic-cell lattice covering `box` with `resolution` points along its longest side
    /// (other axes get as many points as needed to cover the box at the same spacing).
    public init(covering box: BoundingBox, resolution: Int) {
        let ext = box.extent
        let n = max(2, resolution)
        var h = ext.max() / Float(n - 1)
        if !(h > 0 && h.isFinite) { h = 1 }  // an empty, flat or non-finite box: a unit lattice
        // Points per axis, capped so that a degenerate box cannot ask for an absurd lattice.
        func points(_ e: Float) -> Int {
            let r = (e / h).rounded(.up)
            return (r.isFinite && r > 0 ? Int(min(r, Float(n))) : 0) + 1
        }
        let d = SIMD3<Int>(points(ext.x), points(ext.y), points(ext.z))
        self.init(dims: pointwiseMax(d, SIMD3(repeating: 2)), origin: box.min, spacing: SIMD3(repeating: h))
    }

    public var count: Int { dims.x * dims.y * dims.z }

    @inline(__always) public func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + dims.x * (j + dims.y * k) }

    @inline(__always) public func point(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Float> {
        origin + SIMD3(Float(i), Float(j), Float(k)) * spacing
    }

    /// The box spanned by the lattice points.
    public var bounds: BoundingBox { BoundingBox(min: origin, max: point(dims.x - 1, dims.y - 1, dims.z - 1)) }

    func validate() throws {
        guard dims.min() >= 2 else { throw SiderError(.badInput, "grid needs at least 2 points per axis, got \(dims)") }
        guard spacing.min() > 0, spacing.max().isFinite, origin.x.isFinite, origin.y.isFinite, origin.z.isFinite else {
            throw SiderError(.badInput, "grid spacing must be positive and finite, got \(spacing)")
        }
    }
}

/// Scalar samples (e.g. SDF values f_θ(x)) on a `GridLayout`, input to `MarchingCubes`.
public struct ScalarGrid: Sendable {
    public let layout: GridLayout
    public var values: [Float]

    /// Throws `.badInput` when `values.count` does not match the layout.
    public init(layout: GridLayout, values: [Float]) throws {
        try layout.validate()
        guard values.count == layout.count else {
            throw SiderError(.badInput, "grid has \(values.count) values for \(layout.dims.x)×\(layout.dims.y)×\(layout.dims.z) points")
        }
        self.layout = layout
        self.values = values
    }

    /// Evaluates `field` at every lattice point, one z-slice (nx·ny points) per call.
    ///
    /// With `parallel` the slices are spread across the cores (the closure must then be safe to
    /// call concurrently); otherwise they run in order on the calling thread. Throws
    /// `.numerical` if the closure returns the wrong count or a non-finite value.
    public static func evaluate(_ layout: GridLayout, parallel: Bool = true,
                                _ field: @Sendable ([SIMD3<Float>]) -> [Float]) throws -> ScalarGrid {
        try layout.validate()
        let nz = layout.dims.z
        var values = [Float](repeating: 0, count: layout.count)
        var failed = [Bool](repeating: false, count: nz)
        values.withUnsafeMutableBufferPointer { vb in
            failed.withUnsafeMutableBufferPointer { fb in
                let dst = SendablePointer(vb.baseAddress!), bad = SendablePointer(fb.baseAddress!)
                if parallel {
                    parallelFor(nz) { range in fillSlices(range, layout, field, dst, bad) }
                } else {
                    fillSlices(0..<nz, layout, field, dst, bad)
                }
            }
        }
        if let k = failed.firstIndex(of: true) {
            throw SiderError(.numerical, "field evaluation failed on grid slice \(k) (wrong count or non-finite values)")
        }
        return try ScalarGrid(layout: layout, values: values)
    }

    /// Evaluates the z-slices in `range` into `dst`, flagging failures in `bad`.
    private static func fillSlices(_ range: Range<Int>, _ layout: GridLayout, _ field: ([SIMD3<Float>]) -> [Float],
                                   _ dst: SendablePointer<Float>, _ bad: SendablePointer<Bool>) {
        let nx = layout.dims.x, ny = layout.dims.y
        let slice = nx * ny
        var pts = [SIMD3<Float>](repeating: .zero, count: slice)
        for k in range {
            for j in 0..<ny { for i in 0..<nx { pts[i + nx * j] = layout.point(i, j, k) } }
            let v = field(pts)
            guard v.count == slice else { bad[k] = true; continue }
            for (n, x) in v.enumerated() {
                if !x.isFinite { bad[k] = true }
                dst[k * slice + n] = x
            }
        }
    }
}

import Geometry

/// The detailed mesh (`detailed.obj`): the coarse mesh, midpoint-subdivided, with every vertex
/// moved along its normal onto the face surface that f_θ holds after the detail stage.
///
/// SDF_GT = Point2Mesh − ε/2 (Eq. 5) puts f_θ's zero level set on two sheets ε apart around the
/// open face mesh; the sheet the camera sees — the one the photometric loss shapes — lies ε/2 in
/// front of the face. For a vertex p with outward unit normal n (outward: towards the camera),
/// f(p + t·n) is negative inside the shell and turns positive at the front sheet, t = t*
/// (about ε/2 before the detail stage; below 0 where the detail pushed the surface in by more
/// than ε/2). The vertex moves to p + (t* − ε/2)·n: the front sheet offset back by ε/2 (outward
/// is fixed for the whole mesh: the orientation of the normals that point away from the vertex
/// centroid). t* is the − → + change nearest ε/2 among `samples` evaluations over
/// t ∈ [−searchLength, searchLength] (scanning outward, the back sheet is a + → − change),
/// refined by regula falsi; a vertex without one (a spot where the shell thinned
/// through) stays at p.
///
/// Unlike marching cubes of f_θ, the result keeps the coarse mesh's extent and connectivity: no
/// holes at the eyes or mouth (left out of the photometric fit, held at the prior by λ₁), no
/// back sheet, no rim rounded off by the shell's closed edge.
public enum DetailedSurface {
    public struct Result: Sendable {
        public var mesh: TriangleMesh
        /// Vertices left at the subdivided coarse position (no front sheet found).
        public var unmoved: Int
    }

    public static func mesh(coarse: TriangleMesh, geometry f: some BatchedSDF, thickness: Float,
                            subdivisions: Int, searchLength: Float, samples: Int = 16,
                            refinements: Int = 8) -> Result {
        var base = coarse
        base.normals = nil
        base.uvs = nil
        for _ in 0..<max(0, subdivisions) { base = base.subdividedMidpoint() }
        let normals = base.outwardVertexNormals()

        let n = base.vertices.count, k = max(2, samples)
        let t0 = -searchLength, dt = 2 * searchLength / Float(k - 1)
        var lo = [Float](repeating: 0, count: n), hi = [Float](repeating: 0, count: n), bracketed = [Bool](repeating: false, count: n)
        var fLo = [Float](repeating: 0, count: n), fHi = [Float](repeating: 0, count: n)
        // Bracket: f at t_j = −searchLength + j·dt for every vertex, j with f(t_{j−1}) < 0 ≤ f(t_j).
        var points = [SIMD3<Float>]()
        points.reserveCapacity(n * k)
        for i in 0..<n { for j in 0..<k { points.append(base.vertices[i] + normals[i] * (t0 + Float(j) * dt)) } }
        let values = sdf(f, points)
        // Of several − → + changes (a network that is not yet a clean shell deep inside), the
        // one nearest the undisturbed front sheet, t = ε/2.
        for i in 0..<n {
            var best = Float.infinity
            for j in 1..<k where values[i * k + j - 1] < 0 && values[i * k + j] >= 0 {
                let a = t0 + Float(j - 1) * dt, distance = abs(a + dt / 2 - thickness / 2)
                guard distance < best else { continue }
                best = distance
                lo[i] = a; hi[i] = a + dt
                fLo[i] = values[i * k + j - 1]; fHi[i] = values[i * k + j]
                bracketed[i] = true
            }
        }
        let found = (0..<n).filter { bracketed[$0] }
        // Regula falsi inside each bracket; `secant(i)` is the point of vertex i's bracket.
        func secant(_ i: Int) -> Float { lo[i] + (hi[i] - lo[i]) * fLo[i] / (fLo[i] - fHi[i]) }
        for _ in 0..<refinements {
            let ts = found.map(secant)
            let fv = sdf(f, zip(found, ts).map { base.vertices[$0.0] + normals[$0.0] * $0.1 })
            for (q, i) in found.enumerated() {
                if fv[q] < 0 { lo[i] = ts[q]; fLo[i] = fv[q] } else { hi[i] = ts[q]; fHi[i] = fv[q] }
            }
        }
        var out = base
        for i in found {
            let t = secant(i)
            guard t.isFinite else { continue }
            out.vertices[i] += normals[i] * (t - thickness / 2)
        }
        return Result(mesh: out, unmoved: n - found.count)
    }

    /// f at `points`, in chunks (bounded network buffers).
    static func sdf(_ f: some BatchedSDF, _ points: [SIMD3<Float>], chunk: Int = 32768) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(points.count)
        var start = 0
        while start < points.count {
            let end = min(start + chunk, points.count)
            out += f.sdf(Array(points[start..<end]))
            start = end
        }
        return out
    }
}

import Geometry
import SiderCore

/// Refinement of a similarity placement T (predicted mesh → scan) that minimises the
/// scan-to-mesh distance, as the NoW protocol's second alignment step:
///
///   min over T = (s, R, t) of  Σᵢ ρ(rᵢ),  rᵢ = ‖pᵢ − closest(T(M), pᵢ)‖,
///
/// pᵢ the (cropped) scan vertices, M the predicted mesh, closest points taken on triangles.
/// NoW minimises Σ rᵢ² with a dogleg solver (chumpy); we run a robust ICP, Gauss–Newton with
/// iteratively re-weighted least squares (Huber ρ with threshold δ = `huberFactor` × median rᵢ,
/// weights wᵢ = min(1, δ/rᵢ)), so scan parts the prediction does not cover cannot drag it.
///
/// One iteration: find cᵢ = the closest point on M to T⁻¹(pᵢ) (one BVH of M, built once:
/// a similarity maps closest points to closest points and scales distances by s), yᵢ = T(cᵢ),
/// direction uᵢ = (pᵢ − yᵢ)/rᵢ (or the rotated face normal when rᵢ ≈ 0, the point-to-plane
/// limit). Linearise the update U(x) = ȳ + e^σ·exp([ω]×)·(x − ȳ) + τ about the weighted centroid
/// ȳ: rᵢ(θ) ≈ rᵢ − uᵢ·(σ·aᵢ + ω×aᵢ + τ), aᵢ = yᵢ − ȳ, so the Jacobian row is
/// −[(aᵢ×uᵢ)ᵀ, uᵢᵀ, uᵢ·aᵢ]. Solve (JᵀWJ + λI)θ = −JᵀW r (Cholesky), T ← U ∘ T, halving the
/// step while the robust cost increases. Stops when the step moves no scan point by more than
/// `tolerance` (relative to the scan radius) or after `maxIterations`.
public enum ScanToMeshAlignment {
    public struct Options: Sendable, Equatable, Codable {
        public var maxIterations = 40
        /// Huber threshold as a multiple of the median distance; nil = plain least squares (NoW).
        public var huberFactor: Double? = 2.0
        /// Also refine the scale (NoW does).
        public var allowScale = true
        /// Convergence: largest scan-point displacement of a step, relative to the scan radius.
        public var tolerance = 1e-7
        public init() {}
    }

    public struct Result: Sendable, Equatable, Codable {
        /// The refined placement, predicted mesh → scan.
        public var transform: SimilarityTransform
        public var iterations: Int
        /// RMS scan-to-mesh distance before and after.
        public var initialRMS: Double
        public var finalRMS: Double
    }

    /// Refines `initial` (predicted → scan) so the predicted surface in `bvh` fits `scanPoints`.
    public static func refine(scanPoints: [SIMD3<Float>], predicted bvh: MeshBVH,
                              initial: SimilarityTransform, options: Options = Options()) throws -> Result {
        guard scanPoints.count >= 7 else {
            throw SiderError(.badInput, "scan-to-mesh alignment needs at least 7 scan points, got \(scanPoints.count)")
        }
        guard !bvh.mesh.faces.isEmpty else { throw SiderError(.badInput, "the predicted mesh has no triangles") }
        let faceNormals = bvh.mesh.faceNormals()
        let scan = scanPoints.map { SIMD3<Double>($0) }
        let centre = scan.reduce(SIMD3<Double>.zero, +) / Double(scan.count)
        let radius = max(scan.map { length($0 - centre) }.max() ?? 1, 1e-12)
        let np = options.allowScale ? 7 : 6

        var t = initial
        var state = correspondences(scan, bvh, faceNormals, t)
        let initialRMS = state.rms
        var iterations = 0
        while iterations < options.maxIterations {
            iterations += 1
            let delta = robustThreshold(state.r, options.huberFactor, radius: radius)
            let w = state.r.map { r in r <= delta ? 1.0 : delta / r }
            let cost = robustCost(state.r, delta)
            guard let step = gaussNewtonStep(state, weights: w, np: np) else {
                throw SiderError(.numerical, "scan-to-mesh alignment is degenerate (too few or collinear points?)")
            }
            var factor = 1.0
            var accepted = false
            for _ in 0..<8 {
                let u = update(step, factor: factor, about: step.centroid)
                let candidate = u.composed(after: t)
                let next = correspondences(scan, bvh, faceNormals, candidate)
                if robustCost(next.r, delta) <= cost * (1 + 1e-12) {
                    let moved = maxDisplacement(u, state.y)
                    t = candidate; state = next; accepted = true
                    if moved <= options.tolerance * radius { return Result(transform: t, iterations: iterations,
                                                                          initialRMS: initialRMS, finalRMS: state.rms) }
                    break
                }
                factor *= 0.5
            }
            if !accepted { break }
        }
        guard t.scale.isFinite, t.translation.x.isFinite else {
            throw SiderError(.numerical, "scan-to-mesh alignment diverged")
        }
        return Result(transform: t, iterations: iterations, initialRMS: initialRMS, finalRMS: state.rms)
    }

    /// Per-scan-point closest points under placement T: distances rᵢ, surface points yᵢ (scan
    /// frame) and residual directions uᵢ.
    struct Correspondences {
        var r: [Double]
        var y: [SIMD3<Double>]
        var u: [SIMD3<Double>]
        var rms: Double { (r.reduce(0) { $0 + $1 * $1 } / Double(max(r.count, 1))).squareRoot() }
    }

    static func correspondences(_ scan: [SIMD3<Double>], _ bvh: MeshBVH, _ faceNormals: [SIMD3<Float>],
                                _ t: SimilarityTransform) -> Correspondences {
        let inv = t.inverse
        let queries = scan.map { SIMD3<Float>(inv.apply($0)) }
        let hits = bvh.closestPoints(queries)
        var c = Correspondences(r: [], y: [], u: [])
        c.r.reserveCapacity(scan.count); c.y.reserveCapacity(scan.count); c.u.reserveCapacity(scan.count)
        for (p, hit) in zip(scan, hits) {
            let y = t.apply(SIMD3<Double>(hit.point))
            let d = p - y
            let r = length(d)
            var u: SIMD3<Double>
            if r > 1e-9 * max(length(p), 1) {
                u = d / r
            } else {
                u = hit.triangle >= 0 ? t.rotation * SIMD3<Double>(faceNormals[hit.triangle]) : .zero
            }
            c.r.append(r); c.y.append(y); c.u.append(u)
        }
        return c
    }

    static func robustThreshold(_ r: [Double], _ factor: Double?, radius: Double) -> Double {
        guard let k = factor else { return .infinity }
        let median = ErrorStatistics.quantile(r.sorted(), 0.5)
        return max(k * median, 1e-9 * radius)
    }

    /// Σ ρ(r): ρ(r) = r²/2 for r ≤ δ, δ·(r − δ/2) beyond.
    static func robustCost(_ r: [Double], _ delta: Double) -> Double {
        r.reduce(0) { $0 + ($1 <= delta ? 0.5 * $1 * $1 : delta * ($1 - 0.5 * delta)) }
    }

    struct Step { var theta: [Double]; var centroid: SIMD3<Double> }

    static func gaussNewtonStep(_ c: Correspondences, weights w: [Double], np: Int) -> Step? {
        var wsum = 0.0
        var centroid = SIMD3<Double>.zero
        for i in c.y.indices { wsum += w[i]; centroid += w[i] * c.y[i] }
        guard wsum > 0 else { return nil }
        centroid /= wsum
        var h = [Double](repeating: 0, count: np * np)
        var g = [Double](repeating: 0, count: np)
        var row = [Double](repeating: 0, count: 7)
        for i in c.y.indices where w[i] > 0 {
            let a = c.y[i] - centroid, u = c.u[i]
            let axu = cross(a, u)
            // ∂rᵢ/∂θ = −[(a×u), u, u·a]; we accumulate with J = +[...] and flip the sign of g.
            row[0] = axu.x; row[1] = axu.y; row[2] = axu.z
            row[3] = u.x; row[4] = u.y; row[5] = u.z
            row[6] = dot(u, a)
            for j in 0..<np {
                g[j] += w[i] * row[j] * c.r[i]
                for k in 0...j { h[j * np + k] += w[i] * row[j] * row[k] }
            }
        }
        var traceH = 0.0
        for j in 0..<np {
            for k in 0..<j { h[k * np + j] = h[j * np + k] }
            traceH += h[j * np + j]
        }
        for j in 0..<np { h[j * np + j] += 1e-12 * traceH + 1e-300 }
        // Minimising Σ w (r − Jθ)² with J = [...] above gives (JᵀWJ)θ = JᵀW r.
        guard let theta = Cholesky.solve(h, g, n: np) else { return nil }
        return Step(theta: theta, centroid: centroid)
    }

    /// U(x) = ȳ + e^σ·exp([ω]×)·(x − ȳ) + τ for θ = factor·(ω, τ, σ).
    static func update(_ step: Step, factor: Double, about ybar: SIMD3<Double>) -> SimilarityTransform {
        let th = step.theta.map { $0 * factor }
        let rot = Matrix3.rotation(axisAngle: SIMD3(th[0], th[1], th[2]))
        let tau = SIMD3(th[3], th[4], th[5])
        let s = th.count > 6 ? exp(th[6]) : 1
        return SimilarityTransform(scale: s, rotation: rot, translation: ybar + tau - s * (rot * ybar))
    }

    static func maxDisplacement(_ u: SimilarityTransform, _ points: [SIMD3<Double>]) -> Double {
        points.reduce(0) { max($0, length(u.apply($1) - $1)) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

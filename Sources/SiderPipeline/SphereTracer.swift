/// A batched signed-distance evaluator: what the sphere tracer needs from f_θ.
///
/// `sdf(points)` returns f(pᵢ) for every point (same order). Implementations evaluate the whole
/// batch at once and may spread it across cores; the tracer calls it once per step for all
/// rays still marching.
public protocol BatchedSDF {
    func sdf(_ points: [SIMD3<Float>]) -> [Float]
}

/// Settings of the ray–surface search (IDR's ray tracer, adapted to a bracketed interval).
public struct SphereTraceSettings: Codable, Sendable, Equatable {
    /// Sphere-tracing steps before falling back to sampling.
    public var maxSteps: Int = 16
    /// |f| below which a point counts as on the surface (camera units).
    public var threshold: Float = 5e-5
    /// Step = stepScale · f(p); below 1 guards against a learned f that overestimates distance.
    public var stepScale: Float = 0.9
    /// Uniform samples along [tNear, tFar] for rays the sphere tracing did not settle.
    public var samples: Int = 64
    /// Secant (regula falsi) refinements inside a + → − bracket.
    public var secantSteps: Int = 8

    public init() {}
}

/// Per-ray outcome of `SphereTracer.trace`.
public struct TraceResult: Sendable {
    /// True where the ray meets the zero level set inside its interval.
    public var hit: [Bool]
    /// Distance along the ray of the intersection x̂₀ = o + t·v (meaningless where `hit` is false).
    public var t: [Float]
    /// x̂₀ for every ray (o + t·v; for a miss, the point at the ray's last t).
    public var points: [SIMD3<Float>]
    /// Number of points f was evaluated at, in total (a cost measure).
    public var evaluations: Int

    public var hitCount: Int { hit.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// Finds the first intersection of each ray with the zero level set of f (IDR's procedure).
///
/// 1. Sphere tracing from tNear: t ← t + stepScale·f(o + t·v) until |f| < threshold. A step that
///    lands on f < 0 has crossed the surface: [t_prev, t] is a bracket (f > 0 at one end, < 0 at the other).
/// 2. Rays that neither converged nor bracketed within `maxSteps`, or that left [tNear, tFar], are
///    sampled at `samples` uniform t in [tNear, tFar]; the first consecutive pair with f > 0 then
///    f ≤ 0 is the bracket.
/// 3. Brackets are refined by the secant rule t = t_lo + f_lo·(t_hi − t_lo)/(f_lo − f_hi), falling
///    back to bisection if the secant point leaves the bracket.
/// Miss rule: a ray whose interval holds no + → − sign change (it sees only free space, starts and
/// stays inside the surface, or the surface lies in front of tNear) has no intersection; it is
/// excluded from the photometric loss and drawn as background.
public struct SphereTracer: Sendable {
    public var settings: SphereTraceSettings

    public init(settings: SphereTraceSettings = SphereTraceSettings()) { self.settings = settings }

    public func trace(_ rays: RaySet, sdf f: some BatchedSDF) -> TraceResult {
        let n = rays.count
        var t = rays.tNear
        var hit = [Bool](repeating: false, count: n)
        var bracketLo = [Float](repeating: 0, count: n), bracketHi = [Float](repeating: 0, count: n)
        var fLo = [Float](repeating: 0, count: n), fHi = [Float](repeating: 0, count: n)
        var bracketed: [Int] = []
        var unsettled: [Int] = []
        var evaluations = 0

        // 1. Sphere tracing, all marching rays in one batch per step.
        var active = Array(0..<n)
        var tPrev = t, fPrev = [Float](repeating: .infinity, count: n)
        var step = 0
        while !active.isEmpty && step < settings.maxSteps {
            let values = f.sdf(active.map { rays.directions[$0] * t[$0] })
            evaluations += active.count
            var next: [Int] = []
            next.reserveCapacity(active.count)
            for (k, r) in active.enumerated() {
                let s = values[k]
                if !s.isFinite {
                    unsettled.append(r)
                } else if abs(s) < settings.threshold {
                    hit[r] = true
                } else if s < 0 {
                    if fPrev[r].isFinite && fPrev[r] > 0 {
                        bracketLo[r] = tPrev[r]; fLo[r] = fPrev[r]; bracketHi[r] = t[r]; fHi[r] = s
                        bracketed.append(r)
                    } else {
                        unsettled.append(r)   // started inside: look for a crossing by sampling
                    }
                } else {
                    tPrev[r] = t[r]; fPrev[r] = s
                    t[r] += settings.stepScale * s
                    if t[r] > rays.tFar[r] { unsettled.append(r) } else { next.append(r) }
                }
            }
            active = next
            step += 1
        }
        unsettled.append(contentsOf: active)

        // 2. Sampling search for the rest: first + → − pair along [tNear, tFar].
        let m = max(2, settings.samples)
        if !unsettled.isEmpty {
            var pts: [SIMD3<Float>] = []
            pts.reserveCapacity(unsettled.count * m)
            for r in unsettled {
                for j in 0..<m { pts.append(rays.directions[r] * sampleT(r, j, m, rays)) }
            }
            let values = f.sdf(pts)
            evaluations += pts.count
            for (k, r) in unsettled.enumerated() {
                t[r] = rays.tFar[r]
                for j in 0..<(m - 1) {
                    let a = values[k * m + j], b = values[k * m + j + 1]
                    if a.isFinite, b.isFinite, a > 0, b <= 0 {
                        let ta = sampleT(r, j, m, rays), tb = sampleT(r, j + 1, m, rays)
                        if b == 0 || abs(b) < settings.threshold { t[r] = tb; hit[r] = true }
                        else {
                            bracketLo[r] = ta; fLo[r] = a; bracketHi[r] = tb; fHi[r] = b
                            bracketed.append(r)
                        }
                        break
                    }
                }
            }
        }

        // 3. Secant refinement inside the brackets, batched.
        for r in bracketed { t[r] = secantPoint(r, bracketLo, bracketHi, fLo, fHi); hit[r] = true }
        var refining = bracketed
        for _ in 0..<settings.secantSteps where !refining.isEmpty {
            let values = f.sdf(refining.map { rays.directions[$0] * t[$0] })
            evaluations += refining.count
            var next: [Int] = []
            for (k, r) in refining.enumerated() {
                let s = values[k]
                guard s.isFinite, abs(s) >= settings.threshold else { continue }
                if s > 0 { bracketLo[r] = t[r]; fLo[r] = s } else { bracketHi[r] = t[r]; fHi[r] = s }
                t[r] = secantPoint(r, bracketLo, bracketHi, fLo, fHi)
                next.append(r)
            }
            refining = next
        }

        let points = (0..<n).map { rays.directions[$0] * t[$0] }
        return TraceResult(hit: hit, t: t, points: points, evaluations: evaluations)
    }

    @inline(__always)
    private func sampleT(_ r: Int, _ j: Int, _ m: Int, _ rays: RaySet) -> Float {
        rays.tNear[r] + (rays.tFar[r] - rays.tNear[r]) * Float(j) / Float(m - 1)
    }

    @inline(__always)
    private func secantPoint(_ r: Int, _ lo: [Float], _ hi: [Float], _ fl: [Float], _ fh: [Float]) -> Float {
        let denom = fl[r] - fh[r]
        let ts = lo[r] + fl[r] * (hi[r] - lo[r]) / denom
        if denom > 0, ts > lo[r], ts < hi[r] { return ts }
        return (lo[r] + hi[r]) / 2
    }
}

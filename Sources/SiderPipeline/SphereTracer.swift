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
    /// A ray that starts inside the surface (f(tNear) ≤ 0: the surface has moved in front of its
    /// interval, as beside a nose whose f_θ is fuller than the coarse mesh) is searched again over
    /// [tNear − lookBehind·(tFar − tNear), tNear]. 0: such a ray misses.
    public var lookBehind: Float = 1
    /// With a hint t_h (the ray's previous hit), tracing starts at t_h − warmStart·(tFar − tNear)
    /// (within [tNear − lookBehind·(tFar − tNear), tFar]); a ray found inside there starts again
    /// from tNear. 0: always from tNear.
    public var warmStart: Float = 0

    public init() {}
}

extension SphereTraceSettings {
    /// Decodes settings written by any version: a field that an older checkpoint or run.json lacks
    /// takes the value that version behaved with.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var s = SphereTraceSettings()
        s.maxSteps = try c.decode(Int.self, forKey: .maxSteps)
        s.threshold = try c.decode(Float.self, forKey: .threshold)
        s.stepScale = try c.decode(Float.self, forKey: .stepScale)
        s.samples = try c.decode(Int.self, forKey: .samples)
        s.secantSteps = try c.decode(Int.self, forKey: .secantSteps)
        s.lookBehind = try c.decodeIfPresent(Float.self, forKey: .lookBehind) ?? 0
        s.warmStart = try c.decodeIfPresent(Float.self, forKey: .warmStart) ?? 0
        self = s
    }
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
    /// Rays that sphere tracing did not settle and the sampling search took over (a cost measure).
    public var sampledRays: Int = 0

    public var hitCount: Int { hit.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// Finds the first intersection of each ray with the zero level set of f (IDR's procedure).
///
/// 1. Sphere tracing from tNear: t ← t + stepScale·f(o + t·v) until |f| < threshold. A step that
///    lands on f < 0 has crossed the surface: [t_prev, t] is a bracket (f > 0 at one end, < 0 at the other).
///    Warm start (`hints`, `warmStart` > 0): a ray with a finite hint t_h starts at
///    t_h − warmStart·(tFar − tNear) (if that lies within the look-behind interval and [tNear, tFar]);
///    if its first point is inside (f < 0) it starts again from tNear. Between iterations the
///    surface moves far less than that window, so most rays settle in a step or two; the cost is
///    that a crossing in front of the window whose surface is left again before it (a sheet
///    thinner than the window) is not seen.
/// 2. Rays that neither converged nor bracketed within `maxSteps`, or that left [tNear, tFar], are
///    sampled at `samples` uniform t in [tNear, tFar]; the first consecutive pair with f > 0 then
///    f ≤ 0 is the bracket.
///    A ray whose first sample is already inside (f ≤ 0) is sampled the same way over the
///    `lookBehind` interval in front of tNear.
/// 3. Brackets are refined by the secant rule t = t_lo + f_lo·(t_hi − t_lo)/(f_lo − f_hi), falling
///    back to bisection if the secant point leaves the bracket.
/// Miss rule: a ray whose interval (with the look-behind for rays that start inside) holds no
/// + → − sign change (it sees only free space, or starts and stays inside the surface) has no
/// intersection; it is excluded from the photometric loss and drawn as background.
public struct SphereTracer: Sendable {
    public var settings: SphereTraceSettings

    public init(settings: SphereTraceSettings = SphereTraceSettings()) { self.settings = settings }

    /// `hints`: per ray, the distance of its previous hit (NaN for none), or nil.
    public func trace(_ rays: RaySet, sdf f: some BatchedSDF, hints: [Float]? = nil) -> TraceResult {
        let n = rays.count
        var st = State(tNear: rays.tNear)
        var unsettled: [Int] = []
        var warm = [Bool](repeating: false, count: n)
        if let hints, settings.warmStart > 0 {
            precondition(hints.count == n, "one hint per ray")
            for r in 0..<n where hints[r].isFinite {
                let length = rays.tFar[r] - rays.tNear[r]
                let start = hints[r] - settings.warmStart * length
                // (a hit the look-behind search found lies in front of tNear: start there too)
                if start > rays.tNear[r] - settings.lookBehind * length, start < rays.tFar[r] { st.t[r] = start; warm[r] = true }
            }
        }

        // 1. Sphere tracing, all marching rays in one batch per step.
        var active = Array(0..<n)
        var tPrev = st.t, fPrev = [Float](repeating: .infinity, count: n)
        var step = 0
        while !active.isEmpty && step < settings.maxSteps {
            let values = f.sdf(active.map { rays.directions[$0] * st.t[$0] })
            st.evaluations += active.count
            var next: [Int] = []
            next.reserveCapacity(active.count)
            for (k, r) in active.enumerated() {
                let s = values[k]
                if !s.isFinite {
                    unsettled.append(r)
                } else if abs(s) < settings.threshold {
                    st.hit[r] = true
                } else if s < 0 {
                    if warm[r] {
                        st.t[r] = rays.tNear[r]   // inside at the warm start: trace from tNear
                        next.append(r)
                    } else if fPrev[r].isFinite && fPrev[r] > 0 {
                        st.bracket(r, lo: tPrev[r], fLo: fPrev[r], hi: st.t[r], fHi: s)
                    } else {
                        unsettled.append(r)   // started inside: look for a crossing by sampling
                    }
                } else {
                    tPrev[r] = st.t[r]; fPrev[r] = s
                    st.t[r] += settings.stepScale * s
                    if st.t[r] > rays.tFar[r] { unsettled.append(r) } else { next.append(r) }
                }
                warm[r] = false
            }
            active = next
            step += 1
        }
        unsettled.append(contentsOf: active)

        // 2. Sampling search for the rest: first + → − pair along [tNear, tFar], then, for rays
        // that start inside, along the look-behind interval.
        let startInside = sampleSearch(unsettled, rays: rays, f: f, state: &st) { r in (rays.tNear[r], rays.tFar[r]) }
        if settings.lookBehind > 0 {
            let back = settings.lookBehind
            _ = sampleSearch(startInside, rays: rays, f: f, state: &st) { r in
                (rays.tNear[r] - back * (rays.tFar[r] - rays.tNear[r]), rays.tNear[r])
            }
        }

        // 3. Secant refinement inside the brackets, batched.
        for r in st.bracketed { st.t[r] = st.secantPoint(r); st.hit[r] = true }
        var refining = st.bracketed
        for _ in 0..<settings.secantSteps where !refining.isEmpty {
            let values = f.sdf(refining.map { rays.directions[$0] * st.t[$0] })
            st.evaluations += refining.count
            var next: [Int] = []
            for (k, r) in refining.enumerated() {
                let s = values[k]
                guard s.isFinite, abs(s) >= settings.threshold else { continue }
                if s > 0 { st.lo[r] = st.t[r]; st.fLo[r] = s } else { st.hi[r] = st.t[r]; st.fHi[r] = s }
                st.t[r] = st.secantPoint(r)
                next.append(r)
            }
            refining = next
        }

        let points = (0..<n).map { rays.directions[$0] * st.t[$0] }
        return TraceResult(hit: st.hit, t: st.t, points: points, evaluations: st.evaluations, sampledRays: unsettled.count)
    }

    /// One trace's per-ray state: current t, hit flags and + → − brackets [lo, hi] with f there.
    private struct State {
        var t: [Float]
        var hit: [Bool]
        var lo: [Float], hi: [Float], fLo: [Float], fHi: [Float]
        /// Rays with a bracket, in the order they got it.
        var bracketed: [Int] = []
        /// Points f was evaluated at so far.
        var evaluations = 0

        init(tNear: [Float]) {
            t = tNear
            hit = [Bool](repeating: false, count: tNear.count)
            lo = [Float](repeating: 0, count: tNear.count)
            hi = lo; fLo = lo; fHi = lo
        }

        mutating func bracket(_ r: Int, lo a: Float, fLo fa: Float, hi b: Float, fHi fb: Float) {
            lo[r] = a; fLo[r] = fa; hi[r] = b; fHi[r] = fb
            bracketed.append(r)
        }

        /// The secant point of ray r's bracket, or its midpoint when the secant leaves it.
        func secantPoint(_ r: Int) -> Float {
            let denom = fLo[r] - fHi[r]
            let ts = lo[r] + fLo[r] * (hi[r] - lo[r]) / denom
            if denom > 0, ts > lo[r], ts < hi[r] { return ts }
            return (lo[r] + hi[r]) / 2
        }
    }

    /// Samples each ray of `rays` at `samples` uniform t over `interval(r)` (one batch) and
    /// brackets (or, within the threshold, settles) its first + → − pair; a ray without one is
    /// left at tFar. Returns the rays without a pair whose first sample is inside (f ≤ 0).
    private func sampleSearch(_ rays: [Int], rays set: RaySet, f: some BatchedSDF, state st: inout State,
                              interval: (Int) -> (Float, Float)) -> [Int] {
        guard !rays.isEmpty else { return [] }
        let m = max(2, settings.samples)
        func sampleT(_ r: Int, _ j: Int) -> Float {
            let (a, b) = interval(r)
            return a + (b - a) * Float(j) / Float(m - 1)
        }
        var pts: [SIMD3<Float>] = []
        pts.reserveCapacity(rays.count * m)
        for r in rays {
            for j in 0..<m { pts.append(set.directions[r] * sampleT(r, j)) }
        }
        let values = f.sdf(pts)
        st.evaluations += pts.count
        var startInside: [Int] = []
        for (k, r) in rays.enumerated() {
            st.t[r] = set.tFar[r]
            let pair = (0..<(m - 1)).first { j in
                let a = values[k * m + j], b = values[k * m + j + 1]
                return a.isFinite && b.isFinite && a > 0 && b <= 0
            }
            guard let j = pair else {
                if values[k * m] <= 0 { startInside.append(r) }
                continue
            }
            let a = values[k * m + j], b = values[k * m + j + 1], tb = sampleT(r, j + 1)
            if b == 0 || abs(b) < settings.threshold { st.t[r] = tb; st.hit[r] = true }
            else { st.bracket(r, lo: sampleT(r, j), fLo: a, hi: tb, fHi: b) }
        }
        return startInside
    }
}

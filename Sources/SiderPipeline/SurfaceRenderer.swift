import SiderCore
/// The differentiable renderer of the detail stage (IDR's differentiable intersection, Eq. 8).
///
/// Forward: sphere-trace the rays to x̂₀ (no gradient), evaluate f_θ there for γ and ∇ₓf, take
/// n = ∇ₓf/‖∇ₓf‖ and shade c = g_ω(x̂, n, v, γ).
///
/// Backward: the intersection depends on θ through x̂(θ) = x̂₀ − v·(f(x̂₀;θ) − f(x̂₀;θ₀))/(∇ₓf(x̂₀;θ₀)·v),
/// whose value is x̂₀ and whose derivative is dx̂/dθ = −v·(∂f/∂θ)/(∇ₓf·v). With ∂L/∂c given,
///   1. g_ω's backward gives ∂L/∂x̂ (direct), ∂L/∂n, ∂L/∂γ and adds ∂L/∂ω;
///   2. ∂L/∂(∇ₓf) = (I − n nᵀ)·∂L/∂n / ‖∇ₓf‖ (derivative of the normalisation);
///   3. f_θ's backward with ∂L/∂γ and ∂L/∂(∇ₓf) adds their ∂L/∂θ at fixed x̂ and returns their ∂L/∂x̂;
///   4. the total ∂L/∂x̂ enters θ through x̂(θ): seed s = −(∂L/∂x̂ · v)/(∇ₓf·v) on f(x̂₀), i.e. a
///      further f_θ backward with ∂L/∂f = s, which `backward` returns for the caller to run
///      (batched with the regularisers' points).
///
/// Paper Fig. 4's ablations cut g_ω's inputs: with `feature` false γ is fed as zeros, with
/// `normal` false n is; a cut input passes no gradient back to f_θ.
public struct SurfaceRenderer {
    public var tracer: SphereTracer
    /// γ and n enter g_ω.
    public var feature: Bool
    public var normal: Bool

    public init(tracer: SphereTracer = SphereTracer(), feature: Bool = true, normal: Bool = true) {
        self.tracer = tracer
        self.feature = feature
        self.normal = normal
    }

    /// One rendered batch: the rays that hit and what was computed at their x̂₀.
    public struct Batch {
        /// Indices (into the traced ray set) of the rays that hit.
        public var hits: [Int]
        public var points: [SIMD3<Float>]
        public var viewDirections: [SIMD3<Float>]
        public var normals: [SIMD3<Float>]
        public var gradients: [SIMD3<Float>]
        public var features: [Float]
        public var colors: [SIMD3<Float>]
        public var trace: TraceResult
        /// Seconds spent sphere tracing (the rest of `render` is shading).
        public var traceSeconds: Double
    }

    /// Forward pass over `rays` (both models keep their caches for `backward`).
    public func render(_ rays: RaySet, geometry f: some DifferentiableSDF, shader g: some DifferentiableShader,
                       traceHints: [Float]? = nil) -> Batch {
        let clock = Stopwatch()
        let trace = tracer.trace(rays, sdf: f, hints: traceHints)
        let traceSeconds = clock.seconds
        let hits = (0..<rays.count).filter { trace.hit[$0] }
        let points = hits.map { trace.points[$0] }
        let views = hits.map { rays.directions[$0] }
        let eval = f.forward(points)
        let normals = eval.gradients.map { g in
            let len = (g * g).sum().squareRoot()
            return len > 0 ? g / len : SIMD3<Float>(0, 0, -1)
        }
        let fc = f.featureCount, gc = g.featureCount
        let shaderFeatures = feature ? Self.copyFeatures(eval.features, from: fc, to: gc, rows: hits.count)
                                     : [Float](repeating: 0, count: hits.count * gc)
        let shaderNormals = normal ? normals : [SIMD3<Float>](repeating: .zero, count: hits.count)
        let colors = g.forward(points: points, normals: shaderNormals, viewDirections: views, features: shaderFeatures,
                               pixels: hits.map { rays.pixels[$0] })
        return Batch(hits: hits, points: points, viewDirections: views, normals: normals,
                     gradients: eval.gradients, features: eval.features, colors: colors, trace: trace,
                     traceSeconds: traceSeconds)
    }

    /// Backward pass of `render` for ∂L/∂c per hit: adds ∂L/∂ω and the fixed-x̂ part of ∂L/∂θ,
    /// and returns the seeds s (one per hit) that carry ∂L/∂x̂ into θ through x̂(θ).
    public func backward(_ batch: Batch, dColors: [SIMD3<Float>],
                         geometry f: some DifferentiableSDF, shader g: some DifferentiableShader) -> [Float] {
        let n = batch.hits.count
        let dIn = g.backward(dColors: dColors)
        let fc = f.featureCount, gc = g.featureCount
        let dFeatures = feature ? Self.copyFeatures(dIn.features, from: gc, to: fc, rows: n) : nil
        let dGradients = normal ? Self.normalisationBackward(dIn.normals, batch) : nil
        let dxF = f.backward(dSDF: nil, dFeatures: dFeatures, dGradients: dGradients)
        var seeds = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let v = batch.viewDirections[i]
            let denom = (batch.gradients[i] * v).sum()
            // A grazing ray (∇ₓf ⟂ v) has an ill-defined x̂(θ); it passes no gradient through x̂.
            guard abs(denom) > 1e-3 else { continue }
            seeds[i] = -((dIn.points[i] + dxF[i]) * v).sum() / denom
        }
        return seeds
    }

    /// Row-wise copy of the first min(from, to) of `from` columns into `to` columns (zeros beyond).
    static func copyFeatures(_ x: [Float], from: Int, to: Int, rows: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * to)
        for i in 0..<rows { for j in 0..<min(from, to) { out[i * to + j] = x[i * from + j] } }
        return out
    }

    /// ∂L/∂(∇ₓf) = (I − n nᵀ)·∂L/∂n / ‖∇ₓf‖ per hit.
    static func normalisationBackward(_ dNormals: [SIMD3<Float>], _ batch: Batch) -> [SIMD3<Float>] {
        var out = [SIMD3<Float>](repeating: .zero, count: dNormals.count)
        for i in out.indices {
            let gr = batch.gradients[i], len = (gr * gr).sum().squareRoot()
            guard len > 0 else { continue }
            let nn = batch.normals[i], dn = dNormals[i]
            out[i] = (dn - nn * (nn * dn).sum()) / len
        }
        return out
    }
}

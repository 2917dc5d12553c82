import SiderCore

/// Where a detail run's time went, per phase of an iteration (wall-clock seconds summed over
/// the iterations this process ran), and what the sphere tracer cost: run.json's
/// `detailProfile`, the figures `sider reconstruct` prints at the end of the stage.
///
/// Phases: `trace` (sphere tracing the batch, no gradients), `shade` (f_θ with ∇ₓf at x̂₀ and
/// the shader, forward), `colourBackward` (colour terms and their backward through the shader
/// and the renderer), `geometry` (one f_θ pass over x̂, 𝒫ᵦ and the priors' points, forward and
/// backward), `step` (NaN check and Adam), `highPass` (the one full-crop render of
/// `residualHighPass`).
public struct DetailProfile: Codable, Sendable, Equatable {
    public var iterations = 0
    public var trace = 0.0
    public var shade = 0.0
    public var colourBackward = 0.0
    public var geometry = 0.0
    public var step = 0.0
    public var highPass = 0.0
    /// Rays traced and f evaluations the tracer made for them.
    public var tracedRays = 0
    public var traceEvaluations = 0
    /// Traced rays that sphere tracing left to the sampling search.
    public var sampledRays = 0

    public init() {}

    /// Mean f evaluations per traced ray.
    public var evaluationsPerRay: Double { tracedRays > 0 ? Double(traceEvaluations) / Double(tracedRays) : 0 }

    /// Fraction of traced rays left to the sampling search.
    public var sampledFraction: Double { tracedRays > 0 ? Double(sampledRays) / Double(tracedRays) : 0 }

    /// One line: milliseconds per iteration by phase.
    public var summary: String {
        let n = Double(max(iterations, 1))
        func ms(_ s: Double) -> String { String(format: "%.1f", 1000 * s / n) }
        return "per iteration: trace \(ms(trace)) ms (\(String(format: "%.1f", evaluationsPerRay)) evaluations/ray, "
            + String(format: "%.1f", 100 * sampledFraction) + " % sampled), "
            + "shade \(ms(shade)) ms, colour backward \(ms(colourBackward)) ms, geometry \(ms(geometry)) ms, step \(ms(step)) ms"
            + (highPass > 0 ? String(format: "; high-pass render %.2f s", highPass) : "")
    }
}

import SiderCore
import Foundation

/// Adam (Kingma & Ba) over a `ParameterStore`:
/// m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − η_t·m̂/(√v̂ + ε) with bias-corrected m̂, v̂.
/// The paper trains with η = 1e−4. `step()` reads `store.grads`, updates `store.values` in a
/// vectorised loop across the cores and bumps the store's generation. Every element's update is
/// independent, so the result does not depend on how the loop is split across threads.
/// `state`/`restore(_:)` expose (t, m, v) so a checkpointed run resumes exactly.
public final class Adam: @unchecked Sendable {
    public let store: ParameterStore
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public private(set) var steps = 0
    private let m: FloatBuffer
    private let v: FloatBuffer

    public init(store: ParameterStore, learningRate: Float = 1e-4) {
        self.store = store
        self.learningRate = learningRate
        m = FloatBuffer(capacity: store.count)
        v = FloatBuffer(capacity: store.count)
        m.zero(store.count); v.zero(store.count)
    }

    /// The optimiser's own state: the step count t and the moments m, v (one per parameter).
    public struct State: Sendable, Equatable {
        public var steps: Int
        public var m: [Float]
        public var v: [Float]
        public init(steps: Int, m: [Float], v: [Float]) { self.steps = steps; self.m = m; self.v = v }
    }

    /// A copy of (t, m, v).
    public var state: State {
        State(steps: steps, m: Array(UnsafeBufferPointer(start: m.base, count: store.count)),
              v: Array(UnsafeBufferPointer(start: v.base, count: store.count)))
    }

    /// Continues from a saved (t, m, v); throws when it does not fit this store.
    public func restore(_ s: State) throws {
        guard s.steps >= 0, s.m.count == store.count, s.v.count == store.count else {
            throw SiderError(.badInput, "Adam state does not match the network (\(s.m.count) moments for \(store.count) parameters)")
        }
        steps = s.steps
        s.m.withUnsafeBufferPointer { if let b = $0.baseAddress { m.base.update(from: b, count: store.count) } }
        s.v.withUnsafeBufferPointer { if let b = $0.baseAddress { v.base.update(from: b, count: store.count) } }
    }

    /// Forgets the moments and the step count (a fresh optimiser on the current values).
    public func reset() {
        steps = 0
        m.zero(store.count); v.zero(store.count)
    }

    /// One update with the current gradients (not cleared: call `store.zeroGrads()`).
    public func step() {
        steps += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        let c1 = 1 - Float(pow(Double(b1), Double(steps))), c2 = 1 - Float(pow(Double(b2), Double(steps)))
        let lr = learningRate * c2.squareRoot() / c1
        let epsHat = eps * c2.squareRoot()
        let mp = SendablePointer(m.base), vp = SendablePointer(v.base)
        let tp = SendablePointer(store.values), gp = SendablePointer(store.grads)
        parallelFor(store.count, minChunk: 1 << 15) { range in
            for i in range {
                let g = gp[i]
                let mi = b1 * mp[i] + (1 - b1) * g
                let vi = b2 * vp[i] + (1 - b2) * g * g
                mp[i] = mi; vp[i] = vi
                tp[i] -= lr * mi / (vi.squareRoot() + epsHat)
            }
        }
        store.markChanged()
    }
}

/// Learning-rate schedules η(t) for step t (0-based) of a stage of T steps (the stage's length
/// is the schedule's horizon, so changing a stage's step count keeps its shape).
///
/// In config files: `{"kind": "constant", "initial": η₀}`, `{"kind": "multiStep", "initial": η₀,
/// "milestones": [t₁, …], "factor": f}`, `{"kind": "exponential", "initial": η₀, "end": η_end}`,
/// `{"kind": "warmupCosine", "initial": η₀, "end": η_end, "warmup": W}`.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant(Float)
    /// η₀·factor^(number of milestones ≤ t) (IDR: milestones [1000, 1500], factor 0.5).
    case multiStep(Float, milestones: [Int], factor: Float)
    /// η₀·(η_end/η₀)^(t/T).
    case exponential(Float, end: Float)
    /// Linear warm-up over `warmup` steps, then cosine decay to `end` at T.
    case warmupCosine(Float, end: Float, warmup: Int)

    public func rate(at t: Int, steps n: Int) -> Float {
        switch self {
        case .constant(let r): return r
        case .multiStep(let r, let ms, let f):
            return r * Float(pow(Double(f), Double(ms.filter { t >= $0 }.count)))
        case .exponential(let r, let e):
            return r * Float(pow(Double(e / r), Double(min(t, n)) / Double(max(n, 1))))
        case .warmupCosine(let r, let e, let w):
            if t < w { return r * Float(t + 1) / Float(max(w, 1)) }
            let p = Double(min(t - w, max(n - w, 1))) / Double(max(n - w, 1))
            return e + (r - e) * Float(0.5 * (1 + cos(Double.pi * p)))
        }
    }

    /// η₀.
    public var initial: Float {
        switch self {
        case .constant(let r), .multiStep(let r, _, _), .exponential(let r, _), .warmupCosine(let r, _, _): return r
        }
    }
}

extension LearningRateSchedule: Codable {
    enum CodingKeys: String, CodingKey { case kind, initial, milestones, factor, end, warmup }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let r = try c.decode(Float.self, forKey: .initial)
        switch try c.decode(String.self, forKey: .kind) {
        case "constant": self = .constant(r)
        case "multiStep":
            self = .multiStep(r, milestones: try c.decode([Int].self, forKey: .milestones), factor: try c.decode(Float.self, forKey: .factor))
        case "exponential": self = .exponential(r, end: try c.decode(Float.self, forKey: .end))
        case "warmupCosine":
            self = .warmupCosine(r, end: try c.decode(Float.self, forKey: .end), warmup: try c.decode(Int.self, forKey: .warmup))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription:
                "unknown learning-rate schedule '\(other)' (constant, multiStep, exponential, warmupCosine)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(initial, forKey: .initial)
        switch self {
        case .constant: try c.encode("constant", forKey: .kind)
        case .multiStep(_, let ms, let f):
            try c.encode("multiStep", forKey: .kind); try c.encode(ms, forKey: .milestones); try c.encode(f, forKey: .factor)
        case .exponential(_, let e): try c.encode("exponential", forKey: .kind); try c.encode(e, forKey: .end)
        case .warmupCosine(_, let e, let w):
            try c.encode("warmupCosine", forKey: .kind); try c.encode(e, forKey: .end); try c.encode(w, forKey: .warmup)
        }
    }
}

import SiderCore

/// A fully connected layer on row-major batches: Z = c·U·Wᵀ + b.
///
/// U is N×in (row stride `ldu`), W is out×in, b is out, Z is N×out; `inputScale` c folds IDR's
/// skip-connection factor 1/√2 into the product. With `weightNorm` (as IDR), W is
/// reparametrised per row as W_r = g_r·v_r/‖v_r‖ and the trainable parameters are v, g, b;
/// W is materialised by `syncWeights()` before a forward pass and the gradient dW is mapped
/// back by `finishGradients()`:  ∂L/∂g_r = dW_r·v̂_r,  ∂L/∂v_r = (g_r/‖v_r‖)(dW_r − (dW_r·v̂_r) v̂_r).
/// Matrix products go through `BLAS.sgemm`, cut into `FixedBlocks` across the cores (so they
/// are bit-reproducible whatever the core count).
public final class Linear: @unchecked Sendable {
    public let inputs: Int
    public let outputs: Int
    public let inputScale: Float
    public let weightNorm: Bool
    let weightView: ParameterView   // W, or v with weight norm
    let gainView: ParameterView?    // g with weight norm
    let biasView: ParameterView
    unowned let store: ParameterStore
    private let effective: FloatBuffer   // materialised W (weight norm only)
    private let effectiveGrad: FloatBuffer

    public init(inputs: Int, outputs: Int, inputScale: Float = 1, weightNorm: Bool,
                name: String, store: ParameterStore) {
        self.inputs = inputs
        self.outputs = outputs
        self.inputScale = inputScale
        self.weightNorm = weightNorm
        self.store = store
        weightView = store.allocate("\(name).weight", count: inputs * outputs)
        gainView = weightNorm ? store.allocate("\(name).gain", count: outputs) : nil
        biasView = store.allocate("\(name).bias", count: outputs)
        effective = FloatBuffer(capacity: weightNorm ? inputs * outputs : 1)
        effectiveGrad = FloatBuffer(capacity: weightNorm ? inputs * outputs : 1)
    }

    /// The stored weight (W, or v under weight norm), out×in row-major.
    public var rawWeight: UnsafeMutablePointer<Float> { store.value(weightView) }
    public var bias: UnsafeMutablePointer<Float> { store.value(biasView) }
    /// The weight the products use (W = g·v/‖v‖ under weight norm).
    public var weight: UnsafeMutablePointer<Float> { weightNorm ? effective.base : store.value(weightView) }
    var weightGrad: UnsafeMutablePointer<Float> { weightNorm ? effectiveGrad.base : store.grad(weightView) }
    var biasGrad: UnsafeMutablePointer<Float> { store.grad(biasView) }

    /// After the raw weights were initialised as W: sets g = ‖v_r‖ so W is unchanged (weight norm).
    func initialiseGain() {
        guard let gv = gainView else { return }
        let v = store.value(weightView), g = store.value(gv)
        for r in 0..<outputs {
            var s: Float = 0
            for c in 0..<inputs { s += v[r * inputs + c] * v[r * inputs + c] }
            g[r] = s.squareRoot()
        }
    }

    /// Materialises W from (v, g) under weight norm; no-op otherwise.
    public func syncWeights() {
        guard let gv = gainView else { return }
        let v = store.value(weightView), g = store.value(gv), w = effective.base
        let n = inputs
        for r in 0..<outputs {
            var s: Float = 0
            for c in 0..<n { s += v[r * n + c] * v[r * n + c] }
            let k = g[r] / max(s.squareRoot(), 1e-12)
            for c in 0..<n { w[r * n + c] = k * v[r * n + c] }
        }
    }

    /// Z (N×out, contiguous) = c·U·Wᵀ + b.
    func forward(_ u: UnsafePointer<Float>, ldu: Int, rows: Int, z: UnsafeMutablePointer<Float>) {
        product(u, ldu: ldu, rows: rows, z: z, bias: true)
    }

    /// Z (N×out) = c·U·Wᵀ, no bias (the double-backward pass).
    func forwardNoBias(_ u: UnsafePointer<Float>, ldu: Int, rows: Int, z: UnsafeMutablePointer<Float>) {
        product(u, ldu: ldu, rows: rows, z: z, bias: false)
    }

    /// Z = c·U·Wᵀ (+ b), by blocks of batch rows.
    private func product(_ u: UnsafePointer<Float>, ldu: Int, rows: Int, z: UnsafeMutablePointer<Float>, bias withBias: Bool) {
        let up = SendableConstPointer(u), zp = SendablePointer(z)
        let w = SendableConstPointer(UnsafePointer(weight)), b = SendableConstPointer(UnsafePointer(bias))
        let o = outputs, k = inputs, c = inputScale
        FixedBlocks.run(rows, size: FixedBlocks.rowBlock, work: rows * o * k) { r in
            if withBias { for i in r { (zp.base + i * o).update(from: b.base, count: o) } }
            BLAS.sgemm(m: r.count, n: o, k: k, a: up.base + r.lowerBound * ldu, lda: ldu, b: w.base, ldb: k, transB: true,
                       c: zp.base + r.lowerBound * o, ldc: o, alpha: c, beta: withBias ? 1 : 0)
        }
    }

    /// dW[row 0] += c·1ᵀ·P: the weight gradient of the seed product P = c·e₀ᵀ·W (all rows equal).
    func accumulateFirstRowGradient(_ p: UnsafePointer<Float>, rows: Int, ones: UnsafePointer<Float>) {
        let pp = SendableConstPointer(p), op = SendableConstPointer(ones), gp = SendablePointer(weightGrad)
        let k = inputs, c = inputScale
        FixedBlocks.run(inputs, size: FixedBlocks.columnBlock, work: rows * k) { cols in
            BLAS.sgemm(m: 1, n: cols.count, k: rows, a: op.base, lda: max(rows, 1), b: pp.base + cols.lowerBound, ldb: k,
                       c: gp.base + cols.lowerBound, ldc: k, alpha: c, beta: 1)
        }
    }

    /// dU = c·dZ·W  (beta = 1 accumulates into dU), by blocks of batch rows.
    func backwardInput(_ dz: UnsafePointer<Float>, rows: Int, du: UnsafeMutablePointer<Float>, lddu: Int,
                       beta: Float = 0) {
        let dp = SendableConstPointer(dz), up = SendablePointer(du), w = SendableConstPointer(UnsafePointer(weight))
        let o = outputs, k = inputs, c = inputScale
        FixedBlocks.run(rows, size: FixedBlocks.rowBlock, work: rows * o * k) { r in
            BLAS.sgemm(m: r.count, n: k, k: o, a: dp.base + r.lowerBound * o, lda: o, b: w.base, ldb: k,
                       c: up.base + r.lowerBound * lddu, ldc: lddu, alpha: c, beta: beta)
        }
    }

    /// dW += c·dZᵀ·U and, when `ones` is given, db += 1ᵀ·dZ, by blocks of outputs (each
    /// element's sum over the batch stays within one call).
    func accumulateWeightGradient(_ dz: UnsafePointer<Float>, ldz: Int? = nil, rows: Int,
                                  u: UnsafePointer<Float>, ldu: Int, ones: UnsafePointer<Float>?) {
        let lz = ldz ?? outputs
        let dp = SendableConstPointer(dz), up = SendableConstPointer(u)
        let op = ones.map { SendableConstPointer($0) }
        let wg = SendablePointer(weightGrad), bg = SendablePointer(biasGrad)
        let o = outputs, k = inputs, c = inputScale
        FixedBlocks.run(outputs, size: FixedBlocks.columnBlock, work: rows * o * k) { cols in
            let j = cols.lowerBound
            BLAS.sgemm(m: cols.count, n: k, k: rows, a: dp.base + j, lda: lz, transA: true, b: up.base, ldb: ldu,
                       c: wg.base + j * k, ldc: k, alpha: c, beta: 1)
            if let op {
                BLAS.sgemm(m: 1, n: cols.count, k: rows, a: op.base, lda: max(rows, 1), b: dp.base + j, ldb: lz,
                           c: bg.base + j, ldc: o, alpha: 1, beta: 1)
            }
        }
    }

    /// Maps the accumulated dW to (dv, dg) under weight norm; no-op otherwise.
    public func finishGradients() {
        guard let gv = gainView else { return }
        let v = store.value(weightView), g = store.value(gv)
        let dv = store.grad(weightView), dg = store.grad(gv), dw = effectiveGrad.base
        let n = inputs
        for r in 0..<outputs {
            var s: Float = 0, d: Float = 0
            for c in 0..<n { s += v[r * n + c] * v[r * n + c]; d += dw[r * n + c] * v[r * n + c] }
            let norm = max(s.squareRoot(), 1e-12)
            let proj = d / norm          // dW_r·v̂_r
            dg[r] += proj
            let k = g[r] / norm
            for c in 0..<n { dv[r * n + c] += k * (dw[r * n + c] - proj * v[r * n + c] / norm) }
        }
        effectiveGrad.zero(inputs * outputs)
    }
}

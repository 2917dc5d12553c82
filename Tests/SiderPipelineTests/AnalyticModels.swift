import Foundation
import SiderPipeline

/// Plain Adam over a flat parameter vector (test models only).
final class FlatAdam {
    var m: [Float], v: [Float], t = 0
    init(count: Int) { m = [Float](repeating: 0, count: count); v = m }
    func step(_ theta: inout [Float], _ g: [Float], lr: Float) {
        t += 1
        let c1 = 1 - pow(0.9, Float(t)), c2 = 1 - pow(0.999, Float(t))
        for i in theta.indices {
            m[i] = 0.9 * m[i] + 0.1 * g[i]
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
            theta[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
        }
    }
}

/// Shared parameter-group plumbing for the flat-vector test models: each is one group.
class FlatModel: ParameterGroup, TrainableModel {
    let name: String
    var theta: [Float]
    var grad: [Float]
    let adam: FlatAdam
    var frozen: Set<Int> = []
    var isFrozen = false
    init(name: String, theta: [Float]) {
        self.name = name; self.theta = theta; grad = [Float](repeating: 0, count: theta.count); adam = FlatAdam(count: theta.count)
    }
    var parameterGroups: [any ParameterGroup] { [self] }
    func zeroGradients() { grad = [Float](repeating: 0, count: theta.count) }
    func step(learningRate: Float) {
        for i in frozen { grad[i] = 0 }
        adam.step(&theta, grad, lr: learningRate)
    }
    var gradientsAreFinite: Bool { grad.allSatisfy(\.isFinite) }
    func stateTensors() -> [(name: String, values: [Float])] {
        [("theta", theta), ("m", adam.m), ("v", adam.v), ("t", [Float(adam.t)])]
    }
    func weightTensors() -> [(name: String, values: [Float])] { [("theta", theta)] }
    func restoreState(_ t: [(name: String, values: [Float])]) throws {
        func get(_ n: String) -> [Float]? { t.first { $0.name == n }?.values }
        theta = get("theta") ?? theta
        if let m = get("m"), let v = get("v"), let s = get("t") { adam.m = m; adam.v = v; adam.t = Int(s.first ?? 0) }
    }
}

/// f_θ(x) = ‖x − c‖ − r + Σⱼ aⱼ·sin(wⱼ·x + bⱼ), γⱼ(x) = aⱼ·cos(wⱼ·x + bⱼ) (j < featureCount),
/// θ = (c, r, a₀…a_{J−1}); exact first derivatives and the Hessian terms, written by hand.
final class BumpySDF: FlatModel, DifferentiableSDF {
    let w: [SIMD3<Float>], b: [Float]
    let featureCount: Int
    private var cache: [SIMD3<Float>] = []

    init(center: SIMD3<Float>, radius: Float, amplitudes: [Float], frequencies: [SIMD3<Float>], phases: [Float], featureCount: Int) {
        w = frequencies; b = phases; self.featureCount = featureCount
        super.init(name: "f", theta: [center.x, center.y, center.z, radius] + amplitudes)
    }
    var center: SIMD3<Float> { SIMD3(theta[0], theta[1], theta[2]) }
    func a(_ j: Int) -> Float { theta[4 + j] }

    func sdf(_ points: [SIMD3<Float>]) -> [Float] { points.map { value($0) } }

    func value(_ x: SIMD3<Float>) -> Float {
        let d = x - center
        var f = (d * d).sum().squareRoot() - theta[3]
        for j in w.indices { f += a(j) * sinf((w[j] * x).sum() + b[j]) }
        return f
    }

    func forward(_ points: [SIMD3<Float>]) -> GeometryEvaluation {
        cache = points
        var feats = [Float](repeating: 0, count: points.count * featureCount)
        var grads = [SIMD3<Float>](repeating: .zero, count: points.count)
        for (i, x) in points.enumerated() {
            let d = x - center, rho = (d * d).sum().squareRoot()
            var g = d / rho
            for j in w.indices {
                let ph = (w[j] * x).sum() + b[j]
                g += a(j) * cosf(ph) * w[j]
                if j < featureCount { feats[i * featureCount + j] = a(j) * cosf(ph) }
            }
            grads[i] = g
        }
        return GeometryEvaluation(sdf: sdf(points), features: feats, gradients: grads)
    }

    func backward(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) -> [SIMD3<Float>] {
        var dx = [SIMD3<Float>](repeating: .zero, count: cache.count)
        for (i, x) in cache.enumerated() {
            let dS = dSDF?[i] ?? 0, dG = dGradients?[i] ?? .zero
            let d = x - center, rho = (d * d).sum().squareRoot(), u = d / rho
            let pdg = (dG - u * (u * dG).sum()) / rho            // (I − uuᵀ)/ρ · dG
            var gx = u * dS + pdg
            let dc = -u * dS - pdg
            grad[0] += dc.x; grad[1] += dc.y; grad[2] += dc.z
            grad[3] -= dS
            for j in w.indices {
                let ph = (w[j] * x).sum() + b[j], s = sinf(ph), c = cosf(ph), wg = (w[j] * dG).sum()
                var da = s * dS + c * wg
                gx += a(j) * c * dS * w[j] - a(j) * s * wg * w[j]
                if j < featureCount, let dF = dFeatures {
                    let df = dF[i * featureCount + j]
                    da += c * df
                    gx -= a(j) * s * df * w[j]
                }
                grad[4 + j] += da
            }
            dx[i] = gx
        }
        return dx
    }
}

/// g_ω: cₖ = albedoₖ·(k + n·l) + q·γ₀ + p·x_z, ω = (albedo (3), l (3), k, q, p).
/// With q = p = 0 and frozen it is a Lambertian shader with ambient term.
final class LambertShader: FlatModel, DifferentiableShader {
    let featureCount: Int
    private var cache: (x: [SIMD3<Float>], n: [SIMD3<Float>], g: [Float]) = ([], [], [])

    init(albedo: SIMD3<Float>, light: SIMD3<Float>, ambient: Float, featureWeight: Float, pointWeight: Float, featureCount: Int) {
        self.featureCount = featureCount
        super.init(name: "g", theta: [albedo.x, albedo.y, albedo.z, light.x, light.y, light.z, ambient, featureWeight, pointWeight])
    }
    var albedo: SIMD3<Float> { SIMD3(theta[0], theta[1], theta[2]) }
    var light: SIMD3<Float> { SIMD3(theta[3], theta[4], theta[5]) }

    func forward(points: [SIMD3<Float>], normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>], features: [Float],
                 pixels: [Int32]) -> [SIMD3<Float>] {
        cache = (points, normals, features)
        return points.indices.map { i in
            let g0 = featureCount > 0 ? features[i * featureCount] : 0
            return albedo * (theta[6] + (normals[i] * light).sum()) + SIMD3(repeating: theta[7] * g0 + theta[8] * points[i].z)
        }
    }

    func backward(dColors: [SIMD3<Float>]) -> ShadingInputGradients {
        let n = dColors.count
        var dx = [SIMD3<Float>](repeating: .zero, count: n), dn = dx
        var df = [Float](repeating: 0, count: n * featureCount)
        for i in 0..<n {
            let dc = dColors[i], sum = dc.sum(), shade = theta[6] + (cache.n[i] * light).sum()
            let g0 = featureCount > 0 ? cache.g[i * featureCount] : 0
            for k in 0..<3 { grad[k] += shade * dc[k] }
            let ad = (albedo * dc).sum()
            let dl = cache.n[i] * ad
            grad[3] += dl.x; grad[4] += dl.y; grad[5] += dl.z
            grad[6] += ad
            grad[7] += g0 * sum
            grad[8] += cache.x[i].z * sum
            dn[i] = light * ad
            if featureCount > 0 { df[i * featureCount] = theta[7] * sum }
            dx[i] = SIMD3(0, 0, theta[8] * sum)
        }
        return ShadingInputGradients(points: dx, normals: dn, features: df)
    }
}

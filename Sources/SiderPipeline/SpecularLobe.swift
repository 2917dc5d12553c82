import Foundation
import NeuralFields

/// The intrinsic shader's optional specular term: a white Blinn–Phong lobe added to the diffuse
/// colour, c = a ⊙ S(n; ℓ) + s(n, v)·(1, 1, 1),
///   s = k_s·max(0, n·h)^α,   h = (d̂ + v̂)/‖d̂ + v̂‖,
/// d̂ the learned direction towards the light (camera space, normalised from d), v̂ = −ω the
/// direction back to the camera (ω the ray's direction). k_s = e^ρ and α = e^β keep both
/// positive; parameters (ρ, β, d) in group "specular". Skin near a highlight shows relief
/// mostly through this lobe, with the opposite pattern to the diffuse term's: without it a
/// Lambertian shader explains a furrow there as a ridge.
/// Derivatives (t = n·h > 0): ∂s/∂n = k_s·α·t^{α−1}·h, ∂s/∂ρ = s, ∂s/∂β = s·α·ln t,
/// ∂s/∂d = (I − d̂d̂ᵀ)/‖d‖ · (I − hhᵀ)/‖d̂ + v̂‖ · k_s·α·t^{α−1}·n.
public final class SpecularLobe {
    public let store = ParameterStore()
    let view: ParameterView
    private var cache: [(t: Float, s: Float, h: SIMD3<Float>, u: Float, n: SIMD3<Float>)] = []

    public init(strength: Float, shininess: Float) {
        view = store.allocate("lobe", count: 5)
        store.freeze()
        let p = store.value(view)
        p[0] = logf(max(strength, 1e-6))
        p[1] = logf(max(shininess, 1))
        p[2] = 0; p[3] = 0; p[4] = -1
        store.markChanged()
    }

    /// (k_s, α, d̂).
    public var parameters: (strength: Float, shininess: Float, direction: SIMD3<Float>) {
        let p = store.value(view)
        let d = SIMD3(p[2], p[3], p[4])
        let len = (d * d).sum().squareRoot()
        return (expf(p[0]), expf(p[1]), len > 0 ? d / len : SIMD3(0, 0, -1))
    }

    /// s per point (normals unit, views the rays' directions).
    public func forward(normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>]) -> [Float] {
        let (ks, alpha, dHat) = parameters
        cache = zip(normals, viewDirections).map { n, w in
            let wl = (w * w).sum().squareRoot()
            let v = wl > 0 ? -w / wl : SIMD3<Float>(0, 0, -1)
            let u = dHat + v
            let ul = max(1e-6, (u * u).sum().squareRoot())
            let h = u / ul
            let t = (n * h).sum()
            return (t, t > 0 ? ks * powf(t, alpha) : 0, h, ul, n)
        }
        return cache.map(\.s)
    }

    /// Adds ∂L/∂(ρ, β, d) for ∂L/∂s per point; returns ∂L/∂n.
    public func backward(dS: [Float]) -> [SIMD3<Float>] {
        let (ks, alpha, dHat) = parameters
        let p = store.value(view), g = store.grad(view)
        let d = SIMD3(p[2], p[3], p[4])
        let dl = max(1e-6, (d * d).sum().squareRoot())
        var dRho: Float = 0, dBeta: Float = 0, dD = SIMD3<Float>.zero
        let dn = zip(cache, dS).map { c, ds -> SIMD3<Float> in
            guard c.t > 0, c.s > 0 else { return .zero }
            let slope = ks * alpha * powf(c.t, alpha - 1)
            dRho += ds * c.s
            dBeta += ds * c.s * alpha * logf(c.t)
            let gh = ds * slope * c.n
            let gu = (gh - (gh * c.h).sum() * c.h) / c.u
            dD += (gu - (gu * dHat).sum() * dHat) / dl
            return ds * slope * c.h
        }
        g[0] += dRho; g[1] += dBeta
        g[2] += dD.x; g[3] += dD.y; g[4] += dD.z
        return dn
    }
}

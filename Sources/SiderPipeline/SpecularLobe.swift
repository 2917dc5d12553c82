import Foundation
import NeuralFields

/// The intrinsic shader's optional specular term: a white Blinn–Phong lobe added to the diffuse
/// colour, c = a ⊙ S(n; ℓ) + s(n, v)·(1, 1, 1),
///   s = k_s·max(0, n·h)^α,   h₀ = (d̂ + v̂)/‖d̂ + v̂‖,   h = (h₀ + e(p))/‖h₀ + e(p)‖,
/// d̂ the direction towards the light (camera space, normalised from d: the lobe's own learned
/// d, or the light's first spherical-harmonics band when the lobe follows the light), v̂ = −ω
/// the direction back to the camera (ω the ray's direction), e(p) the optional placement field
/// at the ray's crop pixel (`HalfVectorField`; 0 without one). k_s = e^ρ and α = e^β keep both
/// positive; parameters (ρ, β, d) and e in group "specular". Skin near a highlight shows relief
/// mostly through this lobe, with the opposite pattern to the diffuse term's: without it a
/// Lambertian shader explains a furrow there as a ridge.
/// Derivatives (t = n·h > 0, P_x = I − x̂x̂ᵀ): ∂s/∂n = k_s·α·t^{α−1}·h, ∂s/∂ρ = s,
/// ∂s/∂β = s·α·ln t, g_q = P_h·k_s·α·t^{α−1}·n / ‖h₀ + e‖ (∂s/∂e = its x and y),
/// ∂s/∂d = P_d̂/‖d‖ · P_h₀/‖d̂ + v̂‖ · g_q.
public final class SpecularLobe {
    public let store = ParameterStore()
    let view: ParameterView
    let placement: HalfVectorField?
    /// When set, d is this vector (the light's first band, `IntrinsicShader`) instead of the
    /// lobe's own parameters, which then get no gradient; backward leaves ∂L/∂d in
    /// `lastDirectionGradient` for the light.
    var followedDirection: SIMD3<Float>?
    private(set) var lastDirectionGradient = SIMD3<Float>.zero
    private var cache: [(t: Float, s: Float, h: SIMD3<Float>, h0: SIMD3<Float>, u: Float, q: Float, n: SIMD3<Float>, pixel: Int32)] = []

    /// `placement`: the crop's size and the field's node spacing in crop pixels (nil: e = 0).
    public init(strength: Float, shininess: Float, placement: (width: Int, height: Int, spacing: Int)? = nil) {
        let store = store
        view = store.allocate("lobe", count: 5)
        self.placement = placement.map { HalfVectorField(width: $0.width, height: $0.height, spacing: $0.spacing, store: store) }
        store.freeze()
        let p = store.value(view)
        p[0] = logf(max(strength, 1e-6))
        p[1] = logf(max(shininess, 1))
        p[2] = 0; p[3] = 0; p[4] = -1
        store.markChanged()
    }

    /// d, unnormalised.
    private var direction: SIMD3<Float> {
        if let followedDirection { return followedDirection }
        let p = store.value(view)
        return SIMD3(p[2], p[3], p[4])
    }

    /// (k_s, α, d̂).
    public var parameters: (strength: Float, shininess: Float, direction: SIMD3<Float>) {
        let p = store.value(view), d = direction
        let len = (d * d).sum().squareRoot()
        return (expf(p[0]), expf(p[1]), len > 0 ? d / len : SIMD3(0, 0, -1))
    }

    /// RMS angle (degrees) by which the placement field turns the half vector, over its nodes
    /// (nil without one): how far the highlight was moved from where the prior's normals put it.
    public var placementRMSDegrees: Float? {
        placement.map { f in
            let e = store.value(f.view), nodes = f.columns * f.rows
            var sum: Float = 0
            for k in 0..<nodes { sum += e[2 * k] * e[2 * k] + e[2 * k + 1] * e[2 * k + 1] }
            return (sum / Float(nodes)).squareRoot() * 180 / .pi
        }
    }

    /// s per point (normals unit, views the rays' directions, pixels their crop pixels; pixels
    /// are read only with a placement field).
    public func forward(normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>], pixels: [Int32] = []) -> [Float] {
        let (ks, alpha, dHat) = parameters
        precondition(placement == nil || pixels.count == normals.count, "the placement field needs each ray's pixel")
        cache = normals.indices.map { i in
            let n = normals[i], w = viewDirections[i]
            let wl = (w * w).sum().squareRoot()
            let v = wl > 0 ? -w / wl : SIMD3<Float>(0, 0, -1)
            let u = dHat + v
            let ul = max(1e-6, (u * u).sum().squareRoot())
            let h0 = u / ul
            let pixel = placement == nil ? 0 : pixels[i]
            let q = placement.map { h0 + $0.offset(pixel, in: store) } ?? h0
            let ql = max(1e-6, (q * q).sum().squareRoot())
            let h = q / ql
            let t = (n * h).sum()
            return (t, t > 0 ? ks * powf(t, alpha) : 0, h, h0, ul, ql, n, pixel)
        }
        return cache.map(\.s)
    }

    /// Adds ∂L/∂(ρ, β, d, e) for ∂L/∂s per point; returns ∂L/∂n.
    public func backward(dS: [Float]) -> [SIMD3<Float>] {
        let (ks, alpha, dHat) = parameters
        let g = store.grad(view), d = direction
        let dl = max(1e-6, (d * d).sum().squareRoot())
        var dRho: Float = 0, dBeta: Float = 0, dD = SIMD3<Float>.zero
        let dn = zip(cache, dS).map { c, ds -> SIMD3<Float> in
            guard c.t > 0, c.s > 0 else { return .zero }
            let slope = ks * alpha * powf(c.t, alpha - 1)
            dRho += ds * c.s
            dBeta += ds * c.s * alpha * logf(c.t)
            let gh = ds * slope * c.n
            let gq = (gh - (gh * c.h).sum() * c.h) / c.q
            placement?.accumulate(gq, at: c.pixel, in: store)
            let gu = (gq - (gq * c.h0).sum() * c.h0) / c.u
            dD += (gu - (gu * dHat).sum() * dHat) / dl
            return ds * slope * c.h
        }
        g[0] += dRho; g[1] += dBeta
        if followedDirection == nil {
            g[2] += dD.x; g[3] += dD.y; g[4] += dD.z
            lastDirectionGradient = .zero
        } else {
            lastDirectionGradient = dD
        }
        return dn
    }
}

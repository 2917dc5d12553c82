import SiderCore
import NeuralFields

/// The intrinsic shader, a choice of g_ω: c(x̂) = a(x̂) ⊙ S(n; ℓ) [+ s(n, v)·(1, 1, 1)].
///
/// - S_c(n) = Σₖ ℓₖ꜀·Yₖ(n), second-order spherical harmonics (`SphericalHarmonics`), 9 × 3
///   coefficients ℓ, learned (group "light"); with grey light 9 coefficients ℓₖ shared by the
///   channels (the light's colour and the albedo's are one product, so only white light leaves
///   the face's colour to a, where the albedo priors can hold it);
/// - a = m·a_s(x̂) + (1 − m)·a_d(x̂): a_s the skin albedo of low bandwidth (group "albedo"),
///   a_d a finer albedo (group "albedoDetail") where the pixel's skin confidence m is low;
/// - s: an optional white specular lobe (`SpecularLobe`, group "specular").
///
/// With a of low bandwidth the fine shading of the photo can only be explained by n, i.e. by
/// f_θ: the wrinkles go into the geometry instead of into the colour (DECA's detail stage does
/// the same with a frozen albedo model and light). Derivatives: ∂c/∂a = S, ∂c/∂ℓₖ꜀ = a_c·Yₖ,
/// ∂c_c/∂n = a_c·Σₖ ℓₖ꜀·∂Yₖ/∂n, ∂c/∂x̂ through a's encoding. It reads no feature γ and no v.
public final class IntrinsicShader: DifferentiableShader {
    public let albedo: ColorField
    public let albedoDetail: ColorField?
    public let frame: CoarseFrame
    /// m per crop pixel (nil: 1 everywhere).
    public let skinConfidence: [Float]?
    public let specular: SpecularLobe?
    public let lightStore = ParameterStore()
    let lightView: ParameterView
    private let groups: [any ParameterGroup]

    // The last forward's values, for backward and the decomposition images.
    public private(set) var lastAlbedo: [SIMD3<Float>] = []
    public private(set) var lastShading: [SIMD3<Float>] = []
    private var lastNormals: [SIMD3<Float>] = []
    private var lastSkin: [Float] = []
    /// The rows of the last forward where m < 1, the only ones a_d was evaluated at.
    private var detailRows: [Int] = []
    /// s per point of the last forward (empty without a lobe).
    public private(set) var lastSpecular: [Float] = []
    /// The skin albedo a_s per point of the last forward (before the blend with a_d).
    public private(set) var lastSkinAlbedo: [SIMD3<Float>] = []
    /// m per point of the last forward (1 everywhere without a_d).
    public var lastSkinWeights: [Float] { albedoDetail == nil ? [Float](repeating: 1, count: lastSkinAlbedo.count) : lastSkin }
    /// ∂L/∂a_s per point from priors on the albedo (the albedo loss terms), added by the next
    /// `backward` and then cleared.
    public var pendingSkinAlbedoGradients: [SIMD3<Float>]?
    /// One coefficient per band for all channels (`InitialLightConfig.grey`).
    public let greyLight: Bool

    public init(config: IntrinsicShaderConfig, frame: CoarseFrame, skinConfidence: [Float]?, seed: UInt64, detailSeed: UInt64) {
        albedo = ColorField(config: config.albedo, name: "a", seed: seed)
        albedoDetail = config.albedoDetail.map { ColorField(config: $0, name: "a_d", seed: detailSeed) }
        self.frame = frame
        specular = config.specular.map { SpecularLobe(strength: $0.strength, shininess: $0.shininess) }
        self.skinConfidence = config.albedoDetail == nil ? nil : skinConfidence
        greyLight = config.light.grey ?? false
        lightView = lightStore.allocate("sh", count: greyLight ? 9 : 27)
        lightStore.freeze()
        // ℓ₀ (constant) and ℓ₃ (n_z) per channel: S(n) = ambient − frontal·n_z.
        let l = lightStore.value(lightView), channels = greyLight ? 1 : 3
        for c in 0..<channels {
            l[0 * channels + c] = config.light.ambient / 0.886227
            l[3 * channels + c] = -config.light.frontal / 1.023328
        }
        lightStore.markChanged()
        var gs: [any ParameterGroup] = [NetworkParameterGroup(name: "albedo", store: albedo.store) { [albedo] in
            albedo.mlp.accumulatesParameterGradients = $0
        }]
        if let d = albedoDetail {
            gs.append(NetworkParameterGroup(name: "albedoDetail", store: d.store) { [d] in d.mlp.accumulatesParameterGradients = $0 })
        }
        gs.append(NetworkParameterGroup(name: "light", store: lightStore))
        if let specular { gs.append(NetworkParameterGroup(name: "specular", store: specular.store)) }
        groups = gs
    }

    public var parameterGroups: [any ParameterGroup] { groups }
    public var featureCount: Int { 0 }

    /// ℓ as 9 rows of (r, g, b) (equal channels with grey light).
    public var lighting: [[Float]] {
        lightRows.map { [$0.x, $0.y, $0.z] }
    }

    /// ℓₖ as (r, g, b) for k = 0…8.
    var lightRows: [SIMD3<Float>] {
        let l = lightStore.value(lightView)
        return (0..<9).map { k in greyLight ? SIMD3(repeating: l[k]) : SIMD3(l[3 * k], l[3 * k + 1], l[3 * k + 2]) }
    }

    public func forward(points: [SIMD3<Float>], normals: [SIMD3<Float>], viewDirections: [SIMD3<Float>],
                        features: [Float], pixels: [Int32]) -> [SIMD3<Float>] {
        let n = points.count
        lastNormals = normals
        guard n > 0 else { lastAlbedo = []; lastShading = []; lastSkin = []; lastSpecular = []; lastSkinAlbedo = []; return [] }
        let x = points.flattened(frame.normalised)
        x.withUnsafeBufferPointer { albedo.forward(points: $0.baseAddress!, count: n) }
        var a = unflattened(albedo.rgb, count: n)
        lastSkinAlbedo = a
        if let d = albedoDetail {
            lastSkin = pixels.map { p in skinConfidence.map { $0[Int(p)] } ?? 1 }
            // a_d only where it counts (m < 1): where m = 1, a = a_s and ∂L/∂a_d = 0.
            detailRows = (0..<n).filter { lastSkin[$0] < 1 }
            var xd: [Float] = []
            xd.reserveCapacity(3 * detailRows.count)
            for i in detailRows { xd.append(contentsOf: x[(3 * i)..<(3 * i + 3)]) }
            if !detailRows.isEmpty { xd.withUnsafeBufferPointer { d.forward(points: $0.baseAddress!, count: detailRows.count) } }
            let ad = detailRows.isEmpty ? [] : unflattened(d.rgb, count: detailRows.count)
            for (k, i) in detailRows.enumerated() { a[i] = lastSkin[i] * a[i] + (1 - lastSkin[i]) * ad[k] }
        }
        let rows = lightRows
        var s = [SIMD3<Float>](repeating: .zero, count: n)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 9) { y in
            for i in 0..<n {
                SphericalHarmonics.basis(normals[i], into: y.baseAddress!)
                var acc = SIMD3<Float>.zero
                for k in 0..<9 { acc += y[k] * rows[k] }
                s[i] = acc
            }
        }
        lastAlbedo = a
        lastShading = s
        var c = zip(a, s).map { $0 * $1 }
        if let specular {
            lastSpecular = specular.forward(normals: normals, viewDirections: viewDirections)
            for i in 0..<n { c[i] += SIMD3(repeating: lastSpecular[i]) }
        }
        return c
    }

    public func backward(dColors: [SIMD3<Float>]) -> ShadingInputGradients {
        let n = dColors.count
        guard n > 0 else { pendingSkinAlbedoGradients = nil; return ShadingInputGradients(points: [], normals: [], features: []) }
        let rows = lightRows, gl = lightStore.grad(lightView), grey = greyLight
        var dNormals = [SIMD3<Float>](repeating: .zero, count: n)
        var dAlbedo = [SIMD3<Float>](repeating: .zero, count: n)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 9) { y in
            withUnsafeTemporaryAllocation(of: SIMD3<Float>.self, capacity: 9) { jac in
                for i in 0..<n {
                    let dS = dColors[i] * lastAlbedo[i]
                    dAlbedo[i] = dColors[i] * lastShading[i]
                    SphericalHarmonics.basis(lastNormals[i], into: y.baseAddress!)
                    SphericalHarmonics.jacobian(lastNormals[i], into: jac.baseAddress!)
                    var dn = SIMD3<Float>.zero
                    for k in 0..<9 {
                        if grey {
                            gl[k] += dS.sum() * y[k]
                        } else {
                            gl[3 * k] += dS.x * y[k]; gl[3 * k + 1] += dS.y * y[k]; gl[3 * k + 2] += dS.z * y[k]
                        }
                        dn += jac[k] * (dS * rows[k]).sum()
                    }
                    dNormals[i] = dn
                }
            }
        }
        if let specular {
            for (i, g) in specular.backward(dS: dColors.map { $0.sum() }).enumerated() { dNormals[i] += g }
        }
        var dSkinAlbedo = dAlbedo
        if albedoDetail != nil { for i in 0..<n { dSkinAlbedo[i] *= lastSkin[i] } }
        if let prior = pendingSkinAlbedoGradients, prior.count == n { for i in 0..<n { dSkinAlbedo[i] += prior[i] } }
        pendingSkinAlbedoGradients = nil
        var dPoints = Self.pullback(albedo, dSkinAlbedo)
        if let d = albedoDetail, !detailRows.isEmpty {
            let dd = detailRows.map { dAlbedo[$0] * (1 - lastSkin[$0]) }
            for (k, g) in Self.pullback(d, dd).enumerated() { dPoints[detailRows[k]] += g }
        }
        let inv = 1 / frame.scale
        return ShadingInputGradients(points: dPoints.map { $0 * inv }, normals: dNormals, features: [])
    }

    /// a's backward for ∂L/∂a; returns ∂L/∂x in the normalised frame.
    private static func pullback(_ field: ColorField, _ d: [SIMD3<Float>]) -> [SIMD3<Float>] {
        let flat = d.flattened()
        flat.withUnsafeBufferPointer { field.backward(dRGB: $0.baseAddress!) }
        return unflattened(field.dPoints, count: d.count)
    }
}

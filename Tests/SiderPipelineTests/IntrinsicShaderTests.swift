import Foundation
import Testing
import Geometry
import ImageIO
import NeuralFields
import SiderCore
@testable import SiderPipeline

/// The intrinsic shader c = a ⊙ S(n; ℓ) on its own: its input gradients (∂c/∂n through the
/// spherical harmonics, ∂c/∂x̂ through the albedos' encodings and the skin blend) against
/// central differences, the group schedule, and the skin confidence on a synthetic photo.
@Suite struct IntrinsicShaderTests {
    static let frame = CoarseFrame(center: [0, 0, 1], scale: 0.2)

    static func shader(specular: Bool = true, grey: Bool = false) -> IntrinsicShader {
        let config = IntrinsicShaderConfig(albedo: ColorFieldConfig(frequencies: 2, hidden: [8]),
                                           albedoDetail: ColorFieldConfig(frequencies: 4, hidden: [8]),
                                           skin: nil, light: InitialLightConfig(ambient: 0.6, frontal: 0.4, grey: grey),
                                           specular: specular ? SpecularLobeConfig(strength: 0.3, shininess: 4) : nil)
        var rng = SeededGenerator(seed: 3)
        let skin = (0..<16).map { _ in rng.uniform() }
        let s = IntrinsicShader(config: config, frame: frame, skinConfidence: skin, seed: 1, detailSeed: 2)
        var values = s.lightStore.valueArray
        for i in values.indices { values[i] += 0.3 * rng.normal() }
        s.lightStore.valueArray = values
        if let lobe = s.specular {
            var p = lobe.store.valueArray
            p[2] += 0.3; p[3] -= 0.4
            lobe.store.valueArray = p
        }
        return s
    }

    /// ∂c/∂n of the lobe alone (the light set to zero, so c = s·(1, 1, 1)), at fast's sharpness
    /// α = 20, against central differences per normal component.
    @Test func specularNormalGradientMatchesDifferences() throws {
        let s = Self.shader()
        let lobe = try #require(s.specular)
        lobe.store.values[1] = logf(20)
        s.lightStore.valueArray = s.lightStore.valueArray.map { _ in 0 }
        var rng = SeededGenerator(seed: 13)
        let n = 12
        let points = (0..<n).map { _ in Self.frame.world(SIMD3(rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), 0)) }
        let views = (0..<n).map { _ in SIMD3<Float>(rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), 1) }
        let h = lobe.parameters.direction - SIMD3<Float>(0, 0, 1)
        let normals = (0..<n).map { _ -> SIMD3<Float> in
            let v = h / (h * h).sum().squareRoot() + 0.15 * SIMD3(rng.normal(), rng.normal(), rng.normal())
            return v / (v * v).sum().squareRoot()
        }
        let weights = (0..<n).map { _ in SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()) }
        func objective(_ nn: [SIMD3<Float>]) -> Double {
            let c = s.forward(points: points, normals: nn, viewDirections: views, features: [], pixels: (0..<n).map { Int32($0) })
            return zip(c, weights).reduce(0.0) { $0 + Double(($1.0 * $1.1).sum()) }
        }
        _ = objective(normals)
        #expect(s.lastSpecular.filter { $0 > 0.01 }.count > n / 2, "the lobe is lit at most points")
        s.zeroGradients()
        let d = s.backward(dColors: weights)
        let step: Float = 2e-4
        for i in 0..<n {
            for k in 0..<3 {
                var p = normals, m = normals
                p[i][k] += step; m[i][k] -= step
                let fd = (objective(p) - objective(m)) / Double(2 * step)
                #expect(abs(fd - Double(d.normals[i][k])) < 2e-3 + 0.02 * abs(fd), "∂c/∂n[\(i)][\(k)]: fd \(fd), analytic \(d.normals[i][k])")
            }
        }
    }

    /// The specular lobe's parameters (log strength, log shininess, direction) against central
    /// differences, on normals near the half vector so that the lobe is lit.
    @Test func specularParameterGradientsMatchDifferences() throws {
        let s = Self.shader()
        let lobe = try #require(s.specular)
        var rng = SeededGenerator(seed: 11)
        let n = 12
        let points = (0..<n).map { _ in Self.frame.world(SIMD3(rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), 0)) }
        let views = (0..<n).map { _ in SIMD3<Float>(rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), 1) }
        let normals = (0..<n).map { _ -> SIMD3<Float> in
            let v = SIMD3<Float>(0.2 + 0.3 * rng.normal(), -0.2 + 0.3 * rng.normal(), -1.5); return v / (v * v).sum().squareRoot()
        }
        let weights = (0..<n).map { _ in SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()) }
        func objective() -> Double {
            let c = s.forward(points: points, normals: normals, viewDirections: views, features: [], pixels: (0..<n).map { Int32($0) })
            return zip(c, weights).reduce(0.0) { $0 + Double(($1.0 * $1.1).sum()) }
        }
        _ = objective()
        #expect(s.lastSpecular.filter { $0 > 1e-3 }.count > n / 2, "the lobe is lit at most points")
        s.zeroGradients()
        _ = s.backward(dColors: weights)
        let grad = lobe.store.gradArray
        for j in 0..<5 {
            let v = lobe.store.values[j], h: Float = 1e-3
            lobe.store.values[j] = v + h; let up = objective()
            lobe.store.values[j] = v - h; let down = objective()
            lobe.store.values[j] = v
            let fd = (up - down) / Double(2 * h)
            #expect(abs(fd - Double(grad[j])) < 2e-3 + 0.01 * abs(fd), "specular[\(j)]: fd \(fd), analytic \(grad[j])")
        }
    }

    /// ∂c/∂n and ∂c/∂x̂ against central differences, with a colour per channel and with grey light.
    @Test(arguments: [false, true]) func inputGradientsMatchCentralDifferences(grey: Bool) {
        let s = Self.shader(grey: grey)
        var rng = SeededGenerator(seed: 5)
        let n = 16
        let points = (0..<n).map { _ in Self.frame.world(SIMD3(rng.uniform(-0.8, 0.8), rng.uniform(-0.8, 0.8), rng.uniform(-0.8, 0.8))) }
        let normals = (0..<n).map { _ -> SIMD3<Float> in
            let v = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()); return v / (v * v).sum().squareRoot()
        }
        let pixels = (0..<n).map { Int32($0) }
        let weights = (0..<n).map { _ in SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()) }
        // The rays' directions: fixed per ray (the renderer's v does not move with x̂).
        let views = points
        func objective(_ x: [SIMD3<Float>], _ nn: [SIMD3<Float>]) -> Double {
            let c = s.forward(points: x, normals: nn, viewDirections: views, features: [], pixels: pixels)
            return zip(c, weights).reduce(0.0) { $0 + Double(($1.0 * $1.1).sum()) }
        }
        _ = objective(points, normals)
        s.zeroGradients()
        let d = s.backward(dColors: weights)
        #expect(d.features.isEmpty && s.featureCount == 0)
        // ReLU albedo layers have kinks: compare the whole gradient vectors (a kink crossed by one
        // of 96 differences moves the norm by far less than a missing or doubled term would).
        let h: Float = 5e-4
        var fdN: [Double] = [], anN: [Double] = [], fdX: [Double] = [], anX: [Double] = []
        for i in 0..<n {
            for k in 0..<3 {
                var np = normals, nm = normals
                np[i][k] += h; nm[i][k] -= h
                fdN.append((objective(points, np) - objective(points, nm)) / Double(2 * h))
                anN.append(Double(d.normals[i][k]))
                var xp = points, xm = points
                let hx = h * Self.frame.scale
                xp[i][k] += hx; xm[i][k] -= hx
                fdX.append((objective(xp, normals) - objective(xm, normals)) / Double(2 * hx))
                anX.append(Double(d.points[i][k]))
            }
        }
        for (label, fd, an) in [("∂c/∂n", fdN, anN), ("∂c/∂x̂", fdX, anX)] {
            let dot = zip(fd, an).reduce(0) { $0 + $1.0 * $1.1 }
            let nf = fd.reduce(0) { $0 + $1 * $1 }.squareRoot(), na = an.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(nf > 0.05, "\(label) too small to test: \(nf)")
            #expect(dot / (nf * na) > 0.999 && abs(na / nf - 1) < 0.01, "\(label): cosine \(dot / (nf * na)), norms \(na) vs \(nf)")
        }
    }

    /// c is linear in ℓ: the accumulated ∂J/∂ℓ equals the difference quotient of J, for a
    /// colour per channel (27 coefficients) and for grey light (9 shared by the channels).
    @Test(arguments: [false, true]) func lightGradientMatchesDifferences(grey: Bool) {
        let s = Self.shader(grey: grey)
        #expect(s.lightStore.count == (grey ? 9 : 27))
        var rng = SeededGenerator(seed: 9)
        let n = 12
        let points = (0..<n).map { _ in Self.frame.world(SIMD3(rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), 0)) }
        let normals = (0..<n).map { _ -> SIMD3<Float> in
            let v = SIMD3<Float>(rng.normal(), rng.normal(), -2); return v / (v * v).sum().squareRoot()
        }
        let weights = (0..<n).map { _ in SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()) }
        func objective() -> Double {
            let c = s.forward(points: points, normals: normals, viewDirections: points, features: [], pixels: (0..<n).map { Int32($0) })
            return zip(c, weights).reduce(0.0) { $0 + Double(($1.0 * $1.1).sum()) }
        }
        _ = objective()
        s.zeroGradients()
        _ = s.backward(dColors: weights)
        let grad = s.lightStore.gradArray
        if grey { #expect(s.lighting.allSatisfy { $0[0] == $0[1] && $0[1] == $0[2] }) }
        for j in 0..<s.lightStore.count {
            let v = s.lightStore.values[j]
            s.lightStore.values[j] = v + 0.01; let up = objective()
            s.lightStore.values[j] = v - 0.01; let down = objective()
            s.lightStore.values[j] = v
            #expect(abs((up - down) / 0.02 - Double(grad[j])) < 1e-3, "ℓ[\(j)]")
        }
    }

    @Test func rateFactorsFollowTheSchedule() {
        let g = ParameterGroupConfig(frozen: false, startIteration: 10,
                                     rateFactors: [GroupRateFactor(from: 0, factor: 10), GroupRateFactor(from: 50, factor: 0)])
        #expect(g.rateFactor(at: 5) == 0 && g.rateFactor(at: 10) == 10 && g.rateFactor(at: 49) == 10 && g.rateFactor(at: 50) == 0)
        #expect(ParameterGroupConfig(frozen: false, startIteration: 0).rateFactor(at: 3) == 1)
        #expect(ParameterGroupConfig(frozen: true, startIteration: 0).rateFactor(at: 3) == 0)
    }

    /// Skin with an achromatic groove (20 % darker: shading) keeps m = 1; a brown painted line
    /// and a dark brow (45 % of the skin's luminance) get m = 0.
    @Test func skinConfidenceSeparatesMarksFromShading() {
        let w = 64
        let skin = SIMD3<Float>(0.75, 0.5, 0.4)
        var image = RGBImage(width: w, height: w, fill: skin)
        var mask = PixelMask(width: w, height: w)
        for y in 0..<w { for x in 0..<w {
            mask[x, y] = true
            if (20...21).contains(y) { image[x, y] = skin * 0.8 }                        // groove
            if (30...31).contains(y) { image[x, y] = SIMD3(0.55, 0.28, 0.14) }           // brown line
            if (40...42).contains(y) { image[x, y] = skin * 0.3 }                         // brow
        } }
        let camera = PinholeCamera(fx: 60, fy: 60, cx: 32, cy: 32, width: w, height: w)
        let rays = RaySet(camera: camera, mask: mask, depth: [Float](repeating: 1, count: w * w), margin: 0.1)
        let m = SkinConfidence.map(image: image, rays: rays,
                                   config: SkinConfidenceConfig(chroma: [0.06, 0.12], darkness: [0.35, 0.6], blur: 0.08))
        #expect(m[10 * w + 32] == 1 && m[20 * w + 32] == 1, "skin \(m[10 * w + 32]), groove \(m[20 * w + 32])")
        #expect(m[30 * w + 32] == 0, "painted line \(m[30 * w + 32])")
        #expect(m[41 * w + 32] < 0.1, "brow \(m[41 * w + 32])")
    }
}

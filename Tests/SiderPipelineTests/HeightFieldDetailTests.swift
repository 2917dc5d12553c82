import Testing
import Geometry
import NeuralFields
import SiderCore
@testable import SiderPipeline

/// δ as a height field over the crop: its value, ∇δ, the Hessian its backward applies and its
/// parameter gradients (both groups: the levels' "delta" and the coarse lattice's "deltaCoarse")
/// against central differences, at random heights and points in front of a crop camera; each
/// group freezes on its own; zero where no node reaches.
struct HeightFieldDetailTests {
    static let camera = PinholeCamera(fx: 120, fy: 110, cx: 24, cy: 20, width: 48, height: 40)

    /// Two levels (spacing 3 and 6 crop pixels) and a coarse lattice (spacing 10), random heights.
    static func field(seed: UInt64, spacing: Float = 3) throws -> HeightFieldDetail {
        let config = HeightFieldConfig(spacing: spacing, margin: 2, levels: 2, coarseSpacing: 10)
        let f = try HeightFieldDetail(camera: camera, config: config, lengthUnit: 0.2)
        var rng = SeededGenerator(seed: seed)
        for store in f.stores {
            for i in 0..<store.count { store.values[i] = 0.01 * rng.normal() }
        }
        return f
    }

    static func maxAbs(_ v: SIMD3<Float>) -> Float { max(abs(v.x), abs(v.y), abs(v.z)) }

    /// Points whose pixels fall inside the crop, at depths 0.8…1.2.
    static func points(_ count: Int, seed: UInt64) -> [SIMD3<Float>] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let px = rng.uniform(2, 46), py = rng.uniform(2, 38), z = rng.uniform(0.8, 1.2)
            return camera.unproject(SIMD2(px, py), depth: z)
        }
    }

    @Test func gradientAndHessianMatchCentralDifferences() throws {
        let f = try Self.field(seed: 1)
        let xs = Self.points(40, seed: 2)
        let g = f.forward(xs).gradients
        var rng = SeededGenerator(seed: 3)
        let v = xs.map { _ in SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()) }
        let hv = f.backward(dSDF: nil, dFeatures: nil, dGradients: v)
        let h: Float = 1e-3
        var worstG: Float = 0, worstH: Float = 0, scaleG: Float = 0, scaleH: Float = 0
        for (k, x) in xs.enumerated() {
            var fdG = SIMD3<Float>.zero, fdH = SIMD3<Float>.zero
            for d in 0..<3 {
                var e = SIMD3<Float>.zero
                e[d] = h
                let plus = f.sdf([x + e])[0], minus = f.sdf([x - e])[0]
                fdG[d] = (plus - minus) / (2 * h)
                // (H v)_d = ∂/∂x_d (∇δ·v)
                let gp = f.forward([x + e]).gradients[0], gm = f.forward([x - e]).gradients[0]
                fdH[d] = ((gp - gm) * v[k]).sum() / (2 * h)
            }
            worstG = max(worstG, Self.maxAbs(fdG - g[k])); scaleG = max(scaleG, Self.maxAbs(g[k]))
            worstH = max(worstH, Self.maxAbs(fdH - hv[k])); scaleH = max(scaleH, Self.maxAbs(hv[k]))
        }
        #expect(scaleG > 1e-3 && scaleH > 1e-2, "the test heights must tilt and curve δ")
        #expect(worstG < 2e-3 * scaleG, "∇δ off by \(worstG) (scale \(scaleG))")
        #expect(worstH < 2e-2 * scaleH, "∇²δ·v off by \(worstH) (scale \(scaleH))")
    }

    @Test func parameterGradientsMatchCentralDifferences() throws {
        let f = try Self.field(seed: 4)
        let xs = Self.points(60, seed: 5)
        var rng = SeededGenerator(seed: 6)
        let dS = xs.map { _ in rng.normal() }
        let dG = xs.map { _ in SIMD3<Float>(rng.normal(), rng.normal(), rng.normal()) }
        func objective() -> Double {
            let e = f.forward(xs)
            return zip(e.sdf, dS).reduce(0) { $0 + Double($1.0 * $1.1) }
                + zip(e.gradients, dG).reduce(0) { $0 + Double(($1.0 * $1.1).sum()) }
        }
        f.zeroGradients()
        _ = f.forward(xs)
        f.accumulateParameterGradients(dSDF: dS, dFeatures: nil, dGradients: dG)
        #expect(f.parameterGroups.map(\.name) == ["delta", "deltaCoarse"])
        let h: Float = 1e-3
        for part in 0..<2 {
            let grad = f.stores[part].gradArray, c = f.stores[part].values
            let touched = grad.indices.filter { grad[$0] != 0 }
            #expect(touched.count > 20, "part \(part)")
            if part == 0 {
                let coarse = f.lattices[1].offset
                #expect(touched.contains { $0 < coarse } && touched.contains { $0 >= coarse }, "both levels receive gradients")
            }
            var worst: Double = 0, scale: Double = 0
            for i in touched.prefix(30) + touched.suffix(30) {
                let v = c[i]
                c[i] = v + h; let plus = objective()
                c[i] = v - h; let minus = objective()
                c[i] = v
                let fd = (plus - minus) / Double(2 * h)
                worst = max(worst, abs(fd - Double(grad[i]))); scale = max(scale, abs(fd))
            }
            #expect(worst < 1e-3 * scale + 1e-4, "part \(part): ∂/∂c off by \(worst) (scale \(scale))")
        }
        // Each group freezes on its own: no parameter gradients there, the other's still come,
        // and the input derivative flows.
        f.group.isFrozen = true
        f.zeroGradients()
        _ = f.forward(xs)
        _ = f.backward(dSDF: dS, dFeatures: nil, dGradients: dG)
        #expect(f.stores[0].gradArray.allSatisfy { $0 == 0 })
        #expect(f.stores[1].gradArray.contains { $0 != 0 })
        f.coarseGroup!.isFrozen = true
        f.zeroGradients()
        _ = f.forward(xs)
        let dx = f.backward(dSDF: dS, dFeatures: nil, dGradients: dG)
        #expect(f.stores.allSatisfy { $0.gradArray.allSatisfy { $0 == 0 } })
        #expect(dx.contains { $0 != .zero })
    }

    @Test func zeroWhereNoNodeReachesAndAtStart() throws {
        let fresh = try HeightFieldDetail(camera: Self.camera, config: HeightFieldConfig(spacing: 2), lengthUnit: 0.2)
        #expect(fresh.sdf(Self.points(10, seed: 7)).allSatisfy { $0 == 0 }, "δ starts at zero")
        let f = try Self.field(seed: 8)
        let far = [Self.camera.unproject(SIMD2(-200, 20), depth: 1), Self.camera.unproject(SIMD2(24, 400), depth: 1),
                   SIMD3(0, 0, -1), SIMD3(0, 0, 0), SIMD3(.nan, 0, 1)]
        let e = f.forward(far)
        #expect(e.sdf.allSatisfy { $0 == 0 } && e.gradients.allSatisfy { $0 == .zero })
        #expect(f.sdf(far).allSatisfy { $0 == 0 })
        #expect(f.sdf(Self.points(10, seed: 9)).contains { $0 != 0 })
    }

    @Test func refusesALatticeTooLargeOrDegenerate() {
        let big = PinholeCamera(fx: 1, fy: 1, cx: 0, cy: 0, width: 1 << 20, height: 1 << 20)
        #expect(throws: SiderError.self) { try HeightFieldDetail(camera: big, config: HeightFieldConfig(spacing: 1), lengthUnit: 1) }
        #expect(throws: SiderError.self) {
            try HeightFieldDetail(camera: Self.camera, config: HeightFieldConfig(spacing: 0), lengthUnit: 1)
        }
        #expect(throws: SiderError.self) {
            try HeightFieldDetail(camera: Self.camera, config: HeightFieldConfig(spacing: 2, levels: 9), lengthUnit: 1)
        }
        #expect(throws: SiderError.self) {
            try HeightFieldDetail(camera: Self.camera, config: HeightFieldConfig(spacing: 2, coarseSpacing: .nan), lengthUnit: 1)
        }
    }
}

/// f_c as the prior's distance field answers memoised points exactly as it computes them.
struct PriorDistanceFieldMemoTests {
    @Test func memoisedPointsMatchComputedOnes() throws {
        let sphere = TriangleMesh.icosphere(subdivisions: 2, radius: 0.12, center: [0, 0, 1])
        let f = try PriorDistanceField(mesh: sphere, config: PriorGridConfig(spacing: 0.01, subdivisions: 0, bandCells: 4),
                                       thickness: 0.004)
        var rng = SeededGenerator(seed: 3)
        // Near the sphere (in the band) and far from it (the exact fallback).
        let pool = (0..<200).map { k -> SIMD3<Float> in
            let d = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal())
            let r: Float = k % 2 == 0 ? rng.uniform(0.11, 0.13) : rng.uniform(0.2, 0.4)
            return SIMD3(0, 0, 1) + r * d / (d * d).sum().squareRoot()
        }
        let before = f.forward(pool + [SIMD3(0.01, 0.02, 0.9)])
        let values = f.memoise(pool)
        #expect(values == Array(before.sdf.prefix(pool.count)))
        let after = f.forward([SIMD3(0.01, 0.02, 0.9)] + pool.reversed())
        #expect(after.sdf == [before.sdf.last!] + before.sdf.prefix(pool.count).reversed())
        #expect(after.gradients == [before.gradients.last!] + before.gradients.prefix(pool.count).reversed())
        // The Hessian term of backward comes from the memo too.
        let v = [SIMD3<Float>](repeating: SIMD3(0.3, -0.2, 0.5), count: pool.count)
        _ = f.forward(pool)
        let memoised = f.backward(dSDF: nil, dFeatures: nil, dGradients: v)
        let fresh = try PriorDistanceField(mesh: sphere, config: PriorGridConfig(spacing: 0.01, subdivisions: 0, bandCells: 4),
                                           thickness: 0.004)
        _ = fresh.forward(pool)
        #expect(memoised == fresh.backward(dSDF: nil, dFeatures: nil, dGradients: v))
    }
}

import Foundation
import Testing
import SiderCore
@testable import Geometry

/// The banded tricubic B-spline of a mesh's signed distance: its values against the exact
/// distance, its gradient and Hessian against central differences, the exact fallback outside
/// the band, and the size guard.
struct MeshDistanceGridTests {
    static let radius: Float = 0.1, offset: Float = 0.004, spacing: Float = 0.002
    static let sphere = TriangleMesh.icosphere(subdivisions: 4, radius: radius)
    static let grid = try! MeshDistanceGrid(mesh: sphere, spacing: spacing, band: offset + 6 * spacing)

    /// Points within ±`offset` of the sphere (inside and out), in every direction.
    static func sheetPoints(_ count: Int, seed: UInt64) -> [SIMD3<Float>] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var d = SIMD3<Float>(rng.normal(), rng.normal(), rng.normal())
            d /= (d * d).sum().squareRoot()
            return d * (radius + rng.uniform(-offset, offset))
        }
    }

    @Test func valuesAndNormalsFollowTheSphere() {
        let points = Self.sheetPoints(500, seed: 1)
        let samples = Self.grid.samples(points)
        var worstValue: Float = 0, worstAngle: Float = 0
        for (p, s) in zip(points, samples) {
            let r = (p * p).sum().squareRoot()
            worstValue = max(worstValue, abs(s.value - (r - Self.radius)))
            let g = s.gradient / (s.gradient * s.gradient).sum().squareRoot()
            worstAngle = max(worstAngle, acos(min(1, (g * p).sum() / r)) * 180 / .pi)
        }
        // The icosphere's facets lie up to 1.2e-4 inside the sphere; its normals turn by 2.5° per edge.
        #expect(worstValue < 3e-4, "value off the sphere's signed distance by \(worstValue)")
        #expect(worstAngle < 1.5, "∇f off the radial direction by \(worstAngle)°")
    }

    @Test func gradientAndHessianMatchFiniteDifferences() {
        let h: Float = 5e-5
        var worstG: Float = 0, worstH: Float = 0
        var fallbacks = 0
        for p in Self.sheetPoints(200, seed: 2) {
            let s = Self.grid.sample(p)
            if s == Self.grid.exact(p) { fallbacks += 1 }
            for axis in 0..<3 {
                var e = SIMD3<Float>.zero
                e[axis] = h
                let plus = Self.grid.sample(p + e), minus = Self.grid.sample(p - e)
                worstG = max(worstG, abs((plus.value - minus.value) / (2 * h) - s.gradient[axis]))
                // Column `axis` of H against the difference of ∇f.
                let column = s.hessian(times: e / h)
                let fd = (plus.gradient - minus.gradient) / (2 * h)
                worstH = max(worstH, (fd - column).max(), (column - fd).max())
            }
        }
        #expect(fallbacks == 0, "\(fallbacks) points near the sheet outside the band")
        #expect(worstG < 2e-3, "∇f vs central differences: \(worstG)")
        // |H| ≈ 1/r = 10 near the sphere; the B-spline's third derivative changes per cell.
        #expect(worstH < 0.3, "H vs central differences of ∇f: \(worstH)")
    }

    @Test func outsideTheBandTheExactDistanceStandsIn() {
        let p = SIMD3<Float>(0, 0, 0.3)
        let s = Self.grid.sample(p)
        let exact = try! MeshBVH(Self.sphere).closestPoint(to: p)!.distance
        #expect(s.value == exact)
        #expect(abs(s.gradient.z - 1) < 1e-3 && s.hessianDiagonal == .zero)
        let centre = Self.grid.sample(.zero)
        #expect(centre.value < -0.099 && centre.value > -0.1, "signed inside, beyond the band: \(centre.value)")
        // Inside the band the spline, which smooths the samples, differs from the exact value a little.
        let q = SIMD3<Float>(0, 0, Self.radius + Self.offset)
        let inside = SIMD3<Float>(0, 0, Self.radius - Self.offset)
        #expect(Self.grid.sample(inside).value < 0 && Self.grid.sample(q).value > 0, "negative inside, positive outside")
        #expect(Self.grid.sample(q) != Self.grid.exact(q))
        #expect(Self.grid.sampledPoints > 0 && Self.grid.sampledPoints < Self.grid.layout.count / 2)
    }

    @Test func refusesLatticesTooLargeOrNonsense() {
        #expect(throws: SiderError.self) { try MeshDistanceGrid(mesh: Self.sphere, spacing: 1e-5, band: 0.01) }
        #expect(throws: SiderError.self) { try MeshDistanceGrid(mesh: Self.sphere, spacing: .nan, band: 0.01) }
        #expect(throws: SiderError.self) { try MeshDistanceGrid(mesh: Self.sphere, spacing: 0.01, band: -1) }
    }
}

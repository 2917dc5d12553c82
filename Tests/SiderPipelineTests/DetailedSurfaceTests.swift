import Foundation
import Testing
import Geometry
import SiderPipeline

/// `DetailedSurface` on an analytic shell: the ε-shell around a bumpy sphere, whose bumps reach
/// ±0.8·ε — in and out by more than the shell's half-thickness — so the front sheet lies on
/// both sides of the coarse sphere's vertices.
@Suite struct DetailedSurfaceTests {
    static let center = SIMD3<Float>(0, 0, 1), radius: Float = 0.3, epsilon: Float = 0.01

    static func detailRadius(_ d: SIMD3<Float>) -> Float {
        radius + 0.8 * epsilon * sinf(7 * d.x + 0.3) * cosf(5 * d.y)
    }

    /// f = |‖x − c‖ − R(d)| − ε/2: zero on the two sheets ε/2 either side of the bumpy sphere.
    struct Shell: BatchedSDF {
        func sdf(_ points: [SIMD3<Float>]) -> [Float] {
            points.map { p in
                let v = p - DetailedSurfaceTests.center, r = (v * v).sum().squareRoot()
                return abs(r - DetailedSurfaceTests.detailRadius(v / r)) - DetailedSurfaceTests.epsilon / 2
            }
        }
    }

    @Test func verticesLandOnTheSurfaceInsideTheShellOnBothSidesOfTheCoarseMesh() {
        let coarse = TriangleMesh.icosphere(subdivisions: 2, radius: Self.radius, center: Self.center)
        let result = DetailedSurface.mesh(coarse: coarse, geometry: Shell(), thickness: Self.epsilon, subdivisions: 1,
                                          searchLength: 2 * Self.epsilon)
        #expect(result.unmoved == 0)
        #expect(result.mesh.vertices.count == coarse.subdividedMidpoint().vertices.count)
        var worst: Float = 0, inward = 0
        for v in result.mesh.vertices {
            let d = v - Self.center, r = (d * d).sum().squareRoot(), target = Self.detailRadius(d / r)
            worst = max(worst, abs(r - target))
            if target < Self.radius - Self.epsilon / 2 { inward += 1 }
        }
        #expect(inward > 10, "the test must include vertices whose surface moved in by more than ε/2")
        #expect(worst < 0.05 * Self.epsilon, "worst radial error \(worst)")
    }
}

import Testing
import Foundation
import SiderCore
import Geometry

/// Shared helpers for the geometry tests.
enum Fixture {
    static func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
    static func norm(_ a: SIMD3<Float>) -> Float { (a * a).sum().squareRoot() }

    /// A random "triangle soup + noise" mesh: a perturbed icosphere plus random loose triangles.
    static func randomMesh(seed: UInt64, triangles: Int) -> TriangleMesh {
        var rng = SeededGenerator(seed: seed)
        var v: [SIMD3<Float>] = []
        var f: [SIMD3<Int32>] = []
        for _ in 0..<triangles {
            let c = SIMD3<Float>(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1))
            let base = Int32(v.count)
            for _ in 0..<3 { v.append(c + 0.3 * SIMD3(rng.normal(), rng.normal(), rng.normal())) }
            f.append(SIMD3(base, base + 1, base + 2))
        }
        return TriangleMesh(vertices: v, faces: f)
    }

    static func randomPoints(seed: UInt64, count: Int, scale: Float = 2) -> [SIMD3<Float>] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in SIMD3(rng.uniform(-scale, scale), rng.uniform(-scale, scale), rng.uniform(-scale, scale)) }
    }

    static func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sider-geom-\(getpid())-\(name)")
    }
}

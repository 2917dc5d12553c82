import Geometry
import SiderCore

/// The training set 𝒫 of the coarse stage with its targets SDF_GT (Eq. 4–5).
///
/// 𝒫 mixes three kinds of points (fractions from the config): surface samples p (area-uniform)
/// moved by 𝒩(0, σ_near²) and by 𝒩(0, σ_far²) per axis, and points uniform in the bounding
/// box padded by 10% of D. Targets: SDF_GT(x) = Point2Mesh(x) − ε/2 (Eq. 5), with Point2Mesh
/// from the geometry module's `MeshBVH`, i.e. the SDF of the mesh thickened into a shell of
/// width ε (the face mesh is open and has no inside). All in the normalised frame.
public struct CoarseSamples: Sendable {
    /// Points, x y z interleaved (normalised frame).
    public var points: [Float]
    /// SDF_GT at each point (normalised units).
    public var targets: [Float]
    /// The target of ∇ₓf at each point, x y z interleaved: ± the mesh's interpolated vertex
    /// normal at the nearest point (the side of the point); zero (no target) inside the ε-shell.
    public var gradients: [Float]
    public var count: Int { targets.count }

    public init(mesh: TriangleMesh, bvh: MeshBVH, frame: CoarseFrame, config preset: CoarseStageConfig,
                count: Int, rng: inout SeededGenerator) {
        let box = mesh.boundingBox
        let d = box.diagonal
        let padded = box.expanded(by: 0.1 * d)
        let nNear = Int(Float(count) * preset.nearFraction)
        let nFar = Int(Float(count) * preset.farFraction)
        let nUniform = max(0, count - nNear - nFar)
        let surface = mesh.sampleSurface(count: nNear + nFar, using: &rng)
        var world: [SIMD3<Float>] = []
        world.reserveCapacity(count)
        for (i, p) in surface.points.enumerated() {
            let sigma = (i < nNear ? preset.sigmaNear : preset.sigmaFar) * d
            world.append(p + sigma * SIMD3(rng.normal(), rng.normal(), rng.normal()))
        }
        for _ in 0..<nUniform {
            world.append(SIMD3(rng.uniform(padded.min.x, padded.max.x), rng.uniform(padded.min.y, padded.max.y),
                               rng.uniform(padded.min.z, padded.max.z)))
        }
        let nearest = bvh.closestPoints(world)
        let vertexNormals = mesh.vertexNormals()
        let halfEps = 0.5 * preset.shellThickness * d
        points = []
        points.reserveCapacity(3 * world.count)
        targets = []
        targets.reserveCapacity(world.count)
        gradients = []
        gradients.reserveCapacity(3 * world.count)
        for (p, c) in zip(world, nearest) {
            let q = frame.normalised(p)
            points.append(q.x); points.append(q.y); points.append(q.z)
            targets.append((c.distance - halfEps) / frame.scale)
            // The mesh's smooth (Phong) normal at the nearest point, on the side p is: the prior
            // the detail stage is compared with has interpolated vertex normals, not facets.
            // Inside the shell (d < ε/2) the direction flips across the mesh: a crease f cannot
            // follow, and not where the front sheet is; no target there.
            var g = SIMD3<Float>.zero
            if c.distance > halfEps, c.triangle >= 0 {
                let np = mesh.interpolate(vertexNormals, at: c)
                let len = (np * np).sum().squareRoot()
                if len > 0 { g = ((p - c.point) * np).sum() >= 0 ? np / len : -np / len }
            }
            gradients.append(g.x); gradients.append(g.y); gradients.append(g.z)
        }
    }
}

extension TriangleMesh {
    /// The same mesh with its triangles in a canonical order (each rotated to start at its
    /// smallest index, orientation kept, then sorted), so that sampling — and hence the coarse
    /// stage — does not depend on the order a mesh's triangles were produced in.
    func canonicalFaceOrder() -> TriangleMesh {
        var m = self
        m.faces = faces.map { t -> SIMD3<Int32> in
            if t.x <= t.y && t.x <= t.z { return t }
            return t.y <= t.z ? SIMD3(t.y, t.z, t.x) : SIMD3(t.z, t.x, t.y)
        }.sorted { ($0.x, $0.y, $0.z) < ($1.x, $1.y, $1.z) }
        return m
    }
}

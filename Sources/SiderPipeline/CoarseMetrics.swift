import Geometry
import SiderCore

/// Accuracy measures of the coarse stage, in mesh units and as fractions of the input mesh's
/// bounding-box diagonal D.
public struct CoarseMetrics: Sendable, Codable, Equatable {
    /// mean |s·f_θ(p)| over area-uniform surface samples p of the input mesh (ideal: ε/2).
    public var meanAbsSDFAtSurface: Float
    /// mean |s·f_θ(p) − SDF_GT(p)| = mean |s·f_θ(p) + ε/2| at those samples (the fit error).
    public var meanAbsErrorAtSurface: Float
    /// Symmetric Chamfer distance ½(mean_{a∈A} d(a, B) + mean_{b∈B} d(b, A)) between the
    /// marching-cubes mesh A and the input mesh B, over area-uniform samples of each.
    public var chamfer: Float?
    public var diagonal: Float

    public var meanAbsSDFAtSurfaceFraction: Float { meanAbsSDFAtSurface / diagonal }
    public var chamferFraction: Float? { chamfer.map { $0 / diagonal } }

    public static func measure(_ sdf: CoarseSDF, mesh: TriangleMesh, extracted: TriangleMesh?,
                               samples: Int = 20_000, seed: UInt64 = 77) throws -> CoarseMetrics {
        let s = mesh.sampleSurface(count: samples, seed: seed).points
        let f = sdf.distances(s)
        let meanAbs = f.reduce(0) { $0 + abs($1) } / Float(max(f.count, 1))
        let meanErr = f.reduce(0) { $0 + abs($1 + 0.5 * sdf.thickness) } / Float(max(f.count, 1))
        var chamfer: Float? = nil
        if let extracted, !extracted.faces.isEmpty {
            chamfer = try symmetricChamfer(extracted, mesh, samples: samples, seed: seed)
        }
        return CoarseMetrics(meanAbsSDFAtSurface: meanAbs, meanAbsErrorAtSurface: meanErr, chamfer: chamfer,
                             diagonal: mesh.boundingBox.diagonal)
    }

    /// ½(mean d(A-samples, B) + mean d(B-samples, A)).
    public static func symmetricChamfer(_ a: TriangleMesh, _ b: TriangleMesh, samples: Int, seed: UInt64) throws -> Float {
        let ba = try MeshBVH(a), bb = try MeshBVH(b)
        let da = bb.distances(a.sampleSurface(count: samples, seed: seed).points)
        let db = ba.distances(b.sampleSurface(count: samples, seed: seed &+ 1).points)
        let ma = da.reduce(0, +) / Float(max(da.count, 1)), mb = db.reduce(0, +) / Float(max(db.count, 1))
        return 0.5 * (ma + mb)
    }
}

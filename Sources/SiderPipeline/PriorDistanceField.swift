import Geometry
import SiderCore

/// f_c as the coarse prior's own distance field (`coarse.priorGrid`), in place of a network fitted
/// to it: f_c(x) = ±Point2Mesh_S(x), S the prior mesh after `subdivisions` levels of Loop
/// subdivision, sampled in a narrow band and read as a tricubic B-spline (`MeshDistanceGrid`).
/// It reproduces the prior where a small positional-encoding MLP blurs its mid-frequency shape
/// (brow ridge, cheekbones, mouth); signed, its zero level set is S itself rather than the front
/// sheet of Eq. 5's ε-shell, ε/2 in front of the face (which widens the nose by ε/2 at its
/// outline). It has no parameters: the detail field δ carries everything the photo adds, f_θ =
/// f_c + δ, and SDF_GT of the λ₁ term is f_c's own value (`DetailStage`); `detailed.obj` is the
/// front sheet itself. No feature γ (featureCount 0).
public final class PriorDistanceField: DifferentiableSDF {
    public let grid: MeshDistanceGrid
    /// The samples of the last `forward`'s points (for `backward`'s ∂n/∂x).
    private var last: [SplineSample] = []

    /// - Parameters:
    ///   - thickness: ε of Eq. 5 in mesh units: the band reaches ε/2 + bandCells·h from S, as far
    ///     as the shell's sheets would, so that δ can move the surface by up to ε/2 within it.
    public init(mesh: TriangleMesh, config: PriorGridConfig, thickness: Float) throws {
        var smooth = mesh
        smooth.normals = nil
        smooth.uvs = nil
        for _ in 0..<config.subdivisions { smooth = smooth.subdividedLoop() }
        let h = config.spacing * mesh.boundingBox.diagonal
        grid = try MeshDistanceGrid(mesh: smooth, spacing: h, band: thickness / 2 + Float(config.bandCells) * h)
    }

    public var parameterGroups: [any ParameterGroup] { [] }
    public var featureCount: Int { 0 }

    public func sdf(_ points: [SIMD3<Float>]) -> [Float] {
        grid.values(points)
    }

    /// Samples kept for points the detail stage evaluates every iteration (its regulariser pool
    /// 𝒫): f_c has no parameters, so they never change; most of 𝒫 lies outside the band, where
    /// each evaluation is an exact BVH query.
    private var memo: [SIMD3<Float>: SplineSample] = [:]

    /// Evaluates f_c once at `points` and answers `forward` there from then on; returns f_c there.
    @discardableResult
    public func memoise(_ points: [SIMD3<Float>]) -> [Float] {
        let samples = grid.samples(points, hessian: true)
        memo = Dictionary(zip(points, samples), uniquingKeysWith: { first, _ in first })
        return samples.map(\.value)
    }

    public func forward(_ points: [SIMD3<Float>]) -> GeometryEvaluation {
        if memo.isEmpty {
            last = grid.samples(points, hessian: true)
        } else {
            var missing: [Int] = []
            last = points.enumerated().map { i, p in
                if let s = memo[p] { return s }
                missing.append(i)
                return SplineSample()
            }
            for (i, s) in zip(missing, grid.samples(missing.map { points[$0] }, hessian: true)) { last[i] = s }
        }
        return GeometryEvaluation(sdf: last.map(\.value), features: [], gradients: last.map(\.gradient))
    }

    /// ∂L/∂x = ∂L/∂f · ∇f + H · ∂L/∂(∇f), at the last `forward`'s points.
    public func backward(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) -> [SIMD3<Float>] {
        var dx = [SIMD3<Float>](repeating: .zero, count: last.count)
        for i in dx.indices {
            if let dSDF { dx[i] += dSDF[i] * last[i].gradient }
            if let dGradients { dx[i] += last[i].hessian(times: dGradients[i]) }
        }
        return dx
    }

    /// No parameters: nothing to add.
    public func accumulateParameterGradients(dSDF: [Float]?, dFeatures: [Float]?, dGradients: [SIMD3<Float>]?) {}
}

import NeuralFields

/// Everything `sider reconstruct` needs to know about one quality level: the coarse stage's
/// preset (f_θ's architecture), g_ω's architecture and the detail stage's settings.
///
/// - `paper`: the paper's networks (f_θ 8×512 with a skip at 4, φ with 6 frequencies, γ of 256;
///   g_ω 4×512 with φ(v) of 4 frequencies), Adam at 10⁻⁴, up to 3000 detail iterations of
///   2048 rays (about 200 epochs over a 256×256 face), stopping when the loss stalls. On two
///   shared cores: ≈1.3 s per coarse step, ≈3.8 s per detail iteration (hours in all).
/// - `fast`: the coarse stage's fast f_θ (grid encoding, 2×64, γ of 32) and a 2×64 g_ω; 300
///   iterations of 1024 rays at 3·10⁻⁴ — 65–80 s end to end on two shared cores.
/// λ₁ = 1 (|f − SDF_GT| in normalised units), λ₂ = 0.1 (IDR's eikonal weight) in both.
public struct DetailPreset: Sendable, Equatable, Codable {
    public var name: String
    public var coarse: CoarsePreset
    public var shader: RenderingNetworkConfig
    public var detail: DetailSettings
    /// Side of the square face crop (the paper's 256).
    public var cropSize: Int
    /// Margin around the landmark box, as a fraction of its larger side.
    public var cropMargin: Float
    /// Erosion of the coarse mask at the silhouette, in crop pixels.
    public var erosion: Int
    /// Half-length of each ray's search interval around the coarse depth, as a fraction of the
    /// coarse mesh's bounding-box diagonal.
    public var rayMarginFraction: Float
    /// Midpoint subdivisions of the coarse mesh that `DetailedSurface` displaces onto f_θ for
    /// `detailed.obj` (each one: 4× the triangles).
    public var meshSubdivisions: Int

    public init(name: String, coarse: CoarsePreset, shader: RenderingNetworkConfig, detail: DetailSettings,
                cropSize: Int = 256, cropMargin: Float = 0.15, erosion: Int = 3, rayMarginFraction: Float = 0.04,
                meshSubdivisions: Int = 3) {
        self.name = name; self.coarse = coarse; self.shader = shader; self.detail = detail
        self.cropSize = cropSize; self.cropMargin = cropMargin; self.erosion = erosion
        self.rayMarginFraction = rayMarginFraction; self.meshSubdivisions = meshSubdivisions
    }

    /// ε of Eq. 5 for the detail run, as a fraction of the coarse mesh's diagonal D. The zero set
    /// of SDF_GT is two sheets ε apart around the open face mesh; with the coarse stage's own 0.2 %
    /// (about 0.4 mm on a face) any detail bump of f_θ larger than ε/2 punches through the shell and
    /// the rays there miss. 2 % keeps the front sheet solid while it deforms.
    public static let shellThickness: Float = 0.02

    public static let paper: DetailPreset = {
        var d = DetailSettings()
        d.maxIterations = 3000
        d.raysPerBatch = 2048
        d.regularizerPointsPerBatch = 2048
        d.learningRate = 1e-4
        d.lambda1 = 1
        d.lambda2 = 0.1
        d.shaderWarmup = 100
        d.patience = 300
        d.checkpointEvery = 50
        d.snapshotEvery = 250
        let g = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 4, hidden: Array(repeating: 512, count: 4),
                                       featureSize: CoarsePreset.paper.network.featureSize)
        var c = CoarsePreset.paper
        c.thicknessFraction = shellThickness
        return DetailPreset(name: "paper", coarse: c, shader: g, detail: d)
    }()

    public static let fast: DetailPreset = {
        var d = DetailSettings()
        d.maxIterations = 300
        d.raysPerBatch = 1024
        d.regularizerPointsPerBatch = 1024
        d.learningRate = 3e-4
        d.lambda1 = 1
        d.lambda2 = 0.1
        d.shaderWarmup = 30
        d.patience = 100
        d.checkpointEvery = 25
        d.snapshotEvery = 50
        var c = CoarsePreset.fast
        c.thicknessFraction = shellThickness
        c.iterations = 300
        c.poolSize = 100_000
        c.learningRate = .warmupCosine(1e-2, end: 3e-4, warmup: 30, steps: 300)
        let g = RenderingNetworkConfig(pointFrequencies: 0, viewFrequencies: 4, hidden: [64, 64],
                                       featureSize: c.network.featureSize)
        return DetailPreset(name: "fast", coarse: c, shader: g, detail: d)
    }()

    public static func named(_ name: String) -> DetailPreset? {
        switch name.lowercased() {
        case "paper": return .paper
        case "fast": return .fast
        default: return nil
        }
    }
}

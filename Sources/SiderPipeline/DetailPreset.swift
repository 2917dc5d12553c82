import NeuralFields

/// Everything `sider reconstruct` needs to know about one quality level: the coarse stage's
/// preset (f_θ's architecture), g_ω's architecture and the detail stage's settings.
///
/// - `paper`: the paper's networks (f_θ 8×512 with a skip at 4, φ with 6 frequencies, γ of 256;
///   g_ω 4×512 with φ(v) of 4 frequencies), Adam at 10⁻⁴, up to 3000 detail iterations of
///   2048 rays (about 200 epochs over a 256×256 face), stopping when the loss stalls. On two
///   shared cores: ≈1.3 s per coarse step, ≈3.8 s per detail iteration (hours in all).
/// - `fast`: a small smooth f_θ (φ with 4 frequencies, 4×96) and a 2×128 g_ω with φ(x); 300
///   iterations of 1024 rays, see `fast` for the values and why — about a minute end to end on
///   two shared cores.
/// λ₂ = 0.1 (IDR's eikonal weight) in both; λ₁ (|f − SDF_GT| in normalised units) 1 in `paper`,
/// 3 in `fast`.
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
    /// The detail field δ added to f_θ for the detail stage (`RefinedGeometry`); nil: the detail
    /// stage refines the coarse network itself (the paper).
    public var detailField: SDFNetworkConfig? = nil
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

    /// Two-core preset. Why each value (measured with `sider bench quality --cases 3`, renders of
    /// the `james` scan, against the coarse landmark-mesh prior's NoW median 1.90 mm and normal
    /// error 10.8°; before these changes SIDER fast scored 2.91 mm and 18.3°):
    /// - f_θ is a small smooth network (φ with 4 frequencies, 4×96, skip at 2, γ of 32), not the
    ///   coarse stage's grid encoding: the grid fit is accurate in position but its ∇ₓf is
    ///   pock-marked (≈18–22° normal error before any detail), and the photometric loss then
    ///   deepens the pocks. Fitted 600 steps from 2·10⁻³ (cosine to 3·10⁻⁴).
    /// - g_ω takes φ(x) with 6 frequencies (2×128): a face photo's albedo varies (beard, brows,
    ///   lips); a g_ω that cannot paint it spatially makes f_θ explain it with geometry, or
    ///   lets the surface escape the dark pixels.
    /// - θ learns at 0.1× the rate of ω, after 100 of 300 iterations of ω alone, with λ₁ = 3:
    ///   the detail stage may refine the prior but not drag it (λ₁ = 1 and θ at full rate moved
    ///   the surface by millimetres and opened holes where the rays then missed). On case 1:
    ///   θ at 1× / 0.3× / 0.1× (λ₁ 1 / 3 / 3, shader of the old preset for 1×): normal error
    ///   22.8° / 14.0° / 12.9°, NoW median 2.46 / 2.41 / 2.32 mm; f_θ before the detail stage
    ///   13.4°, 2.36 mm.
    /// Measured with these values (two runs of --cases 3): NoW median 2.08 / 2.09 mm, normal error
    /// of the mesh 13.2° / 13.3° (of ∇ₓf 12.1°), ≈40 s per case; `sider reconstruct` of obama2.jpg
    /// 41 s end to end. Still short of the prior (1.90 mm, 10.8°): f_θ alone, before the detail
    /// stage, already scores ≈2.36 mm / 13.4° on case 1 (its fit to the prior), and the detail
    /// stage at this rate adds little visible detail (no clear forehead lines on obama2).
    /// Tried since (same benchmark, quiet machine, this preset 2.07 mm / 13.3°): f_θ with 6
    /// frequencies of which the coarse stage opens 4 (`CoarsePreset.coarseBands`), the detail
    /// stage all 6: θ at 0.3× — 2.07 mm / 15.3°; θ at 1×, λ₁ = 1 — 1.92 mm (mean 2.67, below
    /// the prior's 2.73) / 19.9°, with fold-like structure on obama2's cheeks but noisier normals;
    /// 8 frequencies alias into axis-aligned stripes. Not adopted: every variant that shows
    /// more structure also raises the normal error against the scan's true normals.
    public static let fast: DetailPreset = {
        var d = DetailSettings()
        d.maxIterations = 300
        d.raysPerBatch = 1024
        d.regularizerPointsPerBatch = 1024
        d.learningRate = 3e-4
        d.geometryLearningRateScale = 0.1
        d.lambda1 = 3
        d.lambda2 = 0.1
        d.shaderWarmup = 100
        d.patience = 100
        d.checkpointEvery = 25
        d.snapshotEvery = 50
        var c = CoarsePreset.fast
        c.network = SDFNetworkConfig(encoding: .positional(frequencies: 4), hidden: [96, 96, 96, 96], skips: [2],
                                     featureSize: 32, beta: 100, weightNorm: true, initialRadius: 0.6)
        c.thicknessFraction = shellThickness
        c.iterations = 600
        c.poolSize = 100_000
        c.learningRate = .warmupCosine(2e-3, end: 3e-4, warmup: 30, steps: 600)
        let g = RenderingNetworkConfig(pointFrequencies: 6, viewFrequencies: 4, hidden: [128, 128],
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

import NeuralFields

/// Everything `sider reconstruct` needs to know about one quality level: the coarse stage's
/// preset (f_θ's architecture), g_ω's architecture and the detail stage's settings.
///
/// - `paper`: the paper's networks (f_θ 8×512 with a skip at 4, φ with 6 frequencies, γ of 256;
///   g_ω 4×512 with φ(v) of 4 frequencies), Adam at 10⁻⁴, up to 3000 detail iterations of
///   2048 rays (about 200 epochs over a 256×256 face), stopping when the loss stalls. On two
///   cores: ≈1.3 s per coarse step, ≈1.6 s per detail iteration (about 2 h in all, obama2.jpg).
/// - `fast`: a small smooth f_θ (φ with 4 frequencies, 4×96) frozen after the coarse stage plus
///   a detail field δ that starts at zero, a normal smoothness prior, and a 2×128 g_ω with φ(x)
///   but without φ(v)'s frequencies; 600 iterations of 2048 rays, see `fast` for the values and
///   why — about a minute end to end on two cores.
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

    /// Two-core preset: the paper's loss and optimisation, with changes that make a single photo
    /// and a small budget recover detail (measured with `sider bench quality --cases 3`, renders
    /// of the `james` scan, on the bumpy sphere of `NetworkDetailTests`, and by eye on obama2/biden):
    /// - f_θ = f_c + δ (`RefinedGeometry`): f_c is the coarse stage's small smooth network (φ with
    ///   4 frequencies, 4×96, skip at 2, γ of 32; fitted 600 steps from 2·10⁻³, cosine to 3·10⁻⁴),
    ///   frozen in the detail stage; δ is a 2×64 network that starts at zero and carries the detail.
    ///   γ, which g_ω reads, stays f_c's: when the detail stage moves the network that also makes
    ///   γ, g_ω and γ together learn to paint the shading and the normals get worse (bumpy sphere:
    ///   ×1.76 of the starting normal error instead of ×0.55).
    /// - δ reads φ with 7 frequencies (periods down to about 6 % of the face, the spacing of
    ///   forehead lines) through softplus with β = 10 instead of f_c's 100: with β = 100 every
    ///   hidden unit's kink is a crease, and δ covers the face with a crumpled-paper network of
    ///   them; β = 10 rounds them off (bumpy sphere: ×0.55 → ×0.49 of the starting normal error).
    /// - A normal smoothness prior (`DetailSettings.smoothness`, λ_s = 0.2, ‖ξ‖ = 0.01, 512 hit
    ///   points per batch): an L1 norm of the normals' second difference that keeps the folds the
    ///   photo shows strongly and flattens the fine relief that skin texture (pores, freckles, stubble)
    ///   otherwise carves into the surface (bumpy sphere: ×0.49 → ×0.41). Its second difference
    ///   ‖∇ₓf(x̂ + ξ) − 2∇ₓf(x̂) + ∇ₓf(x̂ − ξ)‖ ignores f_c's smooth curvature; a first difference
    ///   ‖∇ₓf(x̂) − ∇ₓf(x̂ + ξ)‖ would also pull δ towards flattening the face.
    /// - g_ω takes v without φ's frequencies: with one ray per pixel, v is a pixel coordinate and
    ///   φ(v) a positional encoding of the image, which lets g_ω paint the photo instead of the
    ///   normals explaining it (bumpy sphere: ×0.78 with 4 frequencies, ×0.55 without).
    /// - g_ω's φ(x) has 4 frequencies (2×128): enough to paint a face's albedo at the scale of
    ///   brows, lips and beard, too coarse for wrinkles, whose shading then goes to the normals.
    /// 600 iterations of 2048 rays (about 50 epochs over a 256×256 face); 100 of g_ω alone first;
    /// Adam at 10⁻³ halved every 200 iterations (averages out the batch noise that a constant
    /// rate writes into δ); λ₁ = 3 (in normalised units), λ₂ = 0.1.
    ///
    /// Measured with `sider bench quality --cases 3` (NoW median / mean mm, normal error of the
    /// mesh / of ∇ₓf), with the landmark prior's forehead extension (prior 1.82 / 2.48, 11.0°):
    /// this preset 1.92 / 2.49, 13.9° / 12.9°; λ_s = 0.3: 1.91 / 2.48, 13.4° / 12.4°; λ_s = 0.1:
    /// 1.92 / 2.48, 14.3° / 13.4°. On biden the forehead lines show faintly at 0.2, clearly at 0.1,
    /// hardly at 0.3, so 0.2 trades them against the skin texture that 0.1 lets through. The
    /// figures below predate the extension and were taken at λ_s = 0.3: 2.03 / 2.73, 13.2° / 12.2°
    /// (2.05 / 2.74, 13.2° / 12.0° before the tracer's
    /// look-behind, which covers pixels beside the nose that used to miss). For reference: the
    /// coarse prior 1.90 / 2.73, 10.7°; f_c alone (no detail stage) 2.04 / 2.74, 12.7° / 11.7°.
    /// Steps towards it (δ's frequencies, β, λ_s): 5, 100, 0 (the previous preset) 1.99 / 2.72,
    /// 14.2° / 13.0°, crumpled; 5, 10, 0: 2.02 / 2.73, 14.0° / 12.7°, smooth but few folds; 6, 10, 0:
    /// 2.04 / 2.75, 15.1° / 14.0°; 7, 10, 0: 2.03 / 2.72, 15.0° / 13.9°, folds and forehead lines
    /// with a rough skin texture; λ_s = 0.15 at ‖ξ‖ = 0.02: 2.06 / 2.74, 13.1° / 12.0° (as this one);
    /// a first-difference prior ‖∇ₓf(x̂) − ∇ₓf(x̂ + ξ)‖ at 0.1 / 0.2: 2.04 / 2.74, 13.8° / 12.6° and
    /// 2.06 / 2.75, 13.4° / 12.3°; by eye λ_s = 0.5 smooths folds away. 900 instead of 600
    /// iterations changed nothing visible. The james scan is a young, smooth face, so any relief the
    /// photometric fit adds there raises the normal error; older faces are where detail shows
    /// (README). Earlier variants: g_ω's φ(x) with 2 frequencies 1.92 / 2.64, 16.0° / 14.6°; with
    /// 6, 2.03 / 2.73, 13.7° / 12.4° and little visible detail (it paints the wrinkles);
    /// f_c with 6 frequencies (alone) 1.98 / 2.69, 12.7° / 12.1°.
    public static let fast: DetailPreset = {
        var d = DetailSettings()
        d.maxIterations = 600
        d.raysPerBatch = 2048
        d.regularizerPointsPerBatch = 2048
        d.learningRate = 1e-3
        d.learningRateDecay = 0.5
        d.decayEvery = 200
        d.geometryLearningRateScale = 1
        d.coarseGeometryLearningRateScale = 0
        d.lambda1 = 3
        d.lambda2 = 0.1
        d.shaderWarmup = 100
        d.patience = 150
        d.checkpointEvery = 50
        d.snapshotEvery = 150
        d.smoothness = 0.2
        d.smoothnessStep = 0.01
        d.smoothnessPointsPerBatch = 512
        var c = CoarsePreset.fast
        c.network = SDFNetworkConfig(encoding: .positional(frequencies: 4), hidden: [96, 96, 96, 96], skips: [2],
                                     featureSize: 32, beta: 100, weightNorm: true, initialRadius: 0.6)
        c.thicknessFraction = shellThickness
        c.iterations = 600
        c.poolSize = 100_000
        c.learningRate = .warmupCosine(2e-3, end: 3e-4, warmup: 30, steps: 600)
        let g = RenderingNetworkConfig(pointFrequencies: 4, viewFrequencies: 0, hidden: [128, 128],
                                       featureSize: c.network.featureSize)
        var preset = DetailPreset(name: "fast", coarse: c, shader: g, detail: d)
        var delta = SDFNetworkConfig(encoding: .positional(frequencies: 7), hidden: [64, 64], skips: [], featureSize: 0,
                                     beta: 10, weightNorm: true, initialRadius: 0)
        delta.startsAtZero = true
        preset.detailField = delta
        return preset
    }()

    public static func named(_ name: String) -> DetailPreset? {
        switch name.lowercased() {
        case "paper": return .paper
        case "fast": return .fast
        default: return nil
        }
    }
}

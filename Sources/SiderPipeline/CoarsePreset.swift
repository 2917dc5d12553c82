import NeuralFields

/// Settings of the coarse stage (Eq. 4–7): the geometry network f_θ and how it is fitted to a mesh.
///
/// Two presets: `paper` — the paper's architecture (IDR's 8×512 softplus MLP, skip at 4, φ with
/// 6 frequencies, γ of 256) with Adam at 1e−4; `fast` — a design for two CPU cores: a
/// multiresolution grid encoding carries the spatial detail so that the MLP can be small
/// (2×64, γ of 32), with fewer samples and a higher learning rate (see `sider bench nn`).
public struct CoarsePreset: Sendable, Equatable, Codable {
    public var name: String
    public var network: SDFNetworkConfig
    /// Optimisation steps.
    public var iterations: Int
    /// Points of 𝒫 per step.
    public var batchSize: Int
    /// Points in the pre-sampled pool 𝒫 (with SDF_GT computed once).
    public var poolSize: Int
    /// Fractions of 𝒫: near the surface (σ_near), farther (σ_far), uniform in the box; sum to 1.
    public var nearFraction: Float
    public var farFraction: Float
    /// Gaussian offsets as fractions of the bounding-box diagonal D.
    public var sigmaNear: Float
    public var sigmaFar: Float
    /// λ of Eq. 7 (IDR's eikonal weight 0.1).
    public var eikonalWeight: Float
    public var learningRate: LearningRateSchedule
    /// Shell thickness ε of Eq. 5 as a fraction of D (SDF_GT = Point2Mesh − ε/2).
    public var thicknessFraction: Float
    /// Marching-cubes grid: lattice points along the longest side of the padded box.
    public var meshResolution: Int
    /// Iso level of the extraction, in grid cells: the ε-shell is thinner than a cell, so the
    /// surface f = iso (a shell of thickness ε + 2·iso) is extracted to avoid holes.
    public var isoCells: Float
    public var seed: UInt64
    /// Positional-encoding bands open during the coarse stage (nil: all). The detail stage opens
    /// the rest (`PositionalEncoding.setActiveBands`): the coarse f_θ stays smooth and the high
    /// bands, starting at zero, learn only what the photo asks for.
    public var coarseBands: Int? = nil

    public init(name: String, network: SDFNetworkConfig, iterations: Int, batchSize: Int, poolSize: Int,
                nearFraction: Float = 0.45, farFraction: Float = 0.35, sigmaNear: Float = 0.004, sigmaFar: Float = 0.04,
                eikonalWeight: Float = 0.1, learningRate: LearningRateSchedule,
                thicknessFraction: Float = 0.002, meshResolution: Int = 256, isoCells: Float = 0.5, seed: UInt64 = 1) {
        self.name = name; self.network = network; self.iterations = iterations; self.batchSize = batchSize
        self.poolSize = poolSize; self.nearFraction = nearFraction; self.farFraction = farFraction
        self.sigmaNear = sigmaNear; self.sigmaFar = sigmaFar; self.eikonalWeight = eikonalWeight
        self.learningRate = learningRate
        self.thicknessFraction = thicknessFraction; self.meshResolution = meshResolution
        self.isoCells = isoCells; self.seed = seed
    }

    /// The paper's f_θ (Sect. 4.1) and optimiser (Adam, 1e−4). Slow on a CPU.
    public static let paper = CoarsePreset(
        name: "paper", network: .paper, iterations: 2000, batchSize: 4096, poolSize: 500_000,
        learningRate: .constant(1e-4))

    /// Grid encoding + small MLP for two CPU cores.
    public static let fast = CoarsePreset(
        name: "fast",
        network: SDFNetworkConfig(
            encoding: .grid(GridEncodingConfig(levels: 8, featuresPerLevel: 2, baseResolution: 16, growth: 1.5,
                                               log2TableSize: 15)),
            hidden: [64, 64], skips: [], featureSize: 32, beta: 100, weightNorm: true, initialRadius: 0.6),
        iterations: 600, batchSize: 2048, poolSize: 100_000,
        learningRate: .warmupCosine(1e-2, end: 3e-4, warmup: 30, steps: 600),
        meshResolution: 256)

    public static func named(_ name: String) -> CoarsePreset? {
        switch name.lowercased() {
        case "paper": return .paper
        case "fast": return .fast
        default: return nil
        }
    }
}

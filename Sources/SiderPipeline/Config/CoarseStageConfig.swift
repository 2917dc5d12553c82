import NeuralFields

/// The coarse stage (Sect. 3.2, Eq. 4–7): the geometry network f_θ and how it is fitted to the
/// coarse mesh. Loss_coarse = mean |f − SDF_GT| + λ·mean (‖∇ₓf‖ − 1)² over batches of 𝒫 (the
/// `SDFAgreement` and `Eikonal` terms the detail stage uses too), SDF_GT = Point2Mesh − ε/2,
/// optionally + λ_n·mean ‖∇ₓf − ∇SDF_GT‖² (`GradientAgreement`).
public struct CoarseStageConfig: Codable, Sendable, Equatable {
    public var network: SDFNetworkConfig
    /// Optimisation steps (the learning-rate schedule's horizon).
    public var steps: Int
    /// Points of 𝒫 per step.
    public var batchSize: Int
    /// Points in the pre-sampled pool 𝒫 (SDF_GT computed once).
    public var poolSize: Int
    /// Fractions of 𝒫 near the surface (σ_near) and farther (σ_far); the rest is uniform in the box.
    public var nearFraction: Float
    public var farFraction: Float
    /// Gaussian offsets as fractions of the bounding-box diagonal D.
    public var sigmaNear: Float
    public var sigmaFar: Float
    /// λ of Eq. 7 (IDR's eikonal weight 0.1).
    public var eikonalWeight: Float
    /// λ_n of the normal term (`GradientAgreement`: ∇ₓf against ∇SDF_GT), added to Eq. 7;
    /// 0 is the paper's Loss_coarse.
    public var normalWeight: Float
    public var learningRate: LearningRateSchedule
    /// ε of Eq. 5 as a fraction of D.
    public var shellThickness: Float
    /// Marching-cubes lattice points along the longest side of the padded box (`sider sdf`).
    public var meshResolution: Int
    /// Iso level of that extraction, in grid cells: the ε-shell is thinner than a cell, so the
    /// surface f = iso (a shell of thickness ε + 2·iso) is extracted to avoid holes.
    public var isoCells: Float
    /// Steps between loss-log records.
    public var logEvery: Int
    /// f_c as the prior mesh's own distance field (`PriorDistanceField`) instead of the network
    /// trained for `steps` steps; nil: the network. With it `steps` is 0, the detail stage needs
    /// δ and no feature γ, and `network` only sizes `sider sdf` and `sider bench nn`.
    public var priorGrid: PriorGridConfig? = nil
}

/// The lattice of `PriorDistanceField`.
public struct PriorGridConfig: Codable, Sendable, Equatable {
    /// Lattice spacing h as a fraction of the prior's bounding-box diagonal D.
    public var spacing: Float
    /// Levels of Loop subdivision of the prior before its distance is sampled (rounds its facets).
    public var subdivisions: Int
    /// Band half-width beyond the shell's sheets, in spacings (≥ 4: a sheet point's support).
    public var bandCells: Int

    public init(spacing: Float, subdivisions: Int, bandCells: Int) {
        self.spacing = spacing; self.subdivisions = subdivisions; self.bandCells = bandCells
    }
}

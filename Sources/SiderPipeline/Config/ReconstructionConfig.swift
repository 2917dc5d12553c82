import Foundation
import NeuralFields

/// The whole configuration of `sider reconstruct`: one nested value, read from a JSON file
/// (`configs/*.json`, see `ConfigLoader`), recorded resolved in run.json and checkpoints.
///
/// Nothing here has a default: every value comes from a file, so a preset is data, and an
/// experiment is a small file that `extends` another and changes a few keys.
public struct ReconstructionConfig: Codable, Sendable, Equatable {
    /// The preset's name ("fast", "paper", "ablation/no-feature", …).
    public var name: String
    /// One line on what this configuration is for.
    public var about: String
    /// The run's seed; every random stream derives from it (`SeedPlan`).
    public var seed: UInt64
    public var crop: CropConfig
    /// Sect. 3.2: the coarse SDF f_θ fitted to the coarse mesh (Eq. 4–7).
    public var coarse: CoarseStageConfig
    /// Sect. 3.3: detail recovery (Eq. 8–10).
    public var detail: DetailStageConfig
    public var checkpoints: CheckpointConfig
    public var output: OutputConfig
}

/// The square face crop the method works in, and the face region's rays.
public struct CropConfig: Codable, Sendable, Equatable {
    /// Side in pixels (the paper's 256).
    public var size: Int
    /// Margin around the 468 landmarks' box, as a fraction of its larger side.
    public var margin: Float
    /// Erosion of the coarse mask at the silhouette, in crop pixels.
    public var erosion: Int
    /// Half-length of each ray's search interval around the coarse depth, as a fraction of the
    /// coarse mesh's bounding-box diagonal.
    public var rayMargin: Float
}

/// When the run writes its resumable state and progress images.
public struct CheckpointConfig: Codable, Sendable, Equatable {
    /// Detail iterations between checkpoints (0: only on interrupt and at the end).
    public var every: Int
    /// Coarse steps between checkpoints (0: only on interrupt).
    public var coarseEvery: Int
    /// Detail iterations between progress snapshots in progress/ (0: none).
    public var snapshotEvery: Int
    /// Iterations between copies of the last good state for the NaN guard.
    public var goodStateEvery: Int

    public init(every: Int, coarseEvery: Int, snapshotEvery: Int, goodStateEvery: Int) {
        self.every = every; self.coarseEvery = coarseEvery; self.snapshotEvery = snapshotEvery
        self.goodStateEvery = goodStateEvery
    }
}

/// What the output stage writes besides images.
public struct OutputConfig: Codable, Sendable, Equatable {
    /// Midpoint subdivisions of the coarse mesh that `DetailedSurface` moves onto f_θ for
    /// detailed.obj (each: 4× the triangles).
    public var meshSubdivisions: Int
}

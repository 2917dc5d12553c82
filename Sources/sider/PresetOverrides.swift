import SiderCore
import SiderPipeline

extension DetailPreset {
    /// Applies a `--smoothness λ` option (nil: keep the preset's λ_s), with a one-line error for a
    /// negative or non-finite value.
    mutating func overrideSmoothness(_ value: Float?) throws {
        guard let value else { return }
        guard value >= 0, value.isFinite else { throw SiderError(.badInput, "--smoothness must be ≥ 0") }
        detail.smoothness = value
    }
}

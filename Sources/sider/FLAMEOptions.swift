import ArgumentParser
import Foundation
import MorphableModels
import SiderCore
import SiderPipeline

/// The FLAME options `sider fit` and `sider reconstruct` share: which model and landmark
/// embedding to load (options first, then `$SIDER_FLAME` / `$SIDER_FLAME_EMBEDDING`, then
/// `landmark_embedding.npy` next to the model); no model means the landmark-mesh prior.
struct FLAMEOptions: ParsableArguments {
    @Option(help: "FLAME model (generic_model.pkl, flame2023.pkl or .npz); default $SIDER_FLAME. Without one the landmark-mesh prior is used.")
    var flame: String?

    @Option(name: .customLong("landmark-embedding"),
            help: "FLAME landmark embedding (DECA's landmark_embedding.npy, or a static embedding); default $SIDER_FLAME_EMBEDDING, else landmark_embedding.npy next to the model.")
    var landmarkEmbedding: String?

    @Option(help: "Leading shapedirs columns that are identity shape (FLAME: 300; the rest are expression).")
    var shapeComponents: Int = 300

    /// The coarse prior these options ask for, its files loaded and checked (the landmark mesh
    /// when no model is given). Call it before the slow front end so a bad file fails first.
    func coarsePrior(fitOptions: FitOptions = FitOptions()) throws -> CoarsePrior {
        guard let files = try files() else { return .landmarkMesh }
        guard shapeComponents > 0 else { throw SiderError(.badInput, "--shape-components must be positive") }
        return try CoarsePrior.loadFLAME(model: files.model, embedding: files.embedding, shapeComponents: shapeComponents,
                                         options: fitOptions)
    }

    /// The model and embedding files from the options or the environment; nil for no FLAME.
    private func files() throws -> (model: URL, embedding: URL)? {
        let env = ProcessInfo.processInfo.environment
        guard let modelPath = flame ?? env["SIDER_FLAME"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            if landmarkEmbedding != nil { throw SiderError(.badInput, "--landmark-embedding needs --flame") }
            return nil
        }
        let model = URL(fileURLWithPath: modelPath)
        guard FileManager.default.fileExists(atPath: model.path) else {
            throw SiderError(.missingFile, "FLAME model not found: \(model.path)")
        }
        let sibling = model.deletingLastPathComponent().appendingPathComponent("landmark_embedding.npy")
        let embeddingPath = landmarkEmbedding ?? env["SIDER_FLAME_EMBEDDING"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.fileExists(atPath: sibling.path) ? sibling.path : nil)
        guard let embeddingPath else {
            throw SiderError(.badInput, "FLAME fitting needs a landmark embedding: pass --landmark-embedding FILE (e.g. DECA's landmark_embedding.npy)")
        }
        return (model, URL(fileURLWithPath: embeddingPath))
    }
}

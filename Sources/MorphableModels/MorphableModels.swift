/// MorphableModels owns the coarse prior (paper Sect. 3.2, Eq. 3):
///
/// - reading FLAME as distributed, with no Python: `Unpickler` (pickle protocols 0–5) with
///   `PickleReconstructors` for numpy arrays/dtypes/scalars, chumpy `Ch`, scipy sparse matrices
///   and torch tensors (`TorchTensors`); `NumpyFiles` for `.npy` / `.npz`; `FLAMEModel.load`
///   (FLAME 2020 `generic_model.pkl`, FLAME 2023 `flame2023.pkl`, `.npz`) and
///   `LandmarkEmbedding.load` (DECA's `landmark_embedding.npy`, FLAME fitting's static and
///   dynamic-contour files), with one-line errors naming the missing key or bad shape;
/// - the FLAME forward pass `FLAMEModel.forward` (LBS with pose correctives, Rodrigues) and
///   landmarks with the yaw-dependent contour (`FLAMEModel.landmarks`, `headYaw`);
/// - landmark fitting `FLAMEFitter` (Levenberg–Marquardt, exact Jacobians from `Dual` numbers,
///   perspective or weak-perspective `FitCamera`, Huber loss, Tikhonov priors, rigid → full);
/// - the default prior without FLAME, `LandmarkMeshPrior` (the 468-point face mesh lifted into
///   the camera frame).
public enum MorphableModelsModule {}

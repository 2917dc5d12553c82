/// MorphableModels owns the coarse prior (paper Sect. 3.2, Eq. 3): reading FLAME as distributed
/// (pickle, npz, landmark embeddings), its LBS forward pass, landmark fitting, and the default
/// prior built from the 468-point landmark mesh when no FLAME file is given.
public enum MorphableModelsModule {}

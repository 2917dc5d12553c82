/// NeuralFields owns the networks: batched MLP layers on OpenBLAS with exact backward passes,
/// positional and grid encodings, the SDF network f_θ (Eq. 1) with its spatial gradient, the
/// rendering network g_ω (Eq. 2), Adam, and weight save/load.
public enum NeuralFieldsModule {}

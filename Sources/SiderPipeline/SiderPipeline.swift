/// SiderPipeline owns the method end to end: coarse SDF training (Eq. 4–7), sphere tracing with
/// implicit differentiation of the intersection (IDR), photometric detail recovery (Eq. 8–10),
/// presets, checkpoints, and the output images and meshes of `sider reconstruct`.
public enum SiderPipelineModule {}

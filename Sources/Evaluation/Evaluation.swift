/// Evaluation owns accuracy measurement: the NoW protocol (landmark similarity alignment, ICP
/// refinement, scan-to-mesh distances, cumulative error curves) and ground-truth renders of a
/// textured scan for `sider bench quality`.
public enum EvaluationModule {}

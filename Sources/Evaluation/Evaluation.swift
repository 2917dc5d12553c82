/// Evaluation owns accuracy measurement: the NoW protocol (landmark similarity alignment, ICP
/// refinement, scan-to-mesh distances, cumulative error curves) and ground-truth renders of a
/// textured scan for `sider bench quality`.
///
/// - Metric (`NoWEvaluation`): crop the scan to `NoWFaceRegion` (ball around the face centre from
///   the seven NoW landmarks), `Procrustes` similarity of the predicted mesh's seven landmarks
///   onto the scan's, `ScanToMeshAlignment` (robust similarity ICP on closest points of
///   triangles), then per-scan-vertex distances → `ErrorStatistics` (median / mean / std) and a
///   `CumulativeErrorCurve`, drawn by `SVGPlotWriter` / `RasterPlotRenderer`.
/// - Landmarks (`FaceLandmarks3D`, `LandmarkFile`): menpo LJSON, JSON point arrays, MeshLab .pp,
///   text; the scan's from its annotation file, the prediction's either from a 3D file, carried
///   over for a same-topology copy (`LandmarkTransfer`), or from the pipeline's 68 image
///   landmarks cast along camera rays onto the predicted mesh (`LandmarkBackProjection`).
/// - Ground truth (`TexturedScan`, `ScanScene`, `ScanRenderer`, `GroundTruthRender`): a seeded
///   pose / camera / light / background, the textured scan rasterized and shaded to a photo,
///   with true depth, normals, mask, projected landmarks and the camera.
public enum EvaluationModule {}

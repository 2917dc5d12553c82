/// Geometry owns triangle meshes and what is computed on them:
///
/// - `TriangleMesh` and its measures (`MeshMeasures`: normals, areas, bounding box, transforms),
///   topology (`MeshTopology`: edges, boundary, watertightness, cleanup), subdivision, Taubin
///   smoothing, surface sampling and primitives (icosphere, grid);
/// - `MeshIO`: OBJ / PLY reading and writing;
/// - `MeshBVH`: exact point-to-mesh distance (Point2Mesh, hence SDF_GT = Point2Mesh − ε/2 of
///   Eq. 5) and ray casting;
/// - `Camera` (`PinholeCamera`, `OrthographicCamera`) in OpenCV camera coordinates and the
///   z-buffer `Rasterizer` with `Shading`, `NormalMap` and `DepthMap` previews;
/// - `ScalarGrid` + `MarchingCubes`: iso-surfaces of sampled fields such as f_θ.
public enum GeometryModule {}

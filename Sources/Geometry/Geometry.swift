/// Geometry owns triangle meshes and what is computed on them: OBJ/PLY I/O, normals, a BVH for
/// point-to-mesh distance (SDF_GT of Eq. 5), the z-buffer rasterizer, cameras and marching cubes.
public enum GeometryModule {}

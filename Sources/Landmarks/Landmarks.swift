/// Landmarks owns the face front end: MediaPipe's BlazeFace detector (short and full range),
/// the 468-point 3D face mesh, its triangle list, and the 468→68 iBUG mapping.
public enum LandmarksModule {}

/// Landmarks owns the face front end: MediaPipe's BlazeFace detectors (short and full range),
/// the 468-point 3D face mesh on the rotated face crop, its triangle list, the 468→68 iBUG
/// mapping, dlib's 68-point regression-tree model (read and run here), and the 300-W accuracy
/// measure. Entry point: `FaceLandmarker`.
public enum LandmarksModule {}

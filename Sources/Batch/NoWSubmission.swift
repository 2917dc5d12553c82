import Evaluation
import Foundation
import Geometry
import Report
import SiderCore

/// The NoW challenge's submission layout: for image `SUBJECT/EXPERIMENT/IMG.jpg` of the image
/// list, `SUBJECT/EXPERIMENT/IMG.obj` (the detailed mesh, camera frame, metres: NoW aligns by
/// similarity, so the frame and unit are free) and `SUBJECT/EXPERIMENT/IMG.txt` (its seven NoW
/// landmarks, one "x y z" line each, in NoW's order: eye corners, nose bottom, mouth corners).
///
/// The landmarks are the pipeline's 68 image landmarks (`sider landmarks` on the photo, the
/// same detector and defaults as `reconstruct`) cast along the photo camera's rays onto the
/// mesh, with the nearest-covered-pixel fallback (`NoWLandmarkPlacement`, the rule `bench
/// quality` scores with).
public enum NoWSubmission {
    /// The file stem inside the submission: the last three components of the image's path
    /// (NoW's subject/experiment/file), extension dropped.
    public static func stem(_ relativePath: String) -> String {
        let parts = relativePath.split(separator: "/").suffix(3).map(String.init)
        return ((parts.joined(separator: "/")) as NSString).deletingPathExtension
    }

    /// Writes one photo's mesh and landmarks; `landmarksJSON`: that photo's `landmarks.json`.
    public static func write(runFolder: URL, landmarksJSON: URL, relativePath: String, into submission: URL) throws -> Int {
        let run = try RunRecord.load(outputDirectory: runFolder)
        guard let c = run.cameraPhoto else { throw SiderError(.badInput, "\(runFolder.path)/run.json has no cameraPhoto") }
        let camera = PinholeCamera(fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy, width: c.width, height: c.height)
        var mesh = try MeshIO.load(runFolder.appendingPathComponent("detailed.obj"))
        mesh.uvs = nil
        mesh.normals = nil
        let points = try ImageLandmarkFile.load(landmarksJSON)
        let (landmarks, fallbacks) = try NoWLandmarkPlacement.place(points68: points, camera: camera, mesh: mesh)
        let base = submission.appendingPathComponent(stem(relativePath))
        try MeshIO.save(mesh, to: base.appendingPathExtension("obj"))
        let text = landmarks.nowSeven.map { "\($0.x) \($0.y) \($0.z)" }.joined(separator: "\n") + "\n"
        try AtomicFile.write(text, to: base.appendingPathExtension("txt"))
        return fallbacks
    }
}

import Foundation
import Geometry
import SiderCore

/// One ground-truth test case for quality benchmarks: a textured scan with its landmarks,
/// rendered under the scene drawn from `seed`, plus the scan posed in that camera's frame.
/// `sider render-scan` writes one; `bench quality` runs the reconstruction on `render.image` and
/// scores it with `NoWEvaluation` against `scan.mesh` and `landmarks`.
public struct GroundTruthCase: Sendable {
    public var scan: TexturedScan
    public var landmarks: FaceLandmarks3D
    public var render: GroundTruthRender
    /// The scan's vertices mapped by `render.scene.pose` (camera frame).
    public var scanInCamera: TriangleMesh

    /// Loads `obj` (texture: its `.jpg` sibling unless given) and `landmarkFile` (default: the
    /// `.ljson` sibling), samples the scene and renders it.
    public static func make(obj: URL, landmarkFile: URL? = nil, texture: URL? = nil, seed: UInt64,
                            size: Int = 512, supersampling: Int = 2,
                            ranges: ScanScene.Ranges = ScanScene.Ranges()) throws -> GroundTruthCase {
        let scan = try TexturedScan.load(obj: obj, texture: texture)
        let landmarks = try LandmarkFile.load(landmarkFile ?? obj.deletingPathExtension().appendingPathExtension("ljson"))
        let region = NoWFaceRegion(landmarks: landmarks)
        let scene = try ScanScene.sample(seed: seed, width: size, height: size, faceCentre: region.centre,
                                         faceRadius: region.radius, ranges: ranges)
        let render = try ScanRenderer.render(scan, landmarks: landmarks, scene: scene, supersampling: supersampling)
        let posed = TriangleMesh(vertices: scene.pose.apply(scan.mesh.vertices), faces: scan.mesh.faces)
        return GroundTruthCase(scan: scan, landmarks: landmarks, render: render, scanInCamera: posed)
    }

    /// The `james` scan from the data cache.
    public static func james(seed: UInt64, size: Int = 512, supersampling: Int = 2) throws -> GroundTruthCase {
        try make(obj: try DataPaths.require(DataPaths.scan("james.obj")), seed: seed, size: size, supersampling: supersampling)
    }

    /// `render.save(to:)` plus `scan_camera.obj`.
    public func save(to dir: URL) throws {
        try render.save(to: dir)
        try MeshIO.save(scanInCamera, to: dir.appendingPathComponent("scan_camera.obj"))
    }
}

import Foundation
import Geometry
import ImageIO
import SiderCore

/// A rendered ground-truth image and everything known about it (see `ScanRenderer`).
/// Per-pixel arrays are row-major, index y·width + x.
public struct GroundTruthRender: Sendable {
    public var scene: ScanScene
    /// The photo-like image.
    public var image: RGBImage
    /// Camera-space z of the scan surface (scan units, mm for `james`); +∞ on the background.
    public var depth: [Float]
    /// Camera-space unit normals facing the camera; zero on the background.
    public var normals: [SIMD3<Float>]
    public var mask: [Bool]
    /// The scan's landmarks projected into the image (pixel coordinates, centres at +0.5), in
    /// camera space, and whether each is visible (in the image, not hidden by the surface).
    public var landmarks2D: [SIMD2<Float>]
    public var landmarksCamera: [SIMD3<Float>]
    public var landmarkVisible: [Bool]
    public var landmarkLayout: FaceLandmarks3D.Layout

    /// Camera and landmark facts, as written to `scene.json`.
    public struct Description: Codable {
        public var scene: ScanScene
        public var coordinates = "camera: OpenCV (x right, y down, z forward), pixel u = fx·x/z + cx, v = fy·y/z + cy, pixel centres at integer + 0.5; pose maps scan coordinates to camera coordinates (x_cam = s·R·x_scan + t, s = 1)"
        public var landmarkLayout: FaceLandmarks3D.Layout
        public var landmarks2D: [[Float]]
        public var landmarksCamera: [[Float]]
        public var landmarkVisible: [Bool]
        /// Depth range of `depth16.png`: z = near + value·(far − near); value 0 = background.
        public var depthNear: Float
        public var depthFar: Float
        public var files: [String: String]
    }

    /// Writes `image.png`, `normals.png` (`NormalMap` colours), `depth.png` (grey preview),
    /// `depth16.png` (16-bit: value = (z − near)/(far − near) on the surface, 0 on the
    /// background, with near/far a little outside the surface's depth range so no surface pixel
    /// is 0), `mask.png`, `landmarks.png` (the image with the projected landmarks: green
    /// visible, red hidden) and `scene.json`.
    public func save(to dir: URL) throws {
        let w = scene.width, h = scene.height
        try PNGEncoder.save(image, to: dir.appendingPathComponent("image.png"))
        try PNGEncoder.save(NormalMap.encode(normals, width: w, height: h), to: dir.appendingPathComponent("normals.png"))
        try PNGEncoder.save(DepthMap.encode(depth, width: w, height: h), to: dir.appendingPathComponent("depth.png"))
        var lo = Float.infinity, hi = -Float.infinity
        for z in depth where z.isFinite { lo = min(lo, z); hi = max(hi, z) }
        if !lo.isFinite { lo = 0; hi = 1 }
        let margin = max((hi - lo) * 0.01, 1e-3)
        let near = lo - margin, far = hi + margin
        let encoded = depth.map { $0.isFinite ? ($0 - near) / (far - near) : 0 }
        try PNGEncoder.saveGray16(GrayImage(width: w, height: h, values: encoded), to: dir.appendingPathComponent("depth16.png"))
        var maskImage = RGBImage(width: w, height: h)
        for i in 0..<(w * h) where mask[i] { maskImage.pixels[3 * i] = 1; maskImage.pixels[3 * i + 1] = 1; maskImage.pixels[3 * i + 2] = 1 }
        try PNGEncoder.save(maskImage, to: dir.appendingPathComponent("mask.png"))
        var overlay = image
        for (p, v) in zip(landmarks2D, landmarkVisible) {
            overlay.drawPoint(p, radius: 2, color: v ? SIMD3(0.1, 0.95, 0.2) : SIMD3(0.95, 0.1, 0.1))
        }
        try PNGEncoder.save(overlay, to: dir.appendingPathComponent("landmarks.png"))
        let files = ["image.png": "rendered photo", "normals.png": "camera-space normals, RGB = ((nx+1)/2, (1-ny)/2, (1-nz)/2)",
                     "depth.png": "depth preview (near white)", "depth16.png": "16-bit depth, z = near + value·(far − near), 0 = background",
                     "mask.png": "surface coverage", "landmarks.png": "projected landmarks (green visible, red hidden)"]
        let description = Description(scene: scene, landmarkLayout: landmarkLayout,
                                      landmarks2D: landmarks2D.map { [$0.x, $0.y] },
                                      landmarksCamera: landmarksCamera.map { [$0.x, $0.y, $0.z] },
                                      landmarkVisible: landmarkVisible, depthNear: near, depthFar: far, files: files)
        try AtomicFile.writeJSON(description, to: dir.appendingPathComponent("scene.json"))
    }
}

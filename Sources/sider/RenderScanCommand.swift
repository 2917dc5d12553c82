import ArgumentParser
import Evaluation
import Foundation
import SiderCore

/// `sider render-scan --seed S --out DIR [--scan OBJ] [--landmarks FILE] [--size N]`: a
/// ground-truth render of a textured scan (pose, camera and lighting drawn from the seed) with
/// its true depth, normals, mask, projected landmarks, `scene.json` and the scan in the camera
/// frame (`scan_camera.obj`).
struct RenderScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-scan",
        abstract: "Render a textured scan to a photo-like image with known camera, lighting, depth and normals.")

    @Option(help: "Seed for pose (yaw within ±30°), field of view, lighting and background.")
    var seed: UInt64 = 0

    @Option(help: "Output folder.")
    var out: String = "out/render-scan"

    @Flag(help: "Write into --out even if it holds files that sider did not write.")
    var force = false

    @Option(help: "Textured scan (OBJ with v/vt faces; texture: same name .jpg). Default: the james scan.")
    var scan: String?

    @Option(help: "Scan landmarks (68 iBUG or 7 NoW). Default: the scan's .ljson sibling.")
    var landmarks: String?

    @Option(help: "Texture image (default: the OBJ's name with .jpg).")
    var texture: String?

    @Option(help: "Image width and height in pixels.")
    var size: Int = 512

    @Option(help: "Supersampling factor per axis (1…4).")
    var supersampling: Int = 2

    func run() throws {
        try reportingErrors {
            let objURL = try scan.map { URL(fileURLWithPath: $0) } ?? DataPaths.require(DataPaths.scan("james.obj"))
            let dir = try OutputFolder.prepare(URL(fileURLWithPath: out, isDirectory: true), command: "render-scan", force: force)
            let clock = Stopwatch()
            let gt = try GroundTruthCase.make(obj: objURL, landmarkFile: landmarks.map { URL(fileURLWithPath: $0) },
                                              texture: texture.map { URL(fileURLWithPath: $0) }, seed: seed,
                                              size: size, supersampling: supersampling)
            try gt.save(to: dir)
            let render = gt.render, scene = gt.render.scene
            print(String(format: "seed %llu: yaw %.1f°, pitch %.1f°, roll %.1f°, f %.1f px, %d of %d landmarks visible, %.2f s → %@",
                         seed, scene.yaw, scene.pitch, scene.roll, scene.fx,
                         render.landmarkVisible.filter { $0 }.count, render.landmarkVisible.count, clock.seconds, dir.path))
        }
    }
}

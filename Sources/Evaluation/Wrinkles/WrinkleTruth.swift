import Foundation
import Geometry
import ImageIO
import SiderCore

/// The ground truth of one wrinkle-benchmark case in one scene: the render of the relief (or
/// control) scan with its true normals, the normals the same scene shows without the relief,
/// the true relief depth per pixel and the regions the scores are taken over.
///
/// Regions (pixel masks, render frame): for each pattern, the pixels whose visible surface
/// point has that pattern's profile above `regionThreshold` (interpolated from the vertices
/// with the pixel's barycentric weights), dilated by `regionDilation` pixels, within the render
/// mask; "wrinkles" is their union. The control has one region, "marks": mark amount above
/// `markThreshold`, dilated likewise. "elsewhere" is the rest of the render mask (no relief, no
/// marks): where any recovered detail is spurious. Outside the relief regions the relief is zero, so the true
/// normals there equal the smooth scan's (up to the one-ring of vertex normals and the pixel
/// the dilation covers).
public struct WrinkleTruth: Sendable {
    public static let regionThreshold: Float = 0.02
    /// Marks count from a lower amount: texture sampling carries a faint trace of a mark to a
    /// few texels across UV-chart borders, and those pixels must not count as unmarked.
    public static let markThreshold: Float = 0.002
    public static let regionDilation = 3
    public static let unionRegion = "wrinkles"
    public static let marksRegion = "marks"
    public static let elsewhereRegion = "elsewhere"

    public struct Region: Sendable {
        public var name: String
        public var mask: [Bool]
        /// How visible the relief (or the marks) is in the photo: RMS over the region of the
        /// luminance difference (Rec. 601 weights, 0–255) between this render and the smooth
        /// scan's render (original texture) in the same scene.
        public var photoContrast: Double = 0
    }

    public var spec: WrinkleCaseSpec
    /// The case's render; `truth.scan` is the NoW reference (`WrinkleScan.nowReference`).
    public var truth: GroundTruthCase
    /// Camera-space normals of the undisplaced scan in the same scene.
    public var smoothNormals: [SIMD3<Float>]
    /// True relief depth per pixel (scan units, ≥ 0), or the mark amount for the control.
    public var relief: [Float]
    public var regions: [Region]
    /// The rendered (displaced or control) subdivided scan in the camera frame.
    public var posedMesh: TriangleMesh

    /// Renders `spec` on `scan` in `scene`; `smooth` is the undisplaced scan's render in that
    /// scene (`renderSmooth`), shared by the cases of one scene.
    public static func make(_ spec: WrinkleCaseSpec, scan: WrinkleScan, scene: ScanScene, smooth: GroundTruthRender,
                            supersampling: Int = 2) throws -> WrinkleTruth {
        let shown = spec.isControl ? scan.control : scan.displaced(spec.patterns, amplitude: spec.amplitude)
        let render = try ScanRenderer.render(shown, landmarks: scan.landmarks, scene: scene, supersampling: supersampling)
        let posed = TriangleMesh(vertices: scene.pose.apply(shown.mesh.vertices), faces: shown.mesh.faces)
        let raster = try Rasterizer(camera: scene.camera).render(posed)
        let w = scene.width, h = scene.height
        func interpolate(_ values: [Float]) -> [Float] {
            (0..<(w * h)).map { i in
                let t = Int(raster.triangles[i])
                guard t >= 0 else { return 0 }
                let f = posed.faces[t], b = raster.barycentrics[i]
                return b.x * values[Int(f.x)] + b.y * values[Int(f.y)] + b.z * values[Int(f.z)]
            }
        }
        func region(_ name: String, _ amount: [Float], threshold: Float = regionThreshold) -> Region {
            let seed = amount.indices.map { amount[$0] > threshold && render.mask[$0] }
            let grown = PixelMasks.dilate(seed, width: w, height: h, radius: regionDilation)
            return Region(name: name, mask: grown.indices.map { grown[$0] && render.mask[$0] })
        }
        var regions: [Region] = []
        var relief = [Float](repeating: 0, count: w * h)
        if spec.isControl {
            let tex = scan.markAmount
            relief = (0..<(w * h)).map { i in
                let t = Int(raster.triangles[i])
                guard t >= 0 else { return 0 }
                let b = raster.barycentrics[i]
                let uv = b.x * shown.cornerUVs[3 * t] + b.y * shown.cornerUVs[3 * t + 1] + b.z * shown.cornerUVs[3 * t + 2]
                return Self.sample(tex, x: uv.x * Float(tex.width), y: (1 - uv.y) * Float(tex.height))
            }
            regions.append(region(marksRegion, relief, threshold: markThreshold))
        } else {
            for p in spec.patterns { regions.append(region(p.rawValue, interpolate(scan.profile([p])))) }
            if spec.patterns.count > 1 {
                let union = regions.reduce([Bool](repeating: false, count: w * h)) { acc, r in zip(acc, r.mask).map { $0 || $1 } }
                regions.append(Region(name: unionRegion, mask: union))
            } else {
                regions[0].name = unionRegion
            }
            relief = interpolate(scan.profile(spec.patterns)).map { $0 * spec.amplitude }
        }
        let marked = regions.reduce([Bool](repeating: false, count: w * h)) { acc, r in zip(acc, r.mask).map { $0 || $1 } }
        regions.append(Region(name: elsewhereRegion, mask: marked.indices.map { render.mask[$0] && !marked[$0] }))
        let luminance = SIMD3<Float>(0.299, 0.587, 0.114) * 255
        for k in regions.indices {
            var sum = 0.0, count = 0
            for i in regions[k].mask.indices where regions[k].mask[i] {
                let a = SIMD3(render.image.pixels[3 * i], render.image.pixels[3 * i + 1], render.image.pixels[3 * i + 2])
                let b = SIMD3(smooth.image.pixels[3 * i], smooth.image.pixels[3 * i + 1], smooth.image.pixels[3 * i + 2])
                let d = Double(((a - b) * luminance).sum())
                sum += d * d; count += 1
            }
            regions[k].photoContrast = count > 0 ? (sum / Double(count)).squareRoot() : 0
        }
        let reference = try scan.nowReference(shown)
        let truth = GroundTruthCase(scan: reference, landmarks: scan.landmarks, render: render,
                                    scanInCamera: TriangleMesh(vertices: scene.pose.apply(reference.mesh.vertices),
                                                               faces: reference.mesh.faces))
        return WrinkleTruth(spec: spec, truth: truth, smoothNormals: smooth.normals, relief: relief, regions: regions,
                            posedMesh: posed)
    }

    /// The undisplaced scan (original texture) rendered in `scene`.
    public static func renderSmooth(_ scan: WrinkleScan, scene: ScanScene, supersampling: Int = 2) throws -> GroundTruthRender {
        try ScanRenderer.render(scan.base, landmarks: scan.landmarks, scene: scene, supersampling: supersampling)
    }

    public func region(_ name: String) -> Region? { regions.first { $0.name == name } }

    /// `truth.save` plus `normals_without_relief.png`, `relief.png` (depth, or mark amount,
    /// white = deepest), `regions.png` (the regions tinted over the image) and raking-light
    /// Lambertian previews `shaded.png` / `shaded_without_relief.png`.
    public func save(to dir: URL) throws {
        try truth.save(to: dir)
        let scene = truth.render.scene, w = scene.width, h = scene.height
        try PNGEncoder.save(NormalMap.encode(smoothNormals, width: w, height: h),
                            to: dir.appendingPathComponent("normals_without_relief.png"))
        let top = max(relief.max() ?? 0, 1e-6)
        let grey = RGBImage(width: w, height: h, pixels: relief.flatMap { v in [Float](repeating: v / top, count: 3) })
        try PNGEncoder.save(grey, to: dir.appendingPathComponent("relief.png"))
        var overlay = truth.render.image
        let colours: [SIMD3<Float>] = [SIMD3(1, 0.2, 0.2), SIMD3(0.2, 1, 0.2), SIMD3(0.3, 0.5, 1), SIMD3(1, 0.9, 0.1)]
        let shown = regions.filter { $0.name != Self.elsewhereRegion && ($0.name != Self.unionRegion || spec.patterns.count == 1) }
        for (k, r) in shown.enumerated() {
            for i in r.mask.indices where r.mask[i] { overlay.blend(x: i % w, y: i / w, color: colours[k % colours.count], alpha: 0.45) }
        }
        try PNGEncoder.save(overlay, to: dir.appendingPathComponent("regions.png"))
        try PNGEncoder.save(Shading.shade(normals: truth.render.normals, width: w, height: h, light: WrinkleTruth.rakingLight),
                            to: dir.appendingPathComponent("shaded.png"))
        try PNGEncoder.save(Shading.shade(normals: smoothNormals, width: w, height: h, light: WrinkleTruth.rakingLight),
                            to: dir.appendingPathComponent("shaded_without_relief.png"))
    }

    /// Preview light, from the upper left and a little above (camera frame, towards the light).
    public static let rakingLight = SIMD3<Float>(-0.55, -0.6, -0.58)

    /// Bilinear sample of a grey image at continuous coordinates (clamped to the edge).
    static func sample(_ image: GrayImage, x: Float, y: Float) -> Float {
        let fx = min(max(x - 0.5, 0), Float(image.width - 1)), fy = min(max(y - 0.5, 0), Float(image.height - 1))
        let x0 = Int(fx), y0 = Int(fy), x1 = min(x0 + 1, image.width - 1), y1 = min(y0 + 1, image.height - 1)
        let tx = fx - Float(x0), ty = fy - Float(y0)
        let v = image.values, w = image.width
        return (v[y0 * w + x0] * (1 - tx) + v[y0 * w + x1] * tx) * (1 - ty) + (v[y1 * w + x0] * (1 - tx) + v[y1 * w + x1] * tx) * ty
    }
}

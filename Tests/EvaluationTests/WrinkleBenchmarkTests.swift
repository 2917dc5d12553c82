import Testing
import Foundation
import Geometry
import ImageIO
import SiderCore
@testable import Evaluation
import SiderPipeline

/// The wrinkle benchmark's ground truth and metric, without a reconstruction: the patterns lie
/// where they are meant to on the james scan, relief changes the true normals only inside its
/// regions, the albedo-only control changes colour but not normals, and correlation / gain
/// read 1, 0 and ½ where they should.
@Suite struct WrinkleBenchmarkTests {
    /// james subdivided twice (the benchmark uses three rounds; two keep the tests quick and
    /// still resolve the patterns' 1.6–4.5 mm half-widths well enough for the checks).
    static let scan: WrinkleScan? = {
        guard FileManager.default.fileExists(atPath: DataPaths.scan("james.obj").path) else { return nil }
        let obj = DataPaths.scan("james.obj")
        return try? WrinkleScan(scan: try TexturedScan.load(obj: obj),
                                landmarks: try LandmarkFile.load(obj.deletingPathExtension().appendingPathExtension("ljson")), levels: 2)
    }()

    /// Plane points of the vertices a pattern moves, and its largest profile.
    static func support(_ scan: WrinkleScan, _ p: WrinklePattern) -> (points: [SIMD2<Float>], peak: Float) {
        let s = scan.profiles[p]!
        let pts = s.indices.filter { s[$0] > 0 }.map { scan.frame.plane(scan.base.mesh.vertices[$0]) }
        return (pts, s.max() ?? 0)
    }

    @Test func patternsLieInTheirFacialRegions() throws {
        guard let scan = Self.scan else { return }
        let l = scan.frame.landmarks2D
        let browTop = (17...26).map { l[$0].y }.max()!
        for p in WrinklePattern.allCases {
            let (pts, peak) = Self.support(scan, p)
            #expect(pts.count > 50, "\(p) moves \(pts.count) vertices")
            #expect(peak > 0.9 && peak <= 1, "\(p) peak profile \(peak)")
            for q in pts {
                switch p {
                case .forehead:
                    #expect(q.y > browTop + 2 && q.y < browTop + 40 && abs(q.x) < 45, "forehead at \(q)")
                case .frown:
                    #expect(abs(q.x) < 10.5 && q.y > l[27].y - 6 && q.y < l[27].y + 18, "frown at \(q)")
                case .nasolabial:
                    #expect(abs(q.x) > 8 && abs(q.x) < 45 && q.y < l[31].y + 12 && q.y > l[57].y - 15, "nasolabial at \(q)")
                case .crowsFeet:
                    let corner = q.x < 0 ? l[36] : l[45]
                    #expect(abs(q.x) > abs(corner.x) + 2 && abs(q.y - corner.y) < 10, "crow's feet at \(q)")
                }
            }
        }
        // The patterns do not overlap.
        let all = WrinklePattern.allCases.map { scan.profiles[$0]! }
        let overlaps = all[0].indices.filter { i in all.filter { $0[i] > 0 }.count > 1 }.count
        #expect(overlaps == 0)
    }

    @Test func reliefMovesVerticesInwardsByTheAmplitude() throws {
        guard let scan = Self.scan else { return }
        let moved = scan.displaced([.forehead], amplitude: 0.6)
        var deepest: Float = 0
        for i in scan.base.mesh.vertices.indices {
            let d = moved.mesh.vertices[i] - scan.base.mesh.vertices[i]
            let len = (d * d).sum().squareRoot()
            deepest = max(deepest, len)
            if len > 0 { #expect((d * scan.outward[i]).sum() < 0) }
            if scan.profiles[.forehead]![i] == 0 { #expect(len == 0) }
        }
        #expect(deepest > 0.55 && deepest <= 0.6 + 1e-5)
        // The NoW reference keeps the scan's vertex count and triangles.
        let reference = try scan.nowReference(moved)
        #expect(reference.mesh.vertices.count == scan.original.mesh.vertices.count)
        #expect(reference.mesh.faces == scan.original.mesh.faces)
    }

    static func scene(_ scan: WrinkleScan, seed: UInt64 = 3, size: Int = 224) throws -> ScanScene {
        let region = NoWFaceRegion(landmarks: scan.landmarks)
        return try ScanScene.sample(seed: seed, width: size, height: size, faceCentre: region.centre, faceRadius: region.radius)
    }

    /// atan2(‖a × b‖, a·b) in degrees (exact 0 for equal vectors, unlike acos near 1).
    static func angle(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
        let c = SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        return atan2f((c * c).sum().squareRoot(), (a * b).sum()) * 180 / .pi
    }

    @Test func reliefChangesTheTrueNormalsOnlyInsideItsRegions() throws {
        guard let scan = Self.scan else { return }
        let scene = try Self.scene(scan)
        let smooth = try WrinkleTruth.renderSmooth(scan, scene: scene, supersampling: 1)
        let spec = WrinkleCaseSpec(name: "all", patterns: WrinklePattern.allCases, amplitude: 1.0)
        let truth = try WrinkleTruth.make(spec, scan: scan, scene: scene, smooth: smooth, supersampling: 1)
        // Off the regions only the faint tails below `regionThreshold` remain (under 0.01°).
        let union = try #require(truth.region(WrinkleTruth.unionRegion)).mask
        let n = truth.truth.render.normals
        var inside: [Float] = []
        for i in n.indices where truth.truth.render.mask[i] {
            let a = Self.angle(n[i], smooth.normals[i])
            if union[i] { inside.append(a) } else { #expect(a < 0.01, "pixel \(i) off the wrinkles changed by \(a)°") }
        }
        #expect(inside.count > 500)
        #expect(inside.reduce(0, +) / Float(inside.count) > 1, "mean relief inside the regions")
        for p in WrinklePattern.allCases {
            #expect((truth.region(p.rawValue)?.mask.filter { $0 }.count ?? 0) > 20, "\(p) region visible")
        }
    }

    /// `--start-from truth`: the undisplaced scan, cut to the NoW face region and posed in the
    /// scene's camera, is seen where the render's face is and with its normals (up to the
    /// scan's own resolution), and nothing of it lies outside the region.
    @Test func truthPriorIsTheUndisplacedFaceInTheCamera() throws {
        guard let scan = Self.scan else { return }
        let scene = try Self.scene(scan)
        let region = NoWFaceRegion(landmarks: scan.landmarks)
        let prior = try WrinkleBenchmark.undisplacedPrior(scan, region: region, scene: scene)
        let inverse = scene.pose.inverse
        for v in prior.vertices {
            let d = inverse.apply(v) - region.centre
            #expect((d * d).sum().squareRoot() <= region.radius * 1.0001)
        }
        #expect(prior.faces.count > 1000 && prior.faces.count < scan.original.mesh.faces.count)
        let smooth = try WrinkleTruth.renderSmooth(scan, scene: scene, supersampling: 1)
        let seen = try Rasterizer(camera: scene.camera).render(prior)
        var angles: [Float] = []
        for i in seen.normals.indices where seen.triangles[i] >= 0 {
            #expect(smooth.mask[i], "pixel \(i) covered by the prior but not by the scan")
            angles.append(Self.angle(seen.normals[i], smooth.normals[i]))
        }
        #expect(angles.count > 5000)
        let mean = angles.reduce(0, +) / Float(angles.count)
        #expect(mean < 4, "mean angle to the smooth scan's normals \(mean)°")
    }

    /// Scoring end to end on known fields: "detailed" = the true normals and "prior" = the smooth
    /// scan's read correlation = gain = 1 and zero error; the truth seen through a crop at
    /// 0.7× the photo's resolution and 8 bits (the ceiling) keeps most of the detail.
    @Test func scoringReadsOneForTheTruthAndHighThroughTheCrop() throws {
        guard let scan = Self.scan else { return }
        let scene = try Self.scene(scan, seed: 3, size: 224)
        let smooth = try WrinkleTruth.renderSmooth(scan, scene: scene, supersampling: 1)
        let truth = try WrinkleTruth.make(WrinkleCaseSpec(name: "forehead", patterns: [.forehead], amplitude: 1.0), scan: scan,
                                          scene: scene, smooth: smooth, supersampling: 1)
        let mask = truth.truth.render.mask
        let xs = mask.indices.filter { mask[$0] }.map { Float($0 % 224) }, ys = mask.indices.filter { mask[$0] }.map { Float($0 / 224) }
        let crop = try FaceCrop(box: (xs.min()!, ys.min()!, xs.max()! + 1, ys.max()! + 1), margin: 0.02, size: 128)
        let seen = try Rasterizer(camera: crop.cameraInCrop(scene.camera)).render(truth.posedMesh)
        let ceiling = QualityScoring.photoNormalsBilinear(fromCropImage: NormalMap.encode(seen.normals, width: 128, height: 128),
                                                          crop: crop, width: 224, height: 224)
        let region = NoWFaceRegion(landmarks: scan.landmarks)
        let predicted = WrinkleScoring.Predicted(prior: smooth.normals, coarseField: nil, detailField: ceiling,
                                                 detailMesh: truth.truth.render.normals, ceiling: ceiling)
        let scored = try WrinkleScoring.score(truth, predicted: predicted, faceCentre: region.centre)
        let wrinkles = try #require(scored.regions.first { $0.name == WrinkleTruth.unionRegion })
        #expect(abs(wrinkles.detailMesh.correlation - 1) < 1e-6 && abs(wrinkles.detailMesh.gain - 1) < 1e-6)
        #expect(scored.face.detailMesh.meanDegrees < 1e-3)
        #expect(wrinkles.reliefMeanDegrees > 2 && wrinkles.photoContrast > 0)
        #expect(wrinkles.errors.prior.meanDegrees > 2, "the smooth prior misses the relief")
        #expect(wrinkles.detailField.correlation > 0.8, "through the crop: \(wrinkles.detailField)")
        #expect(wrinkles.detailField.gain > 0.5 && wrinkles.detailField.gain < 1.2)
        #expect(wrinkles.detailCeiling == wrinkles.detailField)
    }

    @Test func albedoControlChangesColourButNotNormals() throws {
        guard let scan = Self.scan else { return }
        let scene = try Self.scene(scan, seed: 5)
        let smooth = try WrinkleTruth.renderSmooth(scan, scene: scene, supersampling: 1)
        let control = try WrinkleTruth.make(WrinkleCaseSpec(name: "control", patterns: [], amplitude: 0), scan: scan,
                                            scene: scene, smooth: smooth, supersampling: 1)
        #expect(control.truth.render.normals == smooth.normals)
        let marks = try #require(control.region(WrinkleTruth.marksRegion)).mask
        #expect(marks.filter { $0 }.count > 200)
        let elsewhere = try #require(control.region(WrinkleTruth.elsewhereRegion)).mask
        #expect(elsewhere.indices.allSatisfy { !(elsewhere[$0] && marks[$0]) && (elsewhere[$0] || marks[$0]) == control.truth.render.mask[$0] })
        var darker = 0
        for i in marks.indices where control.truth.render.mask[i] {
            let a = control.truth.render.image.pixels[(3 * i)..<(3 * i + 3)].reduce(0, +)
            let b = smooth.image.pixels[(3 * i)..<(3 * i + 3)].reduce(0, +)
            if marks[i] { if a < b - 0.02 { darker += 1 } } else { #expect(abs(a - b) < 0.01, "colour changed off the marks at \(i): \(a) vs \(b), amount \(control.relief[i])") }
        }
        #expect(darker > 100)
    }

    /// Flattening takes the texture's wrinkle-scale luminance band out of the frontal face (its
    /// RMS at least halves), keeps hue and the broad tone there, and leaves other texels alone.
    @Test func flatteningRemovesTheTexturesWrinkleBandOnly() throws {
        guard let scan = Self.scan else { return }
        let original = scan.original
        let flat = WrinkleBandFlattening.apply(original, frame: scan.frame)
        let frontal = FrontalTexels(original, frame: scan.frame)
        let w = original.texture.width, h = original.texture.height
        var support = [Bool](repeating: false, count: w * h)
        for t in frontal.texels { support[t.index] = true }
        func band(_ image: RGBImage) -> Double {
            var l = [SIMD3<Float>](repeating: .zero, count: w * h)
            for i in 0..<(w * h) {
                let r: Float = image.pixels[3 * i], g: Float = image.pixels[3 * i + 1], b: Float = image.pixels[3 * i + 2]
                l[i] = SIMD3(repeating: 0.2126 * r + 0.7152 * g + 0.0722 * b)
            }
            let (s0, s1) = WrinkleBandFlattening.defaultSigmas
            let fine = PixelMasks.blur(l, support: support, width: w, height: h, sigma: s0 / frontal.texelSize)
            let broad = PixelMasks.blur(l, support: support, width: w, height: h, sigma: s1 / frontal.texelSize)
            let logs = frontal.texels.compactMap { t -> Double? in
                fine[t.index].x > 0.02 && broad[t.index].x > 0.02 ? Double(logf(fine[t.index].x / broad[t.index].x)) : nil
            }
            return (logs.reduce(0) { $0 + $1 * $1 } / Double(max(1, logs.count))).squareRoot()
        }
        let before = band(original.texture), after = band(flat)
        #expect(after < 0.5 * before, "band RMS \(before) → \(after)")
        var changedOff = 0, hueDrift: Float = 0
        for i in 0..<(w * h) {
            let a = SIMD3(original.texture.pixels[3 * i], original.texture.pixels[3 * i + 1], original.texture.pixels[3 * i + 2])
            let b = SIMD3(flat.pixels[3 * i], flat.pixels[3 * i + 1], flat.pixels[3 * i + 2])
            if !support[i] { if a != b { changedOff += 1 } ; continue }
            if a.sum() > 0.05 && b.max() < 0.99 { hueDrift = max(hueDrift, abs(a.x / a.sum() - b.x / b.sum())) }
        }
        #expect(changedOff == 0)
        #expect(hueDrift < 1e-3)
        #expect(frontal.texelSize > 0.05 && frontal.texelSize < 1, "texel size \(frontal.texelSize) mm")
    }

    @Test func subdivisionCarriesCornerTextureCoordinates() throws {
        // A planar textured square whose uv is linear in position: after midpoint subdivision
        // every corner's uv must equal uv(position) of its vertex.
        let (square, _) = try texturedSquare()
        let fine = try square.subdivided(levels: 2, loop: false)
        #expect(fine.mesh.faces.count == 32)
        for (f, face) in fine.mesh.faces.enumerated() {
            for (k, v) in [face.x, face.y, face.z].enumerated() {
                let p = fine.mesh.vertices[Int(v)]
                let expected = SIMD2<Float>((p.x + 100) / 200, (p.y + 100) / 200)
                #expect(((fine.cornerUVs[3 * f + k] - expected) * (fine.cornerUVs[3 * f + k] - expected)).sum() < 1e-10)
            }
        }
    }

    /// A smooth random-looking field on a 64×64 image (sums of sines), unit scale.
    static func field(_ phase: Float, width: Int = 64) -> [SIMD3<Float>] {
        (0..<(width * width)).map { i in
            let x = Float(i % width), y = Float(i / width)
            return SIMD3(sinf(0.9 * x + phase) * cosf(0.4 * y), sinf(0.7 * y + 2 * phase), cosf(0.5 * x - 0.8 * y + phase)) * 0.05
        }
    }

    @Test func correlationAndGainReadOneZeroAndHalf() throws {
        let w = 64
        let support = [Bool](repeating: true, count: w * w)
        let region = (0..<(w * w)).map { ($0 % w) > 8 && ($0 % w) < 56 && ($0 / w) > 8 && ($0 / w) < 56 }
        let t = PixelMasks.highPass(Self.field(0), support: support, width: w, height: w, sigma: 3)
        func agree(_ r: [SIMD3<Float>]) throws -> DetailAgreement {
            try DetailAgreement(recovered: PixelMasks.highPass(r, support: support, width: w, height: w, sigma: 3), truth: t, region: region)
        }
        let same = try agree(Self.field(0))
        #expect(abs(same.correlation - 1) < 1e-6 && abs(same.gain - 1) < 1e-6)
        let half = try agree(Self.field(0).map { 0.5 * $0 })
        #expect(abs(half.correlation - 1) < 1e-6 && abs(half.gain - 0.5) < 1e-6)
        let none = try agree([SIMD3<Float>](repeating: .zero, count: w * w))
        #expect(none.correlation == 0 && none.gain == 0)
        // Orthogonal: the true detail turned 90° about z in every pixel (and its z dropped).
        let f0 = Self.field(0)
        let turnedRaw = f0.map { SIMD3<Float>(-$0.y, $0.x, 0) }
        let flat = try DetailAgreement(recovered: PixelMasks.highPass(turnedRaw, support: support, width: w, height: w, sigma: 3),
                                       truth: t.map { SIMD3($0.x, $0.y, 0) }, region: region)
        #expect(abs(flat.correlation) < 1e-6 && abs(flat.gain) < 1e-6)
        // Unrelated: seeded noise.
        var g = SeededGenerator(seed: 11)
        let noise = (0..<(w * w)).map { _ in SIMD3(g.uniform(-0.05, 0.05), g.uniform(-0.05, 0.05), g.uniform(-0.05, 0.05)) }
        #expect(abs(try agree(noise).correlation) < 0.08)
        // Pooling adds the sums: two halves of one field pool to the whole.
        let left = region.indices.map { region[$0] && $0 % w < 32 }, right = region.indices.map { region[$0] && $0 % w >= 32 }
        let hr = PixelMasks.highPass(Self.field(0).map { 0.5 * $0 }, support: support, width: w, height: w, sigma: 3)
        let pooled = DetailAgreement.pooled([try DetailAgreement(recovered: hr, truth: t, region: left),
                                             try DetailAgreement(recovered: hr, truth: t, region: right)])
        #expect(abs(pooled.gain - 0.5) < 1e-6 && pooled.pixels == half.pixels)
    }

    @Test func highPassRemovesConstantsAndKeepsOffSupportZero() {
        let w = 32
        let support = (0..<(w * w)).map { ($0 % w) < 20 }
        let hp = PixelMasks.highPass([SIMD3<Float>](repeating: SIMD3(0.3, -0.2, 0.1), count: w * w), support: support,
                                     width: w, height: w, sigma: 4)
        #expect(hp.indices.allSatisfy { ((hp[$0] * hp[$0]).sum()) < 1e-10 })
        let dilated = PixelMasks.dilate((0..<(w * w)).map { $0 == 5 * w + 5 }, width: w, height: w, radius: 2)
        #expect(dilated.filter { $0 }.count == 25 && dilated[3 * w + 3] && !dilated[2 * w + 5])
    }

    /// A crop image (4×4, the photo's 8×8 at half scale) with its left half facing the camera
    /// and its right half tilted 30° about y, one black (uncovered) pixel: bilinear resampling
    /// keeps unit length, blends across the edge and never blends in the black pixel.
    @Test func cropNormalsResampleBilinearlyOverCoveredPixels() throws {
        let front = SIMD3<Float>(0, 0, -1), tilted = SIMD3<Float>(sinf(.pi / 6), 0, -cosf(.pi / 6))
        var image = RGBImage(width: 4, height: 4)
        for y in 0..<4 { for x in 0..<4 where !(x == 0 && y == 3) { image[x, y] = NormalMap.colour(x < 2 ? front : tilted) } }
        let crop = FaceCrop(originX: 0, originY: 0, side: 8, size: 4)
        let out = QualityScoring.photoNormalsBilinear(fromCropImage: image, crop: crop, width: 8, height: 8)
        func near(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ tol: Float = 0.01) -> Bool { ((a - b) * (a - b)).sum() < tol * tol }
        // Only photo pixel (0, 7) sees nothing but the black pixel and the outside.
        #expect(out.indices.filter { out[$0] == .zero } == [7 * 8])
        #expect(out.filter { $0 != .zero }.allSatisfy { abs(($0 * $0).sum() - 1) < 1e-3 })
        #expect(near(out[0], front) && near(out[7], tilted))
        // Photo x = 3 → crop 1.75, a quarter of the way from centre 1.5 to 2.5: mostly front.
        let expected = 0.75 * front + 0.25 * tilted
        #expect(near(out[1 * 8 + 3], expected / (expected * expected).sum().squareRoot(), 0.02))
        // Beside the black crop pixel (0, 3) the photo pixels take only covered neighbours.
        #expect(near(out[7 * 8 + 1], front))
    }

    @Test func caseSelectionParsesAndRejects() throws {
        let specs = try WrinkleCaseSpec.cases(names: ["forehead", "all", "control"], amplitudes: [0.3, 0.6])
        #expect(specs.map(\.label) == ["forehead 0.3 mm", "forehead 0.6 mm", "all 0.3 mm", "all 0.6 mm", "control"])
        #expect(specs[2].patterns == WrinklePattern.allCases)
        #expect(specs[4].isControl && specs[4].folderName == "control")
        #expect(throws: SiderError.self) { try WrinkleCaseSpec.cases(names: ["dimples"], amplitudes: [0.6]) }
        #expect(throws: SiderError.self) { try WrinkleCaseSpec.cases(names: ["forehead"], amplitudes: [-1]) }
        #expect(throws: SiderError.self) { try WrinkleCaseSpec.cases(names: ["forehead"], amplitudes: [.nan]) }
    }
}

import Foundation
import Testing
import ImageIO
import SiderCore

@Suite("Crop, resize, warp, sample")
struct ResamplingTests {
    /// Value a·x + b at continuous x, sampled at pixel centres: pixel i holds a·(i + ½) + b.
    static func ramp(width w: Int, height h: Int, a: Float, b: Float) -> RGBImage {
        var img = RGBImage(width: w, height: h)
        for y in 0..<h { for x in 0..<w { img[x, y] = SIMD3(repeating: a * (Float(x) + 0.5) + b) } }
        return img
    }

    @Test func sampleAtCentresAndBetween() {
        let img = Fixture.gradient(width: 9, height: 7)
        #expect(img.sample(x: 3.5, y: 2.5) == img[3, 2])
        let mid = img.sample(x: 4, y: 3)   // corner shared by (3,2), (4,2), (3,3), (4,3)
        let avg = (img[3, 2] + img[4, 2] + img[3, 3] + img[4, 3]) / 4
        #expect(maxAbs(mid - avg) < 1e-6)
        #expect(img.sample(x: -5, y: -5) == img[0, 0])        // clamp to edge
        #expect(img.sample(x: 100, y: 100) == img[8, 6])
    }

    @Test func cropInsideAndOutside() {
        let img = Fixture.gradient(width: 10, height: 8)
        let c = img.cropped(x: 2, y: 3, width: 4, height: 3)
        #expect(c.width == 4 && c.height == 3)
        for y in 0..<3 { for x in 0..<4 { #expect(c[x, y] == img[x + 2, y + 3]) } }
        let border = SIMD3<Float>(0.1, 0.2, 0.3)
        let o = img.cropped(x: -2, y: 6, width: 5, height: 4, border: border)
        for y in 0..<4 {
            for x in 0..<5 {
                let sx = x - 2, sy = y + 6
                let inside = sx >= 0 && sy < 8
                #expect(o[x, y] == (inside ? img[sx, sy] : border))
            }
        }
        #expect(img.cropped(x: 50, y: 50, width: 2, height: 2, border: border) == RGBImage(width: 2, height: 2, fill: border))
    }

    @Test func resizeOfConstantIsConstant() {
        let c = SIMD3<Float>(0.25, 0.5, 0.75)
        let img = RGBImage(width: 97, height: 61, fill: c)
        for (w, h) in [(200, 130), (10, 7), (97, 20), (3, 61), (1, 1), (45, 200)] {
            let r = img.resized(width: w, height: h)
            #expect(r.width == w && r.height == h)
            #expect(r.pixels.enumerated().allSatisfy { abs($0.element - c[$0.offset % 3]) < 1e-5 }, "\(w)×\(h)")
        }
    }

    @Test func resizeOfRampStaysLinear() {
        let a: Float = 0.01, b: Float = 0.1
        let img = Self.ramp(width: 80, height: 4, a: a, b: b)
        // Output pixel i is centred on input x = (i + ½)·s, so it must hold a·(i + ½)·s + b.
        for ow in [160, 20, 53, 40] {
            let s = Float(80) / Float(ow)
            let r = img.resized(width: ow, height: 4)
            // Bilinear is exact between the outermost input centres; integer area factors are exact
            // everywhere; a non-integer box average of the step function is within a/2.
            let tol: Float = (s > 2 && s != s.rounded()) ? a / 2 : 1e-5
            for i in 0..<ow {
                let x = (Float(i) + 0.5) * s
                guard x >= 0.5, x <= 79.5 else { continue }
                #expect(abs(r[i, 2].x - (a * x + b)) <= tol, "ow \(ow) i \(i)")
            }
        }
    }

    @Test func largeDownscaleDoesNotAlias() {
        var checker = RGBImage(width: 128, height: 96)
        for y in 0..<96 { for x in 0..<128 where (x + y) % 2 == 0 { checker[x, y] = SIMD3(repeating: 1) } }
        let small = checker.resized(width: 16, height: 12)
        #expect(small.pixels.allSatisfy { abs($0 - 0.5) < 1e-5 })
        let warped = checker.warpedAffine(.scale(8, 8), width: 16, height: 12)
        #expect(warped.pixels.allSatisfy { abs($0 - 0.5) < 0.02 })
    }

    @Test func identityWarpIsOriginal() {
        let img = Fixture.gradient(width: 33, height: 21)
        #expect(img.warpedAffine(.identity, width: 33, height: 21) == img)
    }

    @Test func translationByOnePixelShifts() {
        let img = Fixture.gradient(width: 12, height: 9)
        let border = SIMD3<Float>(1, 0, 1)
        // Output (x, y) reads input (x + 1, y − 2).
        let out = img.warpedAffine(.translation(1, -2), width: 12, height: 9, border: border)
        for y in 0..<9 {
            for x in 0..<12 {
                let sx = x + 1, sy = y - 2
                #expect(out[x, y] == ((sx < 12 && sy >= 0) ? img[sx, sy] : border), "(\(x), \(y))")
            }
        }
        // Without a border colour the edge repeats.
        let clamped = img.warpedAffine(.translation(1, 0), width: 12, height: 9, border: nil)
        for y in 0..<9 { #expect(clamped[11, y] == img[11, y] && clamped[10, y] == img[11, y]) }
        // Half a pixel: the average of horizontal neighbours.
        let half = img.warpedAffine(.translation(0.5, 0), width: 12, height: 9)
        #expect(maxAbs(half[4, 3] - (img[4, 3] + img[5, 3]) / 2) < 1e-6)
    }

    @Test func quarterTurnWarpMatchesExifRotation() {
        let img = Fixture.gradient(width: 10, height: 6)
        // Output (X, Y) ↦ input (Y, h − X): a 90° clockwise rotation, EXIF orientation 6.
        let m = AffineTransform2D(a: 0, b: 1, c: 0, d: -1, e: 0, f: 6)
        let rotated = img.warpedAffine(m, width: 6, height: 10)
        #expect(Fixture.maxDifference(rotated, ExifOrientation(6).apply(to: img)) < 1e-6)
    }

    @Test func affineAlgebra() throws {
        let m = AffineTransform2D(a: 2, b: 0.5, c: 3, d: -1, e: 1.5, f: -4)
        let inv = try #require(m.inverse)
        let p = SIMD2<Float>(1.25, -7)
        let q = inv.apply(m.apply(p))
        #expect(abs(q.x - p.x) < 1e-5 && abs(q.y - p.y) < 1e-5)
        let composed = AffineTransform2D.translation(1, 2) * .scale(3, 4)
        #expect(composed.apply(SIMD2(1, 1)) == SIMD2(4, 6))
        #expect(AffineTransform2D.scale(0, 1).inverse == nil)
    }
}

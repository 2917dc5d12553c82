import Foundation
import Testing
import ImageIO
import SiderCore

@Suite("Drawing and overlays")
struct DrawingTests {
    let red = SIMD3<Float>(1, 0, 0)

    @Test func pointCoversItsDisc() {
        var img = RGBImage(width: 20, height: 20)
        img.drawPoint(SIMD2(10, 10), radius: 3, color: red)
        #expect(img[9, 9] == red && img[10, 10] == red && img[8, 10] == red)  // centres within 1.6 px
        #expect(img[15, 10] == .zero && img[10, 4] == .zero && img[0, 0] == .zero)
        // Edge pixel (12, 10): centre (12.5, 10.5) is √6.5 from p, coverage r + ½ − d.
        #expect(abs(img[12, 10].x - (3.5 - Float(6.5).squareRoot())) < 1e-5)
        #expect(img[12, 10].y == 0)
        img.drawPoint(SIMD2(-50, 3), radius: 2, color: red)       // off-image: no effect, no crash
        img.drawPoint(SIMD2(.nan, 3), radius: 2, color: red)
    }

    @Test func horizontalLineIsOnePixelThick() {
        var img = RGBImage(width: 16, height: 10)
        img.drawLine(from: SIMD2(2, 5.5), to: SIMD2(13, 5.5), color: red, thickness: 1)
        for x in 2..<13 { #expect(img[x, 5] == red, "x \(x)") }
        for x in 0..<16 { #expect(img[x, 4] == .zero && img[x, 6] == .zero) }
        #expect(img[0, 5] == .zero && img[15, 5] == .zero)
    }

    @Test func diagonalLineCoversTheDiagonal() {
        var img = RGBImage(width: 32, height: 32)
        img.drawLine(from: SIMD2(0, 0), to: SIMD2(32, 32), color: red, thickness: 1.5)
        for i in 0..<32 { #expect(img[i, i] == red) }
        for i in 0..<29 { #expect(img[i + 3, i] == .zero && img[i, i + 3] == .zero) }
        // Far off: untouched; steep line visits only its rows.
        img.drawLine(from: SIMD2(5.5, -100), to: SIMD2(5.5, 100), color: SIMD3(0, 1, 0), thickness: 1)
        #expect(img[5, 20] == SIMD3(0, 1, 0), "\(img[5, 20])")
        #expect(img[7, 20] == .zero)
    }

    @Test func blendWithMask() throws {
        let a = RGBImage(width: 2, height: 1, fill: SIMD3(0, 0, 0))
        let b = RGBImage(width: 2, height: 1, fill: SIMD3(1, 0.5, 0))
        let half = try a.blended(with: b, alpha: 0.5)
        #expect(half[0, 0] == SIMD3(0.5, 0.25, 0) && half[1, 0] == SIMD3(0.5, 0.25, 0))
        let masked = try a.blended(with: b, alpha: 1, mask: [0, 1])
        #expect(masked[0, 0] == .zero && masked[1, 0] == SIMD3(1, 0.5, 0))
        Fixture.expectSiderError { _ = try a.blended(with: RGBImage(width: 3, height: 1), alpha: 0.5) }
        Fixture.expectSiderError { _ = try a.blended(with: b, alpha: 0.5, mask: [1]) }
    }

    @Test func textGlyphs() {
        var img = RGBImage(width: 40, height: 10)
        let end = img.drawText("-1", x: 1, y: 1, color: red)
        #expect(end == 1 + 2 * BitmapFont.advance)
        // "-" is a single horizontal bar on glyph row 3: pixels (1…5, 4) inked, row above not.
        for x in 1...5 { #expect(img[x, 4] == red && img[x, 3] == .zero) }
        // "1" has a vertical stem in its middle column (x = 7 + 2) on every row.
        for y in 1...7 { #expect(img[9, y] == red) }
        #expect(BitmapFont.size(of: "12.5", scale: 2) == (46, 14))
        // Lower case draws as upper case; distinct digits differ.
        #expect(BitmapFont.rows(for: "a") == BitmapFont.rows(for: "A"))
        let digits = (0...9).map { BitmapFont.rows(for: Character(String($0))) }
        #expect(Set(digits.map { $0.description }).count == 10)
        // Scaled text is clipped, not a crash.
        img.drawText("HELLO 123", x: 30, y: 5, color: red, scale: 3)
    }
}

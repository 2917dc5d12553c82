import ImageIO

/// Draws a `CumulativeErrorPlot` into an `RGBImage` (for the PNG output) with ImageIO's
/// anti-aliased lines and 5×7 bitmap font at scale 2 (10×14-pixel glyphs; the font has upper
/// case only). The y-axis label is written horizontally above the axis, since the bitmap font
/// does not rotate.
public enum RasterPlotRenderer {
    static let fontScale = 2
    static var charWidth: Double { Double(BitmapFont.advance * fontScale) }
    static let black = SIMD3<Float>(0, 0, 0)
    static let grid = SIMD3<Float>(0.87, 0.87, 0.87)

    public static func render(_ plot: CumulativeErrorPlot) -> RGBImage {
        var img = RGBImage(width: plot.width, height: plot.height, fill: SIMD3(1, 1, 1))
        let l = Float(plot.plotLeft), r = Float(plot.plotRight), t = Float(plot.plotTop), b = Float(plot.plotBottom)
        let glyphH = BitmapFont.glyphHeight * fontScale
        for x in plot.xTicks {
            let cx = Float(plot.canvas(x: x, y: 0).0)
            img.drawLine(from: SIMD2(cx, t), to: SIMD2(cx, b), color: grid)
            img.drawLine(from: SIMD2(cx, b), to: SIMD2(cx, b + 5), color: black)
            text(&img, CumulativeErrorPlot.tickLabel(x), centreX: cx, top: Int(b) + 9)
        }
        for y in plot.yTicks {
            let cy = Float(plot.canvas(x: 0, y: y).1)
            img.drawLine(from: SIMD2(l, cy), to: SIMD2(r, cy), color: grid)
            img.drawLine(from: SIMD2(l - 5, cy), to: SIMD2(l, cy), color: black)
            let label = CumulativeErrorPlot.tickLabel(y)
            let w = BitmapFont.size(of: label, scale: fontScale).width
            img.drawText(label, x: Int(l) - 9 - w, y: Int(cy) - glyphH / 2, color: black, scale: fontScale)
        }
        img.drawRectangle(origin: SIMD2(l, t), size: SIMD2(r - l, b - t), color: black)
        text(&img, plot.xLabel, centreX: (l + r) / 2, top: plot.height - glyphH - 8)
        img.drawText(plot.yLabel, x: 8, y: Int(t) - glyphH - 12, color: black, scale: fontScale)
        text(&img, plot.title, centreX: Float(plot.width) / 2, top: 6)

        for (i, curve) in plot.curves.enumerated() {
            let pts = zip(curve.thresholds, curve.percentages).filter { $0.0 <= plot.xMax + 1e-12 }
                .map { p -> SIMD2<Float> in
                    let (x, y) = plot.canvas(x: p.0, y: p.1)
                    return SIMD2(Float(x), Float(y))
                }
            img.drawPolyline(pts, color: plot.colour(ofCurve: i), thickness: 2)
        }
        if !plot.curves.isEmpty {
            let (lx, ly) = plot.legendOrigin(charWidth: charWidth)
            let w = plot.legendWidth(charWidth: charWidth)
            let h = plot.legendRowHeight * Double(plot.curves.count) + 6
            fill(&img, x0: Int(lx), y0: Int(ly), x1: Int(lx + w), y1: Int(ly + h))
            img.drawRectangle(origin: SIMD2(Float(lx), Float(ly)), size: SIMD2(Float(w), Float(h)),
                              color: SIMD3(0.53, 0.53, 0.53))
            for (i, curve) in plot.curves.enumerated() {
                let y = Float(ly + 3 + plot.legendRowHeight * (Double(i) + 0.5))
                img.drawLine(from: SIMD2(Float(lx) + 6, y), to: SIMD2(Float(lx) + 30, y),
                             color: plot.colour(ofCurve: i), thickness: 2)
                img.drawText(curve.label, x: Int(lx) + 36, y: Int(y) - glyphH / 2, color: black, scale: fontScale)
            }
        }
        return img
    }

    static func text(_ img: inout RGBImage, _ s: String, centreX: Float, top: Int) {
        let w = BitmapFont.size(of: s, scale: fontScale).width
        img.drawText(s, x: Int(centreX) - w / 2, y: top, color: black, scale: fontScale)
    }

    static func fill(_ img: inout RGBImage, x0: Int, y0: Int, x1: Int, y1: Int) {
        for y in max(0, y0)..<min(img.height, y1) {
            for x in max(0, x0)..<min(img.width, x1) { img[x, y] = SIMD3(1, 1, 1) }
        }
    }
}

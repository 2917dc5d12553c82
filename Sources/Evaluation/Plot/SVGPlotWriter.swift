/// Writes a `CumulativeErrorPlot` as a standalone SVG document (axes, grid, ticks, labels,
/// one polyline per curve, legend).
public enum SVGPlotWriter {
    public static func svg(_ plot: CumulativeErrorPlot) -> String {
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(plot.width)" height="\(plot.height)" \
        viewBox="0 0 \(plot.width) \(plot.height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>

        """
        let l = plot.plotLeft, r = plot.plotRight, t = plot.plotTop, b = plot.plotBottom
        for x in plot.xTicks {
            let (cx, _) = plot.canvas(x: x, y: 0)
            s += line(cx, t, cx, b, "#dddddd", 1)
            s += line(cx, b, cx, b + 5, "black", 1)
            s += text(cx, b + 20, CumulativeErrorPlot.tickLabel(x), anchor: "middle", size: 12)
        }
        for y in plot.yTicks {
            let (_, cy) = plot.canvas(x: 0, y: y)
            s += line(l, cy, r, cy, "#dddddd", 1)
            s += line(l - 5, cy, l, cy, "black", 1)
            s += text(l - 8, cy + 4, CumulativeErrorPlot.tickLabel(y), anchor: "end", size: 12)
        }
        s += "<rect x=\"\(f(l))\" y=\"\(f(t))\" width=\"\(f(r - l))\" height=\"\(f(b - t))\" fill=\"none\" stroke=\"black\"/>\n"
        s += text((l + r) / 2, Double(plot.height) - 14, plot.xLabel, anchor: "middle", size: 14)
        s += "<text x=\"18\" y=\"\(f((t + b) / 2))\" font-size=\"14\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f((t + b) / 2)))\">\(escape(plot.yLabel))</text>\n"
        s += text((l + r) / 2, 24, plot.title, anchor: "middle", size: 15)

        for (i, curve) in plot.curves.enumerated() {
            let pts = zip(curve.thresholds, curve.percentages).filter { $0.0 <= plot.xMax + 1e-12 }
                .map { plot.canvas(x: $0.0, y: $0.1) }.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(hex(plot.colour(ofCurve: i)))\" stroke-width=\"2\" points=\"\(pts)\"/>\n"
        }
        if !plot.curves.isEmpty {
            let (lx, ly) = plot.legendOrigin(charWidth: charWidth)
            let h = plot.legendRowHeight * Double(plot.curves.count) + 6
            s += "<rect x=\"\(f(lx))\" y=\"\(f(ly))\" width=\"\(f(plot.legendWidth(charWidth: charWidth)))\" height=\"\(f(h))\" fill=\"white\" stroke=\"#888888\"/>\n"
            for (i, curve) in plot.curves.enumerated() {
                let y = ly + 3 + plot.legendRowHeight * (Double(i) + 0.5)
                s += line(lx + 6, y, lx + 30, y, hex(plot.colour(ofCurve: i)), 2)
                s += text(lx + 36, y + 4, curve.label, anchor: "start", size: 12)
            }
        }
        s += "</svg>\n"
        return s
    }

    /// Approximate advance of a 12 px sans-serif character.
    static let charWidth = 7.0

    static func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ colour: String, _ w: Double) -> String {
        "<line x1=\"\(f(x0))\" y1=\"\(f(y0))\" x2=\"\(f(x1))\" y2=\"\(f(y1))\" stroke=\"\(colour)\" stroke-width=\"\(f(w))\"/>\n"
    }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String, size: Int) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\">\(escape(s))</text>\n"
    }

    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    static func hex(_ c: SIMD3<Float>) -> String {
        func h(_ v: Float) -> String {
            let i = Int((min(max(v, 0), 1) * 255).rounded())
            let digits = Array("0123456789abcdef")
            return String([digits[i / 16], digits[i % 16]])
        }
        return "#" + h(c.x) + h(c.y) + h(c.z)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import Foundation

import Testing
import Foundation
import ImageIO
@testable import Evaluation

@Suite struct PlotTests {
    func samplePlot() throws -> CumulativeErrorPlot {
        let a = try CumulativeErrorCurve(label: "SIDER", errors: (0..<1000).map { Float($0) / 400 })
        let b = try CumulativeErrorCurve(label: "coarse prior", errors: (0..<1000).map { Float($0) / 150 })
        return CumulativeErrorPlot(curves: [a, b])
    }

    /// Each curve's colour appears in the plot area; the curve of the smaller errors rises
    /// first (at x = 1 mm its pixel is higher, i.e. smaller row); text ink exists in the margins.
    @Test func rasterPlotShowsCurvesAxesAndText() throws {
        let plot = try samplePlot()
        let img = RasterPlotRenderer.render(plot)
        if let dir = ProcessInfo.processInfo.environment["SIDER_PLOT_DUMP"] {
            try PNGEncoder.save(img, to: URL(fileURLWithPath: dir).appendingPathComponent("plot.png"))
            try SVGPlotWriter.svg(plot).write(toFile: dir + "/plot.svg", atomically: true, encoding: .utf8)
        }
        func rows(ofColour c: SIMD3<Float>, atX x: Int) -> [Int] {
            (0..<img.height).filter { y in
                let p = img[x, y]
                return abs(p.x - c.x) + abs(p.y - c.y) + abs(p.z - c.z) < 0.1
            }
        }
        let x1 = Int(plot.canvas(x: 1, y: 0).0)
        let ra = rows(ofColour: plot.colour(ofCurve: 0), atX: x1)
        let rb = rows(ofColour: plot.colour(ofCurve: 1), atX: x1)
        #expect(!ra.isEmpty && !rb.isEmpty)
        // Curve a: 40 % of errors ≤ 1 mm; b: 15 %.
        let ya = plot.canvas(x: 1, y: 40).1, yb = plot.canvas(x: 1, y: 15).1
        #expect(abs(Double(ra.reduce(0, +)) / Double(ra.count) - ya) < 3)
        #expect(abs(Double(rb.reduce(0, +)) / Double(rb.count) - yb) < 3)
        // Dark ink below the plot area (tick labels, axis label).
        var ink = 0
        for y in Int(plot.plotBottom) + 8..<plot.height { for x in 0..<plot.width where img[x, y].x < 0.3 { ink += 1 } }
        #expect(ink > 200)
    }

    @Test func svgHasOnePolylinePerCurveAndLabels() throws {
        let svg = SVGPlotWriter.svg(try samplePlot())
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains("Error [mm]") && svg.contains("SIDER") && svg.contains("coarse prior"))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    }
}

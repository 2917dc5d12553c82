/// What a cumulative error plot (Fig. 6) shows, independent of the output format: one curve per
/// method over x = error in mm (0…`xMax`) and y = percentage of scan vertices (0…100), axis
/// labels, ticks and a legend, laid out on a `width`×`height` canvas.
///
/// `SVGPlotWriter` and `RasterPlotRenderer` draw the same layout.
public struct CumulativeErrorPlot: Sendable {
    public var curves: [CumulativeErrorCurve]
    public var title: String
    public var xLabel = "Error [mm]"
    public var yLabel = "Percentage of scan vertices [%]"
    public var xMax: Double
    public var width: Int
    public var height: Int

    public init(curves: [CumulativeErrorCurve], title: String = "Cumulative scan-to-mesh error",
                xMax: Double = 8, width: Int = 640, height: Int = 480) {
        self.curves = curves
        self.title = title
        self.xMax = xMax
        self.width = width
        self.height = height
    }

    /// Plot area in canvas pixels (origin top-left, y down).
    public var plotLeft: Double { 72 }
    public var plotRight: Double { Double(width) - 24 }
    public var plotTop: Double { 60 }
    public var plotBottom: Double { Double(height) - 56 }

    /// Canvas position of data point (error, percentage).
    public func canvas(x: Double, y: Double) -> (Double, Double) {
        let cx = plotLeft + (plotRight - plotLeft) * min(max(x / xMax, 0), 1)
        let cy = plotBottom - (plotBottom - plotTop) * min(max(y / 100, 0), 1)
        return (cx, cy)
    }

    /// x ticks: whole millimetres when xMax ≥ 2, otherwise a "nice" step giving 4–10 ticks.
    public var xTicks: [Double] {
        let step = CumulativeErrorPlot.niceStep(xMax)
        return stride(from: 0, through: xMax + step * 1e-9, by: step).map { $0 }
    }

    public var yTicks: [Double] { stride(from: 0, through: 100, by: 20).map { $0 } }

    /// Tick label text (no trailing zeros).
    public static func tickLabel(_ v: Double) -> String {
        if abs(v - v.rounded()) < 1e-9 { return String(Int(v.rounded())) }
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// Colours per curve (RGB in [0, 1]), distinguishable and print-safe.
    public static let palette: [SIMD3<Float>] = [
        SIMD3(0.12, 0.47, 0.71), SIMD3(0.84, 0.15, 0.16), SIMD3(0.17, 0.63, 0.17), SIMD3(1.0, 0.50, 0.05),
        SIMD3(0.58, 0.40, 0.74), SIMD3(0.55, 0.34, 0.29), SIMD3(0.89, 0.47, 0.76), SIMD3(0.50, 0.50, 0.50),
    ]

    public func colour(ofCurve i: Int) -> SIMD3<Float> { CumulativeErrorPlot.palette[i % CumulativeErrorPlot.palette.count] }

    /// Legend box rows (lower right, inside the plot area): top-left corner and row height.
    public var legendRowHeight: Double { 18 }
    /// Legend width for text whose characters advance `charWidth` pixels.
    public func legendWidth(charWidth: Double) -> Double {
        let longest = curves.map { $0.label.count }.max() ?? 0
        return Double(longest) * charWidth + 44
    }
    public func legendOrigin(charWidth: Double) -> (Double, Double) {
        (plotRight - legendWidth(charWidth: charWidth) - 8, plotBottom - 8 - legendRowHeight * Double(curves.count) - 6)
    }

    static func niceStep(_ range: Double) -> Double {
        guard range > 0 else { return 1 }
        if range >= 2 && range <= 12 { return 1 }
        let raw = range / 6
        let mag = pow(10, floor(log10(raw)))
        for m in [1.0, 2.0, 5.0, 10.0] where raw <= m * mag { return m * mag }
        return 10 * mag
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

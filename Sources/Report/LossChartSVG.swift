import Foundation

/// Loss curves as inline SVG: one small panel per term (each with its own y axis, since the
/// terms differ by orders of magnitude), so any set of terms lays out without configuration.
///
/// y is logarithmic when every value is positive and they span more than `logRatio`, else
/// linear; x is the iteration. Long series are thinned to at most `maxPoints` (every k-th point,
/// the last kept) so the page stays small.
enum LossChartSVG {
    static let width = 300.0, height = 150.0
    static let left = 52.0, right = 8.0, top = 20.0, bottom = 22.0
    static let logRatio = 50.0
    static let maxPoints = 400

    static func panel(_ s: LossSeries, colour: String) -> String {
        let xs = s.iterations, ys = s.values
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return "" }
        let log = y0 > 0 && y1 / y0 > logRatio
        func ty(_ y: Double) -> Double { log ? Foundation.log10(y) : y }
        var lo = ty(y0), hi = ty(y1)
        if hi - lo < 1e-12 { lo -= 0.5 * max(abs(lo), 1e-6); hi += 0.5 * max(abs(hi), 1e-6) }
        let xr = max(x1 - x0, 1)
        let pw = width - left - right, ph = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / xr * pw }
        func py(_ y: Double) -> Double { top + (1 - (ty(y) - lo) / (hi - lo)) * ph }
        let step = max(1, xs.count / maxPoints)
        var idx = Array(stride(from: 0, to: xs.count, by: step))
        if idx.last != xs.count - 1 { idx.append(xs.count - 1) }
        let points = idx.map { String(format: "%.1f,%.1f", px(xs[$0]), py(ys[$0])) }.joined(separator: " ")
        let yLabel = { (v: Double) in log ? format(pow(10, v)) : format(v) }
        let title = HTMLText.escape(s.name) + (log ? " (log)" : "")
        return """
        <svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))" data-term="\(HTMLText.escape(s.name))">
        <text x="\(left)" y="13" class="chart-title">\(title)</text>
        <rect x="\(left)" y="\(top)" width="\(pw)" height="\(ph)" class="chart-frame"/>
        <text x="\(left - 4)" y="\(top + 8)" class="chart-tick" text-anchor="end">\(yLabel(hi))</text>
        <text x="\(left - 4)" y="\(top + ph)" class="chart-tick" text-anchor="end">\(yLabel(lo))</text>
        <text x="\(left)" y="\(height - 6)" class="chart-tick">\(format(x0))</text>
        <text x="\(width - right)" y="\(height - 6)" class="chart-tick" text-anchor="end">\(format(x1))</text>
        <polyline fill="none" stroke="\(colour)" stroke-width="1.3" points="\(points)"/>
        </svg>
        """
    }

    /// All panels of `series`, in a flex row.
    static func panels(_ series: [LossSeries]) -> String {
        let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
        return series.enumerated().map { panel($0.element, colour: colours[$0.offset % colours.count]) }.joined(separator: "\n")
    }

    static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1000 || a < 0.01 { return String(format: "%.2g", v) }
        if a >= 10 { return String(format: "%.0f", v) }
        return String(format: "%.3g", v)
    }
}

/// HTML escaping for text and attribute values.
enum HTMLText {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

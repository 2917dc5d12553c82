import Foundation

/// `index.html`: a gallery of the batch, one card per photo linking its report (thumbnails
/// are the runs' own shaded.png / overlay.png, linked, not copied, so the page stays small).
enum BatchGallery {
    static func html(_ s: BatchSummary) -> String {
        func esc(_ t: String) -> String {
            t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let cards = s.entries.map { e -> String in
            let folder = e.report.map { ($0 as NSString).deletingLastPathComponent } ?? e.name
            let thumb = e.status == "done" ? "<img src=\"\(esc(folder))/shaded.png\" alt=\"\" loading=\"lazy\" onerror=\"this.style.visibility='hidden'\">" : ""
            var facts: [String] = [e.status]
            if let t = e.seconds { facts.append(String(format: "%.0f s", t)) }
            if let l = e.landmarkErrorMeanPx { facts.append(String(format: "landmarks %.1f px", l)) }
            if let t = e.losses?["total"] { facts.append(String(format: "loss %.4f", t)) }
            let title = e.report.map { "<a href=\"\(esc($0))\">\(esc(e.name))</a>" } ?? esc(e.name)
            let error = e.error.map { "<p class=\"err\">\(esc($0))</p>" } ?? ""
            return "<div class=\"card \(esc(e.status))\">\(thumb)<h3>\(title)</h3><p>\(esc(facts.joined(separator: " · ")))</p>\(error)</div>"
        }.joined(separator: "\n")
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>sider batch</title>
        <style>
        body { font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; margin: 20px; background: #f6f7f9; color: #1b1f24; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
        .card { background: #fff; border: 1px solid #d9dde3; border-radius: 6px; padding: 8px; }
        .card img { width: 100%; display: block; background: #000; }
        .card h3 { font-size: 14px; margin: 6px 0 2px; word-break: break-all; }
        .card p { margin: 0; color: #5b6470; font-size: 12px; }
        .card.failed { border-color: #d97706; } .err { color: #9a3412 !important; }
        </style></head><body>
        <h1>sider batch\(s.shard.map { " (shard \($0))" } ?? "")</h1>
        <p>\(s.photos) photos: \(s.done) done, \(s.failed) failed, \(s.interrupted) interrupted, \(s.pending) pending · <a href="\(BatchSummary.stem(try? s.shard.map { try BatchShard.parse($0) }) ).csv">summary.csv</a></p>
        <div class="grid">
        \(cards)
        </div></body></html>

        """
    }
}

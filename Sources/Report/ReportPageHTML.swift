import Foundation

/// The report page's HTML, assembled from what a finished output folder holds.
///
/// Every image is embedded as a base64 data URI, the meshes as base64 typed arrays in a JSON
/// element, three.js and the page's own script inline: one file that opens from disk with no
/// network. Sections appear only for what is present (an albedo or shading image only when the
/// shader wrote one; the 3D viewer only when the meshes and three.js are there).
struct ReportPageHTML {
    var title: String
    var summary: String
    var images: [String: Data]           // file name → PNG bytes
    var meshesJSON: String?              // viewer payload, nil: no viewer
    var threeScripts: [String]
    var detailCharts: String
    var coarseCharts: String
    var tables: [(title: String, rows: [(String, String)])]
    var notes: [String]
    var downloads: [String]

    static let captions: [(String, String)] = [
        ("crop.png", "photo crop (the frame of every image)"),
        ("render.png", "g_ω's rendering of the detailed surface"),
        ("albedo.png", "albedo"),
        ("shading.png", "shading"),
        ("depth.png", "depth (nearest white)"),
        ("overlay.png", "detailed surface over the photo"),
        ("texture.png", "texture (photo in UV space)"),
        ("normal_map.png", "tangent-space normal map (UV)"),
        ("displacement.png", "displacement map (UV, 16-bit)"),
    ]

    func dataURI(_ name: String) -> String? {
        images[name].map { "data:image/png;base64," + $0.base64EncodedString() }
    }

    func compare(_ before: String, _ after: String, label: String) -> String {
        guard let b = dataURI(before), let a = dataURI(after) else { return "" }
        return """
        <figure class="compare" data-compare="\(HTMLText.escape(label))">
        <div class="compare-frame"><img src="\(b)" alt="\(before)"><div class="compare-top"><img src="\(a)" alt="\(after)"></div><div class="compare-bar"></div></div>
        <input type="range" min="0" max="100" value="50" aria-label="\(HTMLText.escape(label)) slider">
        <div class="labels"><span>← detailed (\(after))</span><span>coarse (\(before)) →</span></div>
        <figcaption>\(HTMLText.escape(label)): drag the slider to compare coarse and detailed</figcaption>
        </figure>
        """
    }

    var viewer: String {
        guard let meshesJSON else {
            return "<p class=\"note warn\">No 3D viewer: \(HTMLText.escape(notes.first(where: { $0.hasPrefix("viewer:") }) ?? "meshes missing"))</p>"
        }
        let safeJSON = InlineScriptText.escapingEndTags(meshesJSON)
        return """
        <div class="viewer-wrap">
        <div id="viewer"></div>
        <div class="controls">
        <span><button data-mesh="detailed" class="on">detailed</button> <button data-mesh="coarse">coarse</button></span>
        <span><button data-material="textured">textured</button> <button data-material="grey" class="on">grey</button></span>
        <label>light azimuth <input id="light-azimuth" type="range" min="-180" max="180" value="-35"></label>
        <label>elevation <input id="light-elevation" type="range" min="-80" max="80" value="35"></label>
        <button id="view-reset">reset view</button>
        <span class="hint">drag: orbit · wheel: zoom · right-drag: pan</span>
        </div>
        </div>
        <script id="sider-meshes" type="application/json">\(safeJSON)</script>
        """
    }

    var html: String {
        var figures = ""
        for (name, caption) in ReportPageHTML.captions {
            guard let uri = dataURI(name) else { continue }
            figures += "<figure><img src=\"\(uri)\" alt=\"\(name)\"><figcaption>\(name): \(HTMLText.escape(caption))</figcaption></figure>\n"
        }
        let tableHTML = tables.map { t in
            let table = "<table><tr><th colspan=\"2\">\(HTMLText.escape(t.title))</th></tr>" +
                t.rows.map { "<tr><td>\(HTMLText.escape($0.0))</td><td>\(HTMLText.escape($0.1))</td></tr>" }.joined() + "</table>"
            // Long tables (the settings) start folded.
            return t.rows.count > 12 ? "<details><summary>\(HTMLText.escape(t.title)) (\(t.rows.count))</summary>\(table)</details>" : table
        }.joined(separator: "\n")
        let noteHTML = notes.map { "<p class=\"note\">\(HTMLText.escape($0))</p>" }.joined()
        let links = downloads.map { "<a href=\"\(HTMLText.escape($0))\">\(HTMLText.escape($0))</a>" }.joined(separator: " · ")
        let scripts = meshesJSON == nil ? "" : threeScripts.map { "<script>\n\($0)\n</script>" }.joined(separator: "\n")
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLText.escape(title))</title>
        <style>
        \(ReportPageStyle.text)
        </style>
        </head>
        <body>
        <header>
        <h1>\(HTMLText.escape(title))</h1>
        <p class="summary">\(HTMLText.escape(summary))</p>
        </header>
        <main>
        <h2>3D result</h2>
        \(viewer)
        <h2>Coarse vs detailed</h2>
        <div class="compare-row">
        \(compare("coarse_normals.png", "normals.png", label: "normals"))
        \(compare("coarse_shaded.png", "shaded.png", label: "shaded"))
        </div>
        <h2>Images</h2>
        <div class="grid">
        \(figures)
        </div>
        <h2>Loss curves</h2>
        <h3 class="note">detail stage</h3>
        <div class="charts">\(detailCharts.isEmpty ? "<p class=\"note\">no loss records</p>" : detailCharts)</div>
        <h3 class="note">coarse stage</h3>
        <div class="charts">\(coarseCharts.isEmpty ? "<p class=\"note\">no loss records</p>" : coarseCharts)</div>
        <h2>Run</h2>
        <div class="tables">
        \(tableHTML)
        </div>
        \(noteHTML)
        <h2>Files</h2>
        <p>\(links)</p>
        </main>
        <footer>Written by sider report from run.json and the images and meshes of this folder; opens offline (everything is embedded).</footer>
        \(scripts)
        <script>
        \(ReportPageScript.text)
        </script>
        </body>
        </html>

        """
    }
}

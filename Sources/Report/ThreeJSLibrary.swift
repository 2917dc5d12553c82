import Foundation
import SiderCore

/// three.js and its OrbitControls from Debian's `libjs-three` package (r111), read from the
/// system path at report time and inlined into the page, so the report opens from disk with no
/// network and nothing third-party is committed.
///
/// Folder: `$SIDER_THREE_JS` if set, else `/usr/share/javascript/three`; files
/// `three.min.js` and `examples/js/controls/OrbitControls.js` (the UMD build that attaches
/// `THREE.OrbitControls`).
public enum ThreeJSLibrary {
    public static var folder: URL {
        if let s = ProcessInfo.processInfo.environment["SIDER_THREE_JS"], !s.isEmpty {
            return URL(fileURLWithPath: s, isDirectory: true)
        }
        return URL(fileURLWithPath: "/usr/share/javascript/three", isDirectory: true)
    }

    static let files = ["three.min.js", "examples/js/controls/OrbitControls.js"]

    /// The scripts' text, ready to sit inside `<script>` elements.
    public static func scripts() throws -> [String] {
        try files.map { name in
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SiderError(.missingFile, "missing \(url.path) (three.js for the report's 3D viewer); run scripts/install-deps (Debian package libjs-three) or set SIDER_THREE_JS")
            }
            guard let text = String(data: try AtomicFile.read(url), encoding: .utf8) else {
                throw SiderError(.badInput, "\(url.path) is not UTF-8 text")
            }
            return inlineSafe(text)
        }
    }

    /// A script's text with every `</script` written `<\/script`, so it cannot end the element.
    static func inlineSafe(_ js: String) -> String {
        InlineScriptText.escapingScriptEndTags(js)
    }
}

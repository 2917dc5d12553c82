import Foundation

/// Parsed JSON flattened to (dotted path, value text) rows for a settings table: whatever the
/// preset holds is shown, with no list of known fields to keep up to date.
enum SettingsTable {
    static func rows(_ value: Any?, prefix: String = "", limit: Int = 200) -> [(String, String)] {
        var out: [(String, String)] = []
        func walk(_ v: Any?, _ path: String) {
            guard out.count < limit else { return }
            switch v {
            case let d as [String: Any]:
                for k in d.keys.sorted() { walk(d[k], path.isEmpty ? k : "\(path).\(k)") }
            case let a as [Any]:
                if a.allSatisfy({ !($0 is [String: Any]) && !($0 is [Any]) }) {
                    let shown = a.prefix(8).map(text).joined(separator: ", ")
                    out.append((path, "[" + shown + (a.count > 8 ? ", … (\(a.count))" : "") + "]"))
                } else {
                    for (i, x) in a.enumerated() { walk(x, "\(path)[\(i)]") }
                }
            default:
                out.append((path, text(v)))
            }
        }
        walk(value, prefix)
        return out
    }

    static func text(_ v: Any?) -> String {
        switch v {
        case nil, is NSNull: return "null"
        case let s as String: return s
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            let d = n.doubleValue
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.6g", d)
        default: return "\(v!)"
        }
    }
}

/// Text put inside a `<script>` element of report.html: nothing in it may end the element early.
/// Byte-level passes over the UTF-8 (every pattern is ASCII, so no multi-byte character can
/// contain it): Foundation's `replacingOccurrences` took a tenth of `sider report` on a
/// 121 k-vertex mesh's JSON.
enum InlineScriptText {
    /// Every `</` written `<\/` (JSON data: `\/` is `/` inside a JSON string).
    static func escapingEndTags(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 64)
        var previous: UInt8 = 0
        for b in s.utf8 {
            if previous == UInt8(ascii: "<") && b == UInt8(ascii: "/") { out.append(UInt8(ascii: "\\")) }
            out.append(b)
            previous = b
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Every `</script` (any letter case) written `<\/script` (JavaScript source: `\/` is `/` in
    /// the strings and regular expressions it can occur in).
    static func escapingScriptEndTags(_ s: String) -> String {
        let bytes = Array(s.utf8), tag = Array("script".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        for (i, b) in bytes.enumerated() {
            out.append(b)
            guard b == UInt8(ascii: "<"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") else { continue }
            let name = bytes[(i + 2)..<min(bytes.count, i + 2 + tag.count)]
            if name.count == tag.count && zip(name, tag).allSatisfy({ ($0 | 0x20) == $1 }) { out.append(UInt8(ascii: "\\")) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

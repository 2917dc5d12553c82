import Foundation
import SiderCore

/// Reads and writes 3D landmark files. Formats, recognised by content:
///
/// - **menpo LJSON** (`.ljson`, versions 2 and 3): `{"version": 3, "groups": {NAME: {"landmarks":
///   {"points": [[x, y, z], …], "connectivity": …}, "labels": [{"label": L, "mask": [i, …]}, …]}}}`
///   (version 2 has one group at top level). The first group is used. menpo's labelled groups may
///   store the 68 points grouped by label in a non-iBUG order — `james.ljson` stores chin, leye,
///   reye, leyebrow, nose, reyebrow, mouth — so labels are mapped by name onto iBUG ranges
///   (`jaw`/`chin` → 0–16, `left_eyebrow`/`leyebrow` → 17–21, `right_eyebrow`/`reyebrow` → 22–26,
///   `nose` → 27–35, `left_eye`/`leye` → 36–41, `right_eye`/`reye` → 42–47, `mouth` → 48–67;
///   menpo's "left" is the image left, the subject's right). Without recognised labels the points
///   are taken in file order.
/// - **JSON points**: an array `[[x, y, z], …]` of 68 (iBUG order) or 7 (NoW order) points, or an
///   object with such an array under `"points"` (e.g. what `write(_:to:)` produces).
/// - **MeshLab picked points** (`.pp`, the NoW ground-truth format): `<point x=".." y=".." z=".."/>`
///   elements, 7 in NoW order (or 68).
/// - **Plain text** (NoW's predicted `.txt`): one `x y z` line per point.
public enum LandmarkFile {
    public static func load(_ url: URL) throws -> FaceLandmarks3D {
        let data = try AtomicFile.read(url)
        do {
            return try parse(data)
        } catch let e as SiderError {
            throw SiderError(e.kind, "\(url.lastPathComponent): \(e.message)")
        }
    }

    public static func parse(_ data: Data) throws -> FaceLandmarks3D {
        guard let text = String(data: data, encoding: .utf8) else {
            throw SiderError(.badInput, "landmark file is not UTF-8 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return try parseJSON(data) }
        if trimmed.hasPrefix("<") { return try parsePickedPoints(trimmed) }
        return try parseText(trimmed)
    }

    /// Writes landmarks as `{"layout": "ibug68"|"now7", "points": [[x, y, z], …]}`.
    public static func write(_ landmarks: FaceLandmarks3D, to url: URL) throws {
        struct File: Encodable { let layout: FaceLandmarks3D.Layout; let points: [[Float]] }
        try AtomicFile.writeJSON(File(layout: landmarks.layout, points: landmarks.points.map { [$0.x, $0.y, $0.z] }),
                                 to: url)
    }

    // MARK: JSON

    static func parseJSON(_ data: Data) throws -> FaceLandmarks3D {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw SiderError(.badInput, "invalid JSON")
        }
        if let array = root as? [Any] { return try FaceLandmarks3D(points: points(array)) }
        guard let object = root as? [String: Any] else { throw SiderError(.badInput, "unrecognised landmark JSON") }
        if let groups = object["groups"] as? [String: Any] {
            // LJSON v3: take the first group by name order (files usually hold one).
            guard let name = groups.keys.sorted().first, let group = groups[name] as? [String: Any] else {
                throw SiderError(.badInput, "LJSON file has no landmark group")
            }
            return try parseLJSONGroup(group)
        }
        if object["landmarks"] is [String: Any] { return try parseLJSONGroup(object) }   // LJSON v2
        if let array = object["points"] as? [Any] { return try FaceLandmarks3D(points: points(array)) }
        throw SiderError(.badInput, "unrecognised landmark JSON (expected LJSON, a point array or {\"points\": …})")
    }

    static func parseLJSONGroup(_ group: [String: Any]) throws -> FaceLandmarks3D {
        guard let lms = group["landmarks"] as? [String: Any], let raw = lms["points"] as? [Any] else {
            throw SiderError(.badInput, "LJSON group has no landmarks.points")
        }
        let pts = try points(raw)
        var labels: [(String, [Int])] = []
        for case let label as [String: Any] in (group["labels"] as? [Any]) ?? [] {
            if let name = label["label"] as? String, let mask = label["mask"] as? [Any] {
                labels.append((name, mask.compactMap { item -> Int? in
                    // Through Double: a huge JSON number must not trap in an Int conversion.
                    guard let d = (item as? NSNumber)?.doubleValue, d.isFinite, abs(d) < 1e9 else { return nil }
                    return Int(d)
                }))
            }
        }
        if pts.count == 68, let order = ibugOrder(labels: labels, count: pts.count) {
            var ibug = [SIMD3<Float>](repeating: .zero, count: 68)
            for (fileIndex, ibugIndex) in order { ibug[ibugIndex] = pts[fileIndex] }
            return try FaceLandmarks3D(ibug68: ibug)
        }
        return try FaceLandmarks3D(points: pts)
    }

    /// iBUG index ranges of menpo label names.
    static let ibugRanges: [String: Range<Int>] = [
        "jaw": 0..<17, "chin": 0..<17,
        "left_eyebrow": 17..<22, "leyebrow": 17..<22,
        "right_eyebrow": 22..<27, "reyebrow": 22..<27,
        "nose": 27..<36,
        "left_eye": 36..<42, "leye": 36..<42,
        "right_eye": 42..<48, "reye": 42..<48,
        "mouth": 48..<68,
    ]

    /// (file index, iBUG index) pairs when the labels name every iBUG part with the right sizes
    /// and cover all points exactly once; nil otherwise.
    static func ibugOrder(labels: [(String, [Int])], count: Int) -> [(Int, Int)]? {
        var pairs: [(Int, Int)] = []
        var seenFile = Set<Int>(), seenIbug = Set<Int>()
        for (name, mask) in labels {
            guard let range = ibugRanges[name.lowercased()], range.count == mask.count else { return nil }
            for (fileIndex, ibugIndex) in zip(mask, range) {
                guard fileIndex >= 0, fileIndex < count, seenFile.insert(fileIndex).inserted,
                      seenIbug.insert(ibugIndex).inserted else { return nil }
                pairs.append((fileIndex, ibugIndex))
            }
        }
        return pairs.count == 68 ? pairs : nil
    }

    static func points(_ raw: [Any]) throws -> [SIMD3<Float>] {
        try raw.enumerated().map { i, item in
            guard let xyz = item as? [Any], xyz.count == 3,
                  let x = (xyz[0] as? NSNumber)?.floatValue, let y = (xyz[1] as? NSNumber)?.floatValue,
                  let z = (xyz[2] as? NSNumber)?.floatValue else {
                throw SiderError(.badInput, "landmark \(i) is not an [x, y, z] number triple (missing landmark?)")
            }
            return SIMD3(x, y, z)
        }
    }

    // MARK: MeshLab .pp and text

    static func parsePickedPoints(_ text: String) throws -> FaceLandmarks3D {
        var pts: [SIMD3<Float>] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<point") {
            guard let close = rest[open.upperBound...].range(of: ">") else { break }
            let element = rest[open.upperBound..<close.lowerBound]
            func attribute(_ name: String) throws -> Float {
                guard let r = element.range(of: " \(name)=\""), let end = element[r.upperBound...].firstIndex(of: "\""),
                      let v = Float(element[r.upperBound..<end]) else {
                    throw SiderError(.badInput, "picked point \(pts.count) lacks a numeric \(name)")
                }
                return v
            }
            pts.append(SIMD3(try attribute("x"), try attribute("y"), try attribute("z")))
            rest = rest[close.upperBound...]
        }
        return try FaceLandmarks3D(points: pts)
    }

    static func parseText(_ text: String) throws -> FaceLandmarks3D {
        var pts: [SIMD3<Float>] = []
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            if fields.isEmpty { continue }
            guard fields.count == 3, let x = Float(fields[0]), let y = Float(fields[1]), let z = Float(fields[2]) else {
                throw SiderError(.badInput, "line \(n + 1) is not 'x y z'")
            }
            pts.append(SIMD3(x, y, z))
        }
        return try FaceLandmarks3D(points: pts)
    }
}

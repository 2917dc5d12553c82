import Foundation
import SiderCore

/// Reads `ReconstructionConfig` files.
///
/// A file is a JSON object; `"extends": "PATH"` (relative to the file) names a base it patches
/// as JSON Merge Patch does (RFC 7386): objects merged key by key, `null` removes a key (to
/// switch an encoding: `{"positional": null, "grid": {…}}`), anything else replaced. A run.json is accepted too
/// (its `config`), so `--config out/x/run.json` repeats that run. Overrides `key.path=value`
/// (value as JSON, else a string) apply last. Unknown keys, missing keys and out-of-range
/// values are one-line errors naming the key.
public enum ConfigLoader {
    /// Loads `url` with its `extends` chain, applies `overrides`, checks and decodes.
    public static func load(_ url: URL, overrides: [String] = []) throws -> ReconstructionConfig {
        try load(try AtomicFile.read(url), as: url, overrides: overrides)
    }

    /// Loads a config held in memory as if it were the file `url` (its `extends` resolve
    /// relative to `url`'s folder). The fuzz target and tests use it.
    public static func load(_ data: Data, as url: URL, overrides: [String] = []) throws -> ReconstructionConfig {
        var object = try resolve(data, url: url, depth: 0)
        for o in overrides { try apply(override: o, to: &object) }
        return try decode(object, source: url.lastPathComponent)
    }

    /// A shipped config by name ("fast", "paper", "ablation/no-feature", …).
    public static func shipped(_ name: String, overrides: [String] = []) throws -> ReconstructionConfig {
        try load(ShippedConfigs.url(name), overrides: overrides)
    }

    /// Decodes a merged JSON object strictly and validates it.
    public static func decode(_ object: [String: Any], source: String) throws -> ReconstructionConfig {
        let data = try JSONSerialization.data(withJSONObject: object)
        let config: ReconstructionConfig
        do {
            config = try JSONDecoder().decode(ReconstructionConfig.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let c) = error, c.codingPath.isEmpty, let key = numberNotFitting(object) {
                throw SiderError(.badInput, "config \(source): \(key) is not a number this key can hold (a whole number where one is expected, within range)")
            }
            throw SiderError(.badInput, "config \(source): \(describe(error))")
        }
        // Every key given must be one the type reads: compare with the decoded value re-encoded.
        let encoded = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(config)) as? [String: Any] ?? [:]
        if let unknown = unknownKeys(object, known: encoded, path: "").first {
            throw SiderError(.badInput, "config \(source): unknown key \(unknown)")
        }
        try config.validate()
        return config
    }

    // MARK: files

    static func resolve(_ url: URL, depth: Int) throws -> [String: Any] {
        guard depth < 8 else { throw SiderError(.badInput, "config \(url.lastPathComponent): \"extends\" nests too deep (a cycle?)") }
        return try resolve(try AtomicFile.read(url), url: url, depth: depth)
    }

    static func resolve(_ data: Data, url: URL, depth: Int) throws -> [String: Any] {
        guard let parsed = try? JSONSerialization.jsonObject(with: data), var object = parsed as? [String: Any] else {
            throw SiderError(.badInput, "config \(url.path) is not a JSON object")
        }
        if object["tool"] as? String == "sider reconstruct", let config = object["config"] as? [String: Any] {
            return config   // a run.json: its resolved config
        }
        guard let base = object.removeValue(forKey: "extends") else { return object }
        guard let path = base as? String else { throw SiderError(.badInput, "config \(url.lastPathComponent): \"extends\" must be a path") }
        let baseURL = URL(fileURLWithPath: path, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
        return merge(try resolve(baseURL, depth: depth + 1), object)
    }

    /// `over` on top of `base` (RFC 7386): objects merged recursively, null removes, other values replaced.
    static func merge(_ base: [String: Any], _ over: [String: Any]) -> [String: Any] {
        var out = base
        for (k, v) in over {
            if v is NSNull {
                out.removeValue(forKey: k)
            } else if let b = out[k] as? [String: Any], let o = v as? [String: Any] {
                out[k] = merge(b, o)
            } else {
                out[k] = v
            }
        }
        return out
    }

    /// `key.path=value`: sets one field (the path must exist unless its parent is a map of
    /// named entries such as `detail.losses`).
    static func apply(override: String, to object: inout [String: Any]) throws {
        guard let eq = override.firstIndex(of: "=") else {
            throw SiderError(.badInput, "--set \(override): expected key.path=value")
        }
        let path = override[..<eq].split(separator: ".").map(String.init)
        let text = String(override[override.index(after: eq)...])
        guard !path.isEmpty else { throw SiderError(.badInput, "--set \(override): empty key") }
        let value: Any = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
        func set(_ node: inout [String: Any], _ keys: ArraySlice<String>, _ prefix: String) throws {
            let key = keys.first!, here = prefix.isEmpty ? key : prefix + "." + key
            if keys.count == 1 { node[key] = value; return }
            guard var child = node[key] as? [String: Any] else {
                throw SiderError(.badInput, "--set \(override): the config has no \(here)")
            }
            try set(&child, keys.dropFirst(), here)
            node[key] = child
        }
        try set(&object, path[...], "")
    }

    /// JSONDecoder reports a number it cannot convert (1e300 or 1.5 for an Int, −1 for a UInt) as
    /// "not valid JSON" with no key. The suspects are the numbers that are not small
    /// non-negative whole numbers; the key is the first whose replacement by 0 changes the error.
    static func numberNotFitting(_ object: [String: Any]) -> String? {
        func numbers(_ node: Any, _ path: [String]) -> [[String]] {
            if let d = node as? [String: Any] { return d.keys.sorted().flatMap { numbers(d[$0]!, path + [$0]) } }
            if let a = node as? [Any] { return a.indices.flatMap { numbers(a[$0], path + ["[\($0)]"]) } }
            guard let x = (node as? NSNumber)?.doubleValue else { return [] }
            return x.rounded() == x && x >= 0 && x < 0x1p53 ? [] : [path]
        }
        func replacing(_ node: Any, _ path: ArraySlice<String>) -> Any {
            guard let key = path.first else { return 0 }
            if var d = node as? [String: Any], let child = d[key] { d[key] = replacing(child, path.dropFirst()); return d }
            if var a = node as? [Any], key.hasPrefix("["), let i = Int(key.dropFirst().dropLast()), a.indices.contains(i) {
                a[i] = replacing(a[i], path.dropFirst()); return a
            }
            return node
        }
        for path in numbers(object, []).prefix(4096) {
            guard let data = try? JSONSerialization.data(withJSONObject: replacing(object, path[...])) else { continue }
            let key = path.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            do { _ = try JSONDecoder().decode(ReconstructionConfig.self, from: data); return key }
            catch let DecodingError.dataCorrupted(c) where c.codingPath.isEmpty { continue }
            catch { return key }
        }
        return nil
    }

    static func unknownKeys(_ given: [String: Any], known: [String: Any], path: String) -> [String] {
        var out: [String] = []
        for key in given.keys.sorted() {
            let here = path.isEmpty ? key : path + "." + key
            guard let k = known[key] else {
                if !(given[key] is NSNull) { out.append(here) }
                continue
            }
            if let g = given[key] as? [String: Any], let kk = k as? [String: Any] {
                out += unknownKeys(g, known: kk, path: here)
            }
        }
        return out
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ p: [CodingKey], _ last: CodingKey? = nil) -> String {
            (p + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let c): return "missing key \(path(c.codingPath, key))"
        case .typeMismatch(let t, let c): return "\(path(c.codingPath)) should be \(t)"
        case .valueNotFound(let t, let c): return "\(path(c.codingPath)) should be \(t), not null"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

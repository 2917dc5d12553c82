import Foundation
import SiderCore

/// Where the repository's `configs/` folder is: `$SIDER_CONFIGS`, then beside the executable
/// (`../share/sider/configs` for an install, the checkout's `configs/` for `.build*/release/sider`),
/// then the checkout this module was compiled from.
public enum ShippedConfigs {
    public static func directory() throws -> URL {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["SIDER_CONFIGS"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env, isDirectory: true))
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(exe.appendingPathComponent("../share/sider/configs", isDirectory: true))
        candidates.append(exe.appendingPathComponent("../../configs", isDirectory: true))
        candidates.append(exe.appendingPathComponent("../../../configs", isDirectory: true))
        // Sources/SiderPipeline/Config/ShippedConfigs.swift → the checkout's configs/.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../configs", isDirectory: true))
        for c in candidates {
            let dir = c.standardizedFileURL
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("fast.json").path) { return dir }
        }
        throw SiderError(.missingFile, "cannot find the shipped configs (looked in \(candidates.map { $0.standardizedFileURL.path }.joined(separator: ", "))); set SIDER_CONFIGS to the repository's configs folder")
    }

    /// The file of a shipped config, by name.
    public static func url(_ name: String) throws -> URL {
        guard !name.isEmpty, !name.contains(".."), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_/".contains($0) }) else {
            throw SiderError(.badInput, "unknown preset '\(name)'")
        }
        let dir = try directory()
        let url = dir.appendingPathComponent(name + ".json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SiderError(.badInput, "unknown preset '\(name)' (shipped: \(try names().joined(separator: ", ")))")
        }
        return url
    }

    /// Every shipped config's name.
    public static func names() throws -> [String] {
        let dir = try directory()
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return files.filter { $0.pathExtension == "json" }.map {
            String($0.standardizedFileURL.path.dropFirst(dir.path.count + 1).dropLast(5))
        }.sorted()
    }
}

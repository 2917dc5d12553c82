import Foundation

/// Where the model and sample files fetched by `scripts/setup` live.
///
/// The cache folder is `$SIDER_DATA` if set, else `~/.cache/sider`. Layout (see scripts/fetch_data.py):
/// `models/*.tflite`, `models/face_mesh_connections.py`, `samples/*.{jpg,ppm,pts}`, `scans/james.*`.
public enum DataPaths {
    public static var root: URL {
        if let s = ProcessInfo.processInfo.environment["SIDER_DATA"], !s.isEmpty {
            return URL(fileURLWithPath: s, isDirectory: true)
        }
        let home = FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache/sider", isDirectory: true)
    }

    public static var models: URL { root.appendingPathComponent("models", isDirectory: true) }
    public static var samples: URL { root.appendingPathComponent("samples", isDirectory: true) }
    public static var scans: URL { root.appendingPathComponent("scans", isDirectory: true) }

    public static func model(_ name: String) -> URL { models.appendingPathComponent(name) }
    public static func sample(_ name: String) -> URL { samples.appendingPathComponent(name) }
    public static func scan(_ name: String) -> URL { scans.appendingPathComponent(name) }

    /// The built-in sample photo for the main job.
    public static var samplePhoto: URL { sample("obama2.jpg") }

    /// Returns `url` if the file exists, else throws a one-line error telling how to fetch it.
    public static func require(_ url: URL) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SiderError(.missingFile,
                             "missing data file \(url.path); run scripts/setup (or set SIDER_DATA to its cache folder)")
        }
        return url
    }
}

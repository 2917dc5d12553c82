import Foundation
import ImageIO
import Landmarks
import SiderCore
import Testing

/// Shared helpers: fixture loading and sample photos.
enum Support {
    static var fixtures: URL {
        get throws {
            let base = try #require(Bundle.module.resourceURL)
            return base.appendingPathComponent("Fixtures", isDirectory: true)
        }
    }

    /// One `scripts/make_mediapipe_fixtures.py` record (pixels, MediaPipe's convention:
    /// pixel centres at integers, so 0.5 is added to compare with ours).
    struct Reference: Decodable {
        struct Detection: Decodable { var score: Float; var box: [Float]; var keypoints: [[Float]] }
        struct Mesh: Decodable { var points: [[Float]] }
        var image: String
        var width: Int
        var height: Int
        var short_range: [Detection]
        var full_range: [Detection]
        var mesh: Mesh?
    }

    static func reference(_ stem: String) throws -> Reference {
        let url = try fixtures.appendingPathComponent("mediapipe_\(stem).json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    static func photo(_ name: String) throws -> RGBImage {
        try ImageDecoder.load(DataPaths.sample(name))
    }

    static func mean(_ xs: [Float]) -> Float { xs.reduce(0, +) / Float(max(1, xs.count)) }

    static func distance(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float {
        let d = a - b
        return (d * d).sum().squareRoot()
    }
}

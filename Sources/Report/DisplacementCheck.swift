import Foundation
import Geometry
import ImageIO
import SiderCore

/// Reads an export back as a renderer would: coarse.obj subdivided `subdivisions` times, each
/// vertex moved along its outward normal by displacement.png (bilinear at the vertex's UV,
/// decoded with maps.json's midlevel and scale), compared with detailed.obj's vertices.
public enum DisplacementCheck {
    public struct Result: Sendable {
        public var vertices: Int
        /// Largest and RMS distance to detailed.obj (metres).
        public var worst: Float
        public var rms: Float
        /// Median and 99th percentile of the distance (metres).
        public var median: Float
        public var p99: Float
        /// RMS of the displacement itself, for scale (metres).
        public var rmsDisplacement: Float
    }

    public static func measure(outputDirectory dir: URL, flipV: Bool = false) throws -> Result {
        let maps = try JSONDecoder().decode(TexturedExport.MapsRecord.self, from: AtomicFile.read(dir.appendingPathComponent("maps.json")))
        let map = RGBImage(gray: try PNGDecoder.loadGray16(dir.appendingPathComponent("displacement.png")))
        let detailed = try MeshIO.load(dir.appendingPathComponent("detailed.obj"))
        guard let uv = detailed.uvs else { throw SiderError(.badInput, "detailed.obj has no per-vertex texture coordinates") }
        var base = try MeshIO.load(dir.appendingPathComponent("coarse.obj"))
        base.uvs = nil
        for _ in 0..<maps.subdivisions { base = base.subdividedMidpoint() }
        guard base.faces == detailed.faces else { throw SiderError(.badInput, "detailed.obj is not coarse.obj subdivided \(maps.subdivisions) times") }
        let normals = DetailMaps.outwardNormals(base)
        var worst: Float = 0, sumSq: Float = 0, dispSq: Float = 0
        var errors: [Float] = []
        errors.reserveCapacity(base.vertices.count)
        for i in base.vertices.indices {
            let y = flipV ? uv[i].y : 1 - uv[i].y
            let s = map.sample(x: uv[i].x * Float(map.width), y: y * Float(map.height)).x
            let d = DetailMaps.decode(sample: s, scale: maps.displacement.scale)
            let e = length(base.vertices[i] + d * normals[i] - detailed.vertices[i])
            worst = max(worst, e); sumSq += e * e
            errors.append(e)
            let truth = dot(detailed.vertices[i] - base.vertices[i], normals[i])
            dispSq += truth * truth
        }
        let n = Float(max(1, base.vertices.count))
        errors.sort()
        func quantile(_ q: Double) -> Float { errors.isEmpty ? 0 : errors[min(errors.count - 1, Int(q * Double(errors.count)))] }
        return Result(vertices: base.vertices.count, worst: worst, rms: (sumSq / n).squareRoot(), median: quantile(0.5),
                      p99: quantile(0.99), rmsDisplacement: (dispSq / n).squareRoot())
    }
}

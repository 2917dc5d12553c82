// Seed inputs written by the project's own encoders (SIDER_FUZZ_WRITE_SEEDS=DIR): small valid
// files of every kind, so the fuzzer starts from inputs that reach deep into each parser.
// scripts/fuzz-seeds adds numpy/pickle files made by numpy and files from the data cache.
import Foundation
@testable import Geometry
@testable import ImageIO
@testable import NeuralFields
@testable import SiderPipeline

struct FuzzMeta: Codable, Sendable { var iteration: Int; var note: String }

enum SeedWriter {
    static func write(to root: URL) throws {
        func put(_ target: String, _ name: String, _ data: Data) throws {
            let dir = root.appendingPathComponent(target)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try data.write(to: dir.appendingPathComponent(name))
        }
        // Images: a small gradient as PNG, JPEG (4:4:4 and 4:2:0), PPM and PGM.
        let w = 24, h = 16
        var pixels = [Float]()
        for y in 0..<h { for x in 0..<w { pixels += [Float(x) / Float(w), Float(y) / Float(h), 0.5] } }
        let image = RGBImage(width: w, height: h, pixels: pixels)
        let jpeg = try JPEGEncoder.encode(image)
        try put("image", "gradient.png", try PNGEncoder.encode(image))
        try put("image", "gradient.jpg", jpeg)
        try put("image", "gradient420.jpg", try JPEGEncoder.encode(image, quality: 50, subsample420: true))
        try put("image", "gray16.png", try PNGEncoder.encodeGray16(values: pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element), width: w, height: h))
        try put("image", "gradient.ppm", Data("P6\n# comment\n\(w) \(h)\n255\n".utf8) + Data(pixels.map { UInt8($0 * 255) }))
        try put("image", "gradient.pgm", Data("P5 \(w) \(h) 65535\n".utf8) + Data((0..<(w * h * 2)).map { UInt8($0 % 256) }))
        // EXIF: the JPEG with an APP1 block holding orientation 6, in both byte orders.
        for (name, tiff) in [("exif-ii.jpg", [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]),
                             ("exif-mm.jpg", [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0])] {
            let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff.map { UInt8($0) }
            let length = payload.count + 2
            let app1: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
            let bytes = [UInt8](jpeg)
            let withExif = Data(bytes[0..<2] + app1 + bytes[2...])
            try put("exif", name, withExif)
            try put("image", name, withExif)
        }
        // Meshes: a tetrahedron with normals and uvs, as OBJ, binary and ascii PLY.
        var mesh = TriangleMesh(vertices: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)],
                                faces: [SIMD3(0, 2, 1), SIMD3(0, 1, 3), SIMD3(0, 3, 2), SIMD3(1, 2, 3)])
        try put("obj", "tetra.obj", MeshIO.encode(mesh, format: .obj))
        try put("ply", "tetra-binary.ply", MeshIO.encode(mesh, format: .plyBinary))
        try put("ply", "tetra-ascii.ply", MeshIO.encode(mesh, format: .plyASCII))
        mesh.normals = mesh.vertices.map { $0 == .zero ? SIMD3(0, 0, 1) : $0 }
        mesh.uvs = mesh.vertices.map { SIMD2($0.x, $0.y) }
        try put("obj", "tetra-attributes.obj", MeshIO.encode(mesh, format: .obj))
        try put("obj", "quad-negative.obj", Data("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvn 0 0 1\nf -4/1/1 -3/1/1 -2/1/1 -1/1/1\n".utf8))
        try put("ply", "tetra-attributes.ply", MeshIO.encode(mesh, format: .plyBinary))
        try put("ply", "quad-bigendian.ply", Data("ply\nformat binary_big_endian 1.0\nelement vertex 4\nproperty double x\nproperty double y\nproperty double z\nelement face 1\nproperty list uchar uint vertex_indices\nelement extra 1\nproperty list ushort short stuff\nend_header\n".utf8)
            + Data((0..<96).map { UInt8($0 % 7 == 0 ? 63 : 0) }) + Data([4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 0, 9]))
        // Landmarks.
        let pts = (0..<68).map { "\(100 + $0 % 17 * 3).5 \(200 + $0 / 17 * 4)" }.joined(separator: "\n")
        try put("pts", "face.pts", Data("version: 1\nn_points: 68\n{\n\(pts)\n}\n".utf8))
        let points3 = (0..<68).map { "[\($0), \($0 % 7).5, -\($0 % 3)]" }.joined(separator: ", ")
        try put("landmark-json", "points.json", Data("{\"points\": [\(points3)]}".utf8))
        try put("landmark-json", "array7.json", Data("[[1,2,3],[4,5,6],[7,8,9],[1,1,1],[2,2,2],[3,3,3],[4,4,4]]".utf8))
        try put("landmark-json", "ljson.json", Data("{\"version\": 3, \"groups\": {\"LJSON\": {\"landmarks\": {\"points\": [\(points3)]}, \"labels\": [{\"label\": \"jaw\", \"mask\": [\((0..<17).map(String.init).joined(separator: ","))]}]}}}".utf8))
        let picked = (0..<7).map { "<point x=\"\($0)\" y=\"1.5\" z=\"-2e-1\" name=\"\($0)\"/>" }.joined(separator: "\n")
        try put("landmark-json", "picked.pp", Data("<!DOCTYPE PickedPoints>\n<PickedPoints>\n\(picked)\n</PickedPoints>\n".utf8))
        try put("landmark-json", "now.txt", Data((0..<7).map { "\($0) 1.25 3" }.joined(separator: "\n").utf8))
        try put("landmark-json", "landmarks.json", Data("{\"points68\": [[1.5, 2], [3, 4.25]], \"fx\": 500, \"fy\": 500, \"cx\": 128, \"cy\": 128, \"width\": 256, \"height\": 256}".utf8))
        // Checkpoints and weights files.
        let checkpoint = Checkpoint(meta: FuzzMeta(iteration: 7, note: "seed"),
                                    tensors: [("a", [1, 2, 3]), ("b", []), ("c", [Float](repeating: 0.5, count: 9))])
        try put("checkpoint", "small.ckp", try checkpoint.encoded())
        let sdf = SDFNetwork(config: SDFNetworkConfig(encoding: .positional(frequencies: 1), hidden: [8, 8], skips: [], featureSize: 2))
        try put("weights", "sdf.sidernn", try WeightsFile.encode(kind: "sdf", config: sdf.config, store: sdf.store))
        let shader = RenderingNetwork(config: RenderingNetworkConfig(pointFrequencies: 1, viewFrequencies: 1, hidden: [8]))
        try put("weights", "rendering.sidernn", try WeightsFile.encode(kind: "rendering", config: shader.config, store: shader.store))
        // Config files: the shipped ones, one with `extends` and a merge patch, `--set` lines.
        if let dir = try? ShippedConfigs.directory() {
            for name in (try? ShippedConfigs.names()) ?? [] {
                try put("config", name.replacingOccurrences(of: "/", with: "-") + ".json",
                        try Data(contentsOf: dir.appendingPathComponent(name + ".json")))
            }
        }
        try put("config", "extends.json", Data(#"{"extends": "fast.json", "seed": 3, "detail": {"losses": {"sdf": {"weight": 2, "delta": 0.01}}, "residualHighPass": null}}"#.utf8))
        try put("config", "overrides.txt", Data("detail.iterations=50\ncrop.size=96\ndetail.losses.smoothness.weight=0.1\nseed=\"x\"\n".utf8))
        // A dlib shape predictor: 2 points, one level of one depth-1 tree.
        var dlib = DlibWriter()
        dlib.int(1)
        dlib.column([0.1, 0.2, 0.7, 0.2])
        dlib.int(1)                      // levels
        dlib.int(1)                      // trees
        dlib.int(1)                      // splits
        dlib.int(0); dlib.int(1); dlib.float(0.25)
        dlib.int(2)                      // leaves
        dlib.column([0.01, 0.0, -0.01, 0.0]); dlib.column([0.0, 0.02, 0.0, -0.02])
        dlib.int(1); dlib.int(2); dlib.int(0); dlib.int(1)            // anchors
        dlib.int(1); dlib.int(2); dlib.float(0.1); dlib.float(-0.1); dlib.float(0.05); dlib.float(0.2)  // deltas
        try put("dlib", "tiny.dat", Data(dlib.bytes))
    }
}

/// dlib's portable serialisation, enough for the seed above (see `DlibSerialReader`).
struct DlibWriter {
    var bytes: [UInt8] = []
    mutating func int(_ v: Int64) {
        var m = v.magnitude
        var out: [UInt8] = []
        while m > 0 { out.append(UInt8(m & 0xFF)); m >>= 8 }
        bytes.append(UInt8(out.count) | (v < 0 ? 0x80 : 0))
        bytes += out
    }
    mutating func float(_ f: Float) {
        let e: Int64 = -24
        int(Int64((Double(f) * 0x1p24).rounded())); int(e)
    }
    mutating func column(_ values: [Float]) {
        int(-Int64(values.count)); int(-1)
        for v in values { float(v) }
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    if let dir = ProcessInfo.processInfo.environment["SIDER_FUZZ_WRITE_SEEDS"] {
        do { try SeedWriter.write(to: URL(fileURLWithPath: dir)) } catch {
            FileHandle.standardError.write(Data("cannot write seeds: \(error)\n".utf8))
            exit(1)
        }
        exit(0)
    }
    _ = fuzzTarget
    return 0
}

// libFuzzer entry point for every file parser SIDER reads (scripts/fuzz builds and runs it).
// One binary serves all targets; SIDER_FUZZ_TARGET names the one to feed. Each target hands the
// fuzzer's bytes to the same entry point the program uses for that kind of file and ignores the
// thrown `SiderError`: only a crash, an AddressSanitizer report, a leak or a timeout is a finding.
import Foundation
@testable import Evaluation
@testable import Geometry
@testable import ImageIO
@testable import Landmarks
@testable import MorphableModels
@testable import NeuralFields
@testable import SiderPipeline
@testable import TFLite

enum FuzzTarget: String, CaseIterable {
    case image, exif, pickle, npy, npz, tflite, obj, ply, pts, landmarkJSON = "landmark-json", dlib, checkpoint, weights, config

    func run(_ data: Data) {
        switch self {
        case .image: _ = try? ImageDecoder.decode(data)
        case .exif: _ = ExifOrientation.read(fromJPEG: [UInt8](data))
        case .pickle:
            var reader = Unpickler(bytes: [UInt8](data), source: "fuzz")
            if let value = try? reader.load() { exercise(value) }
        case .npy: if let value = try? NumpyFiles.parseNPY([UInt8](data), source: "fuzz") { exercise(value) }
        case .npz:
            if let dict = try? NumpyFiles.decodeNPZ(data, keys: FLAMEModel.keys.union(LandmarkEmbedding.keys)) {
                _ = try? FLAMEModel(dictionary: dict, source: "fuzz")
                _ = try? LandmarkEmbedding(dictionary: dict, source: "fuzz")
            }
        case .tflite:
            if let model = try? TFLiteModel(data: data) { _ = try? Interpreter(model: model) }
        case .obj: _ = try? MeshIO.decode(data, format: .obj)
        case .ply: _ = try? MeshIO.decode(data, format: .plyBinary)
        case .pts: _ = try? PTSFile.parseRaw(String(decoding: data, as: UTF8.self))
        case .landmarkJSON:
            _ = try? LandmarkFile.parse(data)
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("sider-fuzz-\(getpid()).json")
            if (try? data.write(to: url)) != nil {
                _ = try? ImageLandmarkFile.load(url)
                _ = try? ImageLandmarkFile.loadCamera(url)
            }
        case .dlib: _ = try? DlibShapePredictor(bytes: [UInt8](data), name: "fuzz")
        case .checkpoint: _ = try? Checkpoint<FuzzMeta>(decoding: data)
        case .weights:
            _ = try? WeightsFile.decode(data, kind: "sdf", as: SDFNetworkConfig.self)
            _ = try? WeightsFile.decode(data, kind: "rendering", as: RenderingNetworkConfig.self)
        case .config:
            // The bytes as a config file beside the shipped ones (so `"extends": "fast.json"`
            // reaches a real base), and their lines as `--set` overrides on top of fast.json.
            guard let dir = shippedConfigs else { return }
            _ = try? ConfigLoader.load(data, as: dir.appendingPathComponent("fuzz.json"))
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(16).map(String.init)
            _ = try? ConfigLoader.load(dir.appendingPathComponent("fast.json"), overrides: lines)
        }
    }

    /// What the model loaders do with an unpickled value: read it as a dict of arrays.
    private func exercise(_ value: PickleValue) {
        _ = try? value.asArray(name: "fuzz")
        if let dict = try? value.asDict(name: "fuzz") {
            _ = try? FLAMEModel(dictionary: dict, source: "fuzz")
            _ = try? LandmarkEmbedding(dictionary: dict, source: "fuzz")
            for key in dict.keys.prefix(16) { _ = try? dict[key]?.asArray(name: key) }
        }
    }
}

/// The repository's configs/ folder, found once.
let shippedConfigs: URL? = try? ShippedConfigs.directory()

let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["SIDER_FUZZ_TARGET"] ?? ""
    guard let t = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set SIDER_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))\n".utf8))
        exit(2)
    }
    return t
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    fuzzTarget.run(data)
    return 0
}

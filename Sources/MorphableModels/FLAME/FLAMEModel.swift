import Foundation
import SiderCore

/// The FLAME head model (Li et al. 2017) as distributed, in the arrays its forward pass needs.
///
/// Shapes (V vertices, J = 5 joints: global, neck, jaw, left eye, right eye; K = shapedirs columns):
/// - `template` T̄: V×3; `faces`: F triangles;
/// - `shapeDirs` S: (V·3)×nβ and `expressionDirs` E: (V·3)×nψ — the first `shapeComponents`
///   columns of `shapedirs` (V×3×K, 300 + 100 in FLAME 2020/2023) are shape, the rest expression;
/// - `poseDirs` P: (V·3)×9(J−1), the pose-corrective blendshapes of `posedirs` (V×3×36);
/// - `jointRegressor` 𝒥: J×V (from the sparse `J_regressor`); `weights` W: V×J;
/// - `parents`: the kinematic tree (`kintree_table[0]`, root −1).
/// All stored row-major as `Float`.
public struct FLAMEModel: Sendable {
    public let vertexCount: Int
    public let jointCount: Int
    public let template: [Float]
    public let faces: [SIMD3<Int32>]
    public let shapeCount: Int
    public let expressionCount: Int
    public let shapeDirs: [Float]
    public let expressionDirs: [Float]
    public let poseDirs: [Float]
    public let jointRegressor: [Float]
    public let weights: [Float]
    public let parents: [Int]

    /// Number of pose-corrective coefficients, 9·(J−1).
    public var poseFeatureCount: Int { 9 * (jointCount - 1) }

    /// Reads a FLAME model file: the official pickles (`generic_model.pkl`, `flame2023.pkl`:
    /// Python 2 or 3, numpy arrays, chumpy `Ch`, scipy sparse `J_regressor`) or an `.npz` with
    /// the same keys. The format is sniffed from the first bytes.
    /// - Parameter shapeComponents: how many leading `shapedirs` columns are identity shape
    ///   (FLAME: 300); the remaining columns are expression.
    public static func load(contentsOf url: URL, shapeComponents: Int = 300) throws -> FLAMEModel {
        let dict = try ModelFile.loadDictionary(url, what: "FLAME model", keys: keys)
        return try FLAMEModel(dictionary: dict, source: url.lastPathComponent, shapeComponents: shapeComponents)
    }

    /// The keys `init(dictionary:)` reads (an `.npz` inflates only these members).
    public static let keys: Set<String> = ["v_template", "f", "kintree_table", "shapedirs", "posedirs",
                                           "J_regressor", "weights", "bs_style"]

    /// Builds the model from the unpickled dictionary; errors name the missing key or bad shape.
    public init(dictionary d: PickleDict, source: String, shapeComponents: Int = 300) throws {
        let keys = KeyReader(dict: d, source: "FLAME model \(source)")
        let vt = try keys.array("v_template")
        guard vt.shape.count == 2, vt.shape[1] == 3, vt.shape[0] > 0 else {
            throw keys.badShape("v_template", vt, expected: "(V, 3)")
        }
        let V = vt.shape[0]
        let f = try keys.array("f")
        guard f.shape.count == 2, f.shape[1] == 3 else { throw keys.badShape("f", f, expected: "(F, 3)") }
        let faceIndices = try f.ints(name: "f")
        guard faceIndices.allSatisfy({ $0 >= 0 && $0 < V }) else {
            throw SiderError(.badModel, "FLAME model \(source): 'f' refers to a vertex outside 0..<\(V)")
        }
        let kintree = try keys.array("kintree_table")
        guard kintree.shape.count == 2, kintree.shape[0] == 2, kintree.shape[1] >= 1 else {
            throw keys.badShape("kintree_table", kintree, expected: "(2, J)")
        }
        let J = kintree.shape[1]
        let rawParents = try kintree.ints(name: "kintree_table")
        var parents = [Int](repeating: -1, count: J)
        for j in 1..<max(J, 1) {
            let p = rawParents[j]
            guard p >= 0, p < j else {
                throw SiderError(.badModel, "FLAME model \(source): 'kintree_table' gives joint \(j) the parent \(p); parents must precede their children")
            }
            parents[j] = p
        }
        let sd = try keys.array("shapedirs")
        guard sd.shape.count == 3, sd.shape[0] == V, sd.shape[1] == 3, sd.shape[2] >= 1 else {
            throw keys.badShape("shapedirs", sd, expected: "(\(V), 3, K)")
        }
        let K = sd.shape[2]
        let nShape = min(max(shapeComponents, 0), K)
        let pd = try keys.array("posedirs")
        guard pd.shape.count == 3, pd.shape[0] == V, pd.shape[1] == 3, pd.shape[2] == 9 * (J - 1) else {
            throw keys.badShape("posedirs", pd, expected: "(\(V), 3, \(9 * (J - 1)))")
        }
        let jr = try keys.array("J_regressor")
        guard jr.shape == [J, V] else { throw keys.badShape("J_regressor", jr, expected: "(\(J), \(V))") }
        let w = try keys.array("weights")
        guard w.shape == [V, J] else { throw keys.badShape("weights", w, expected: "(\(V), \(J))") }
        if let style = d["bs_style"]?.stringValue, style != "lbs" {
            throw SiderError(.unsupported, "FLAME model \(source): blend skinning style '\(style)' (only 'lbs')")
        }
        for (name, a) in [("v_template", vt), ("shapedirs", sd), ("posedirs", pd), ("J_regressor", jr), ("weights", w)] {
            guard a.values.allSatisfy(\.isFinite) else {
                throw SiderError(.badModel, "FLAME model \(source): '\(name)' holds NaN or Inf")
            }
        }

        vertexCount = V
        jointCount = J
        template = vt.floats
        faces = stride(from: 0, to: faceIndices.count, by: 3).map {
            SIMD3(Int32(faceIndices[$0]), Int32(faceIndices[$0 + 1]), Int32(faceIndices[$0 + 2]))
        }
        shapeCount = nShape
        expressionCount = K - nShape
        var s = [Float](repeating: 0, count: V * 3 * nShape)
        var e = [Float](repeating: 0, count: V * 3 * (K - nShape))
        for r in 0..<(V * 3) {
            for k in 0..<K {
                let v = Float(sd.values[r * K + k])
                if k < nShape { s[r * nShape + k] = v } else { e[r * (K - nShape) + k - nShape] = v }
            }
        }
        shapeDirs = s
        expressionDirs = e
        poseDirs = pd.floats
        jointRegressor = jr.floats
        weights = w.floats
        self.parents = parents
    }
}

/// Reads keyed arrays from an unpickled dict with errors that name the file and the key.
struct KeyReader {
    let dict: PickleDict
    let source: String

    func array(_ key: String) throws -> NDArray {
        guard let v = dict[key] else {
            let have = dict.keys.prefix(12).joined(separator: ", ")
            throw SiderError(.badModel, "\(source): missing key '\(key)' (found: \(have))")
        }
        return try v.asArray(name: key)
    }

    func optionalArray(_ key: String) throws -> NDArray? {
        dict[key] == nil ? nil : try array(key)
    }

    func badShape(_ key: String, _ a: NDArray, expected: String) -> SiderError {
        SiderError(.badModel, "\(source): '\(key)' has shape \(a.shapeDescription), expected \(expected)")
    }
}

/// Opens the dictionary held by a model or embedding file: a pickle, an `.npz`, or an `.npy`
/// holding a pickled dict, told apart by their first bytes.
enum ModelFile {
    /// - Parameter keys: the keys the caller reads; an `.npz` inflates only those members.
    static func loadDictionary(_ url: URL, what: String, keys: Set<String>) throws -> PickleDict {
        let data = try AtomicFile.read(url)
        let name = url.lastPathComponent
        guard let first = data.first else { throw SiderError(.badModel, "\(what) \(name) is empty") }
        if data.starts(with: [0x50, 0x4B]) {                // "PK": zip → .npz
            return try NumpyFiles.loadNPZ(url, keys: keys)
        }
        let value: PickleValue
        if first == 0x93 {                                   // "\x93NUMPY"
            value = try NumpyFiles.parseNPY([UInt8](data), source: name)
        } else if first == 0x80 || first == 0x28 || first == 0x7D {  // PROTO, MARK, EMPTY_DICT
            var reader = Unpickler(bytes: [UInt8](data), source: name)
            value = try reader.load()
        } else {
            throw SiderError(.badModel, "\(what) \(name) is neither a pickle, an .npy nor an .npz file")
        }
        return try value.asDict(name: "\(what) \(name)")
    }
}

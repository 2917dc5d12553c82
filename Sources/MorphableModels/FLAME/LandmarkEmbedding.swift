import Foundation
import SiderCore

/// Where the 68 iBUG landmarks sit on the FLAME mesh: each landmark is a triangle and
/// barycentric coordinates on it, L = Σₖ bₖ v_fₖ.
///
/// - static: the 51 inner points (iBUG 17…67: brows, nose, eyes, mouth), fixed triangles;
/// - dynamic contour: iBUG 0…16 (the jaw line) from a table of 79 rows × 17 points indexed by
///   head yaw, as in the FLAME fitting code: yaw y in whole degrees (of R_global · R_neck, see
///   `Mat3.yaw`), clamped to ≤ 39; row y for y ≥ 0, row 39 − y for −39 ≤ y < 0, row 78 below.
/// - full (optional): 68 fixed points (DECA's `full_lmk_*`, used for 3D landmarks).
///
/// Files read (a pickle, an `.npy` holding a pickled dict, or an `.npz`):
/// DECA's `landmark_embedding.npy` (`static_lmk_faces_idx`, `static_lmk_bary_coords`,
/// `dynamic_lmk_faces_idx`, `dynamic_lmk_bary_coords`, `full_lmk_faces_idx`, `full_lmk_bary_coords`),
/// FLAME fitting's static embedding (`lmk_face_idx` (51), `lmk_b_coords` (51×3)), its dynamic
/// contour file (`lmk_face_idx` (79×17), `lmk_b_coords` (79×17×3)), or 68 static points.
public struct LandmarkEmbedding: Sendable, Equatable {
    public var staticFaces: [Int]
    public var staticBary: [SIMD3<Double>]
    public var contourFaces: [[Int]]?
    public var contourBary: [[SIMD3<Double>]]?
    public var fullFaces: [Int]?
    public var fullBary: [SIMD3<Double>]?

    public static let staticCount = 51
    public static let contourCount = 17
    public static let contourRows = 79

    public init(staticFaces: [Int], staticBary: [SIMD3<Double>], contourFaces: [[Int]]? = nil,
                contourBary: [[SIMD3<Double>]]? = nil, fullFaces: [Int]? = nil, fullBary: [SIMD3<Double>]? = nil) {
        self.staticFaces = staticFaces
        self.staticBary = staticBary
        self.contourFaces = contourFaces
        self.contourBary = contourBary
        self.fullFaces = fullFaces
        self.fullBary = fullBary
    }

    /// Reads one embedding file. A dynamic-contour-only file (79×17) needs a static one too:
    /// pass both to `load(static:contour:)`.
    public static func load(contentsOf url: URL) throws -> LandmarkEmbedding {
        let dict = try ModelFile.loadDictionary(url, what: "landmark embedding", keys: keys)
        return try LandmarkEmbedding(dictionary: dict, source: "landmark embedding \(url.lastPathComponent)")
    }

    /// Combines FLAME fitting's separate static (51) and dynamic contour (79×17) files.
    public static func load(static staticURL: URL, contour contourURL: URL) throws -> LandmarkEmbedding {
        var e = try load(contentsOf: staticURL)
        let c = try ModelFile.loadDictionary(contourURL, what: "landmark contour", keys: ["lmk_face_idx", "lmk_b_coords"])
        let keys = KeyReader(dict: c, source: "landmark contour \(contourURL.lastPathComponent)")
        (e.contourFaces, e.contourBary) = try readContour(keys, faces: "lmk_face_idx", bary: "lmk_b_coords")
        return e
    }

    /// The keys `init(dictionary:)` may read (an `.npz` inflates only these members).
    public static let keys: Set<String> = ["static_lmk_faces_idx", "static_lmk_bary_coords", "dynamic_lmk_faces_idx",
                                           "dynamic_lmk_bary_coords", "full_lmk_faces_idx", "full_lmk_bary_coords",
                                           "lmk_face_idx", "lmk_b_coords"]

    public init(dictionary d: PickleDict, source: String) throws {
        let keys = KeyReader(dict: d, source: source)
        if d["static_lmk_faces_idx"] != nil {   // DECA layout
            (staticFaces, staticBary) = try Self.readPoints(keys, faces: "static_lmk_faces_idx",
                                                            bary: "static_lmk_bary_coords", count: Self.staticCount)
            (contourFaces, contourBary) = try Self.readContour(keys, faces: "dynamic_lmk_faces_idx",
                                                               bary: "dynamic_lmk_bary_coords")
            if d["full_lmk_faces_idx"] != nil {
                let (f, b) = try Self.readPoints(keys, faces: "full_lmk_faces_idx", bary: "full_lmk_bary_coords", count: 68)
                fullFaces = f
                fullBary = b
            }
            return
        }
        let idx = try keys.array("lmk_face_idx")
        if idx.shape.count == 2 {
            throw SiderError(.badInput, "\(source) holds only the dynamic contour (\(idx.shapeDescription)); give the static embedding too")
        }
        if idx.count == 68 {   // 68 fixed points: the first 17 are the contour
            let (f, b) = try Self.readPoints(keys, faces: "lmk_face_idx", bary: "lmk_b_coords", count: 68)
            staticFaces = Array(f[17...])
            staticBary = Array(b[17...])
            fullFaces = f
            fullBary = b
            contourFaces = [Array(f[..<17])]
            contourBary = [Array(b[..<17])]
            return
        }
        (staticFaces, staticBary) = try Self.readPoints(keys, faces: "lmk_face_idx", bary: "lmk_b_coords", count: Self.staticCount)
    }

    /// Throws when a triangle index is outside the model's faces.
    public func validate(faceCount: Int) throws {
        let all = staticFaces + (contourFaces ?? []).flatMap { $0 } + (fullFaces ?? [])
        if let bad = all.first(where: { $0 < 0 || $0 >= faceCount }) {
            throw SiderError(.badInput, "landmark embedding refers to triangle \(bad) but the model has \(faceCount) triangles (embedding made for another model?)")
        }
    }

    /// The contour row for a head yaw in radians (see the type's doc comment).
    public static func contourRow(yaw: Double) -> Int {
        var deg = Int((min(yaw * 180 / .pi, 39)).rounded())
        if deg < 0 { deg = deg < -39 ? 78 : 39 - deg }
        return deg
    }

    /// The triangles and barycentric coordinates of the 68 iBUG landmarks (51 when the file has
    /// no contour) for a head yaw: contour row first, then the static points.
    public func points(yaw: Double) -> (faces: [Int], bary: [SIMD3<Double>]) {
        guard let cf = contourFaces, let cb = contourBary, !cf.isEmpty else { return (staticFaces, staticBary) }
        let row = cf.count == 1 ? 0 : min(Self.contourRow(yaw: yaw), cf.count - 1)
        return (cf[row] + staticFaces, cb[row] + staticBary)
    }

    /// True when `points(yaw:)` gives all 68 landmarks (iBUG order), false for the 51 inner ones.
    public var hasContour: Bool { contourFaces?.isEmpty == false }

    private static func readPoints(_ keys: KeyReader, faces: String, bary: String, count: Int) throws -> ([Int], [SIMD3<Double>]) {
        let f = try keys.array(faces), b = try keys.array(bary)
        guard f.count == count else { throw keys.badShape(faces, f, expected: "(\(count),)") }
        guard b.count == 3 * count, b.shape.last == 3 else { throw keys.badShape(bary, b, expected: "(\(count), 3)") }
        return (try f.ints(name: faces), bary3(b))
    }

    private static func readContour(_ keys: KeyReader, faces: String, bary: String) throws -> ([[Int]], [[SIMD3<Double>]]) {
        let f = try keys.array(faces), b = try keys.array(bary)
        let n = contourCount
        guard f.shape.count == 2, f.shape[1] == n, f.shape[0] >= 1 else {
            throw keys.badShape(faces, f, expected: "(\(contourRows), \(n))")
        }
        guard b.count == 3 * f.count, b.shape.last == 3 else {
            throw keys.badShape(bary, b, expected: "(\(f.shape[0]), \(n), 3)")
        }
        let idx = try f.ints(name: faces), bc = bary3(b)
        let rows = f.shape[0]
        return ((0..<rows).map { Array(idx[($0 * n)..<($0 * n + n)]) },
                (0..<rows).map { Array(bc[($0 * n)..<($0 * n + n)]) })
    }

    private static func bary3(_ a: NDArray) -> [SIMD3<Double>] {
        stride(from: 0, to: a.count, by: 3).map { SIMD3(a.values[$0], a.values[$0 + 1], a.values[$0 + 2]) }
    }
}

extension FLAMEModel {
    /// The landmarks on a posed mesh: 68 in iBUG order with the contour chosen by head yaw
    /// (rotation of global ∘ neck), or the 51 inner ones when the embedding has no contour.
    public func landmarks(of vertices: [SIMD3<Float>], pose: [Double], embedding: LandmarkEmbedding) -> [SIMD3<Float>] {
        let (faces, bary) = embedding.points(yaw: headYaw(pose: pose))
        return zip(faces, bary).map { f, b in
            let t = self.faces[f]
            let p = Double(vertices[Int(t.x)].x) * b.x + Double(vertices[Int(t.y)].x) * b.y + Double(vertices[Int(t.z)].x) * b.z
            let q = Double(vertices[Int(t.x)].y) * b.x + Double(vertices[Int(t.y)].y) * b.y + Double(vertices[Int(t.z)].y) * b.z
            let r = Double(vertices[Int(t.x)].z) * b.x + Double(vertices[Int(t.y)].z) * b.y + Double(vertices[Int(t.z)].z) * b.z
            return SIMD3(Float(p), Float(q), Float(r))
        }
    }

    /// Head yaw (radians) of the rotation accumulated along the neck's chain to the root,
    /// R = R_root ⋯ R_neck — the FLAME fitting code's choice for the contour.
    public func headYaw(pose: [Double]) -> Double {
        let neck = min(1, jointCount - 1)
        var chain = [Int]()
        var j = neck
        while j >= 0 { chain.append(j); j = parents[j] }
        var R = Mat3<Double>.identity
        for j in chain where pose.count >= 3 * j + 3 {
            R = Mat3<Double>.rodrigues(pose[3 * j], pose[3 * j + 1], pose[3 * j + 2]) * R
        }
        return R.yaw
    }
}

import Foundation
import Geometry
import ImageIO
import SiderCore

/// A textured face scan prepared for the wrinkle benchmark: subdivided finely enough to carry
/// wrinkle relief, with each pattern's unit depth profile per vertex and the control's painted
/// texture.
///
/// - Resolution: `james`' face triangles have edges of 4.5 mm (median; 2.5–8 mm); three rounds
///   of Loop subdivision bring them to ≈ 0.6 mm (782 k triangles), below the narrowest pattern's
///   half-width (1.6 mm) and below a render pixel (≈ 0.5 mm at 512² for the sampled scenes).
///   Loop rather than midpoint subdivision so the undisplaced surface is smooth: with midpoint
///   subdivision the scan's flat facets would show as 4.5 mm shading steps that no relief explains.
/// - Relief: vertex i of the subdivided scan moves to x̃ᵢ = xᵢ − A·sᵢ·nᵢ, nᵢ its outward unit
///   vertex normal (area-weighted), A the depth (scan units: mm), sᵢ = max over the chosen
///   patterns of their stroke profiles at xᵢ's plane point (`WrinklePattern`, `ScanFaceFrame`),
///   0 off the front of the face. Furrows are dents: the surface moves inwards.
/// - True normals are those of the displaced mesh itself (the renderer's area-weighted vertex
///   normals of the posed mesh), not a perturbation formula.
/// - NoW reference: vertices 0 ..< n of the subdivided mesh are the scan's own vertices (moved
///   by Loop onto the smooth surface, then displaced), so `nowReference` — those vertices with
///   the scan's triangles — is a scan of the rendered surface with the original vertex count,
///   and `bench quality`'s NoW numbers stay comparable.
public struct WrinkleScan: Sendable {
    public static let subdivisionLevels = 3

    public var original: TexturedScan
    public var landmarks: FaceLandmarks3D
    public var frame: ScanFaceFrame
    /// The subdivided, undisplaced scan (original texture).
    public var base: TexturedScan
    /// Outward unit vertex normals of `base`.
    public var outward: [SIMD3<Float>]
    /// Unit depth profile sᵢ ∈ [0, 1] of each pattern per vertex of `base`.
    public var profiles: [WrinklePattern: [Float]]
    public var marks: AlbedoMarks
    /// The original texture with `marks` painted in, and the mark amount per texel.
    public var paintedTexture: RGBImage
    public var markAmount: GrayImage

    /// `flattenTexture`: the texture's own wrinkle shading taken out of the face first
    /// (`WrinkleBandFlattening`); the relief cases and the control then carry only the relief
    /// and marks of this benchmark.
    public init(scan: TexturedScan, landmarks: FaceLandmarks3D, levels: Int = WrinkleScan.subdivisionLevels,
                flattenTexture: Bool = false) throws {
        frame = try ScanFaceFrame(landmarks: landmarks)
        let l = frame.landmarks2D
        let eyes = WrinkleStroke.norm(l[45] - l[36])
        guard (50...150).contains(eyes) else {
            throw SiderError(.badInput, "the scan's outer eye corners are \(eyes) units apart; the wrinkle patterns need a scan in millimetres")
        }
        var scan = scan
        if flattenTexture { scan.texture = WrinkleBandFlattening.apply(scan, frame: frame) }
        original = scan
        self.landmarks = landmarks
        let fine = try scan.subdivided(levels: levels)
        base = fine
        var normals = fine.mesh.vertexNormals()
        let frame = self.frame
        let facing = zip(fine.mesh.vertices, normals).reduce(Float(0)) { acc, vn in
            frame.depth(vn.0) > frame.minimumDepth ? acc + (vn.1 * frame.forward).sum() : acc
        }
        if facing < 0 { normals = normals.map { -$0 } }
        outward = normals
        let plane = fine.mesh.vertices.map(frame.plane)
        let frontal = fine.mesh.vertices.indices.map { [normals] in frame.isFrontal(fine.mesh.vertices[$0], normal: normals[$0]) }
        var profiles: [WrinklePattern: [Float]] = [:]
        for pattern in WrinklePattern.allCases {
            let strokes = pattern.strokes(landmarks: l)
            profiles[pattern] = plane.indices.map { frontal[$0] ? WrinklePattern.profile(strokes, at: plane[$0]) : 0 }
        }
        self.profiles = profiles
        marks = AlbedoMarks.standard(frame: frame)
        (paintedTexture, markAmount) = marks.paint(scan, frame: frame)
    }

    /// The `james` scan and its landmarks from the data cache.
    public static func james(flattenTexture: Bool = false) throws -> WrinkleScan {
        let obj = try DataPaths.require(DataPaths.scan("james.obj"))
        return try WrinkleScan(scan: try TexturedScan.load(obj: obj),
                               landmarks: try LandmarkFile.load(obj.deletingPathExtension().appendingPathExtension("ljson")),
                               flattenTexture: flattenTexture)
    }

    /// sᵢ = max over `patterns` of their profiles (zeros for none).
    public func profile(_ patterns: [WrinklePattern]) -> [Float] {
        var s = [Float](repeating: 0, count: base.mesh.vertices.count)
        for p in patterns {
            guard let q = profiles[p] else { continue }
            for i in s.indices { s[i] = max(s[i], q[i]) }
        }
        return s
    }

    /// `base` with the relief of `patterns` at depth `amplitude` (scan units), original texture.
    public func displaced(_ patterns: [WrinklePattern], amplitude: Float) -> TexturedScan {
        var scan = base
        let s = profile(patterns)
        for i in scan.mesh.vertices.indices where s[i] > 0 {
            scan.mesh.vertices[i] -= amplitude * s[i] * outward[i]
        }
        return scan
    }

    /// `base`'s smooth geometry with the painted texture (the control).
    public var control: TexturedScan {
        var scan = base
        scan.texture = paintedTexture
        return scan
    }

    /// The NoW reference of a (displaced) subdivided scan: its first n vertices with the
    /// original scan's triangles and texture coordinates (see the type's comment).
    public func nowReference(_ scan: TexturedScan) throws -> TexturedScan {
        let n = original.mesh.vertices.count
        guard scan.mesh.vertices.count >= n else { throw SiderError(.badInput, "not a subdivision of the scan") }
        return try TexturedScan(mesh: TriangleMesh(vertices: Array(scan.mesh.vertices[0..<n]), faces: original.mesh.faces),
                                cornerUVs: original.cornerUVs, texture: scan.texture)
    }
}

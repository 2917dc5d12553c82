import Foundation
import Geometry
import ImageIO
import SiderCore

/// The textured export of a finished output folder: `detailed.obj` and `coarse.obj` with UVs
/// and a material (`detailed.mtl`, `texture.png`), and the detail as UV maps over the coarse
/// mesh (`displacement.png`, `normal_map.png`, their encoding in `maps.json`).
///
/// Works from the folder's files alone: `coarse.obj`, `detailed.obj` (the coarse mesh
/// subdivided k times with moved vertices; k is found from the triangle counts and the
/// triangles are checked to be exactly the subdivision's), `run.json` (`cameraCrop`, the
/// prior's kind) and `crop.png`, or `albedo.png` when the shader wrote one. UVs:
/// `FaceUVLayout`, subdivided with the mesh (`UVMesh.subdividedMidpoint`). The meshes are
/// rewritten with the same vertices and triangles, so nothing about their geometry changes.
public enum TexturedExport {
    public struct Options: Sendable {
        /// Side of texture.png, displacement.png and normal_map.png in texels.
        public var mapSize = 1024
        /// An OBJ with the UV layout of the coarse mesh's topology (FLAME's head_template.obj).
        public var layoutFile: URL?
        public init() {}
    }

    /// What `maps.json` records.
    public struct MapsRecord: Codable, Sendable, Equatable {
        public var tool = "sider report"
        public var uvLayout: String
        public var subdivisions: Int
        public var size: Int
        public var textureSource: String
        public var displacement: Displacement
        public var normalMap: NormalMapInfo
        public var files: [String]

        public struct Displacement: Codable, Sendable, Equatable {
            public var file = "displacement.png"
            public var encoding = "16-bit grey; d = (sample/65535 - midlevel) * scale metres along the outward vertex normal of coarse.obj subdivided `subdivisions` times (midpoint); detailed = subdivided coarse + d * normal"
            public var midlevel: Float
            public var scale: Float
            public var maxAbsDisplacement: Float
            /// Largest part of detailed − coarse not along the normal (metres; ~0 by construction).
            public var maxTangentialResidual: Float
        }

        public struct NormalMapInfo: Codable, Sendable, Equatable {
            public var file = "normal_map.png"
            public var encoding = "tangent space of the subdivided coarse mesh, RGB = (n + 1)/2; T along +u, B along +v (OpenGL / Blender convention), N the outward normal"
        }
    }

    public static let files = ["detailed.obj", "coarse.obj", "detailed.mtl", "texture.png", "displacement.png", "normal_map.png", "maps.json"]

    @discardableResult
    public static func write(outputDirectory dir: URL, options: Options = Options()) throws -> MapsRecord {
        let run = try RunRecord.load(outputDirectory: dir)
        guard let cam = run.cameraCrop else { throw SiderError(.badInput, "\(dir.path)/run.json has no cameraCrop") }
        let camera = PinholeCamera(fx: cam.fx, fy: cam.fy, cx: cam.cx, cy: cam.cy, width: cam.width, height: cam.height)
        let coarse = try MeshIO.load(dir.appendingPathComponent("coarse.obj"))
        let detailed = try MeshIO.load(dir.appendingPathComponent("detailed.obj"))
        let levels = try subdivisionLevels(coarse: coarse, detailed: detailed)

        let isLandmarkMesh = run.coarsePrior?.kind.map { $0.lowercased().contains("landmark") }
            ?? (coarse.vertices.count >= 468 && coarse.vertices.count != 5023)
        var (uvBase, kind) = try FaceUVLayout.layout(for: coarse, isLandmarkMesh: isLandmarkMesh, layoutFile: options.layoutFile)
        let uvCoarse = uvBase
        for _ in 0..<levels { uvBase = try uvBase.subdividedMidpoint() }
        guard uvBase.mesh.faces == detailed.faces else {
            throw SiderError(.badInput, "detailed.obj's triangles are not coarse.obj's subdivided \(levels) times (was the run made by another version?)")
        }
        let uvDetailed = try uvBase.moved(to: detailed.vertices)
        let raster = try UVRaster(uvBase, size: options.mapSize)

        let albedo = dir.appendingPathComponent("albedo.png")
        let source = FileManager.default.fileExists(atPath: albedo.path) ? "albedo.png" : "crop.png"
        let image = try ImageDecoder.load(dir.appendingPathComponent(source))
        let texture = try TextureBaker.bake(uvDetailed, raster: raster, image: image, camera: camera)
        let maps = try DetailMaps(base: uvBase, detailed: detailed.vertices, raster: raster)

        try PNGEncoder.save(texture, to: dir.appendingPathComponent("texture.png"))
        try AtomicFile.write(try PNGEncoder.encodeGray16(values: maps.displacementSamples, width: raster.size, height: raster.size),
                             to: dir.appendingPathComponent("displacement.png"))
        try PNGEncoder.save(maps.normalImage, to: dir.appendingPathComponent("normal_map.png"))
        try AtomicFile.write(materialText(), to: dir.appendingPathComponent("detailed.mtl"))
        try uvDetailed.saveOBJ(to: dir.appendingPathComponent("detailed.obj"), materialLibrary: "detailed.mtl", material: "face")
        try uvCoarse.saveOBJ(to: dir.appendingPathComponent("coarse.obj"), materialLibrary: "detailed.mtl", material: "face")
        let record = MapsRecord(uvLayout: kind.rawValue, subdivisions: levels, size: raster.size, textureSource: source,
                                displacement: .init(midlevel: DetailMaps.midlevel, scale: maps.scale,
                                                    maxAbsDisplacement: maps.maxAbsDisplacement,
                                                    maxTangentialResidual: maps.maxTangentialResidual),
                                normalMap: .init(), files: files)
        try AtomicFile.writeJSON(record, to: dir.appendingPathComponent("maps.json"))
        return record
    }

    /// k with detailed = coarse subdivided k times (triangle count 4ᵏ·coarse's).
    static func subdivisionLevels(coarse: TriangleMesh, detailed: TriangleMesh) throws -> Int {
        var count = coarse.faces.count
        for k in 0...6 {
            if count == detailed.faces.count { return k }
            count *= 4
        }
        throw SiderError(.badInput, "detailed.obj has \(detailed.faces.count) triangles, not coarse.obj's \(coarse.faces.count) times a power of 4")
    }

    static func materialText() -> String {
        """
        # written by SIDER-Swift: the photo unwrapped into the face's UV layout
        # Detail maps over coarse.obj (see maps.json): displacement.png (16-bit, midlevel 0.5,
        # strength = maps.json's displacement.scale, after maps.json's `subdivisions` levels of simple subdivision) and
        # normal_map.png (tangent space, OpenGL convention).
        newmtl face
        Ka 1.000 1.000 1.000
        Kd 1.000 1.000 1.000
        Ks 0.000 0.000 0.000
        d 1.0
        illum 1
        map_Kd texture.png

        """
    }
}

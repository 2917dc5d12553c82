import Foundation
import SiderCore
import Geometry
import ImageIO

/// Stage 4: the run's files, all images in the crop's frame — crop.png, render.png,
/// normals.png, depth.png, overlay.png, coarse_normals.png, shaded.png, coarse_shaded.png, with
/// the intrinsic shader albedo.png, shading.png (render.png = albedo × shading × run.json's
/// lighting.shadingScale, + specular.png with a specular lobe) and skin.png (its skin confidence m), fc_normals.png (f_c alone, when
/// the detail stage kept it frozen and added δ),
/// coarse.obj and (unless interrupted) detailed.obj/.ply: the coarse mesh subdivided
/// `output.meshSubdivisions` times, moved onto f_θ's front sheet minus ε/2 (`DetailedSurface`).
public enum RunOutputs {
    public struct Written {
        public var files: [String]
        /// Fraction of the face region's pixels the final surface covers.
        public var hitFraction: Float
        /// The intrinsic shader's lighting (nil for a network g_ω).
        public var lighting: LightingRecord?
    }

    public static func write(face: FaceRays, detail: DetailStage, coarseMesh: TriangleMesh, config: ReconstructionConfig,
                             meshes: Bool, to out: URL) throws -> Written {
        var files: [String] = []
        func save(_ img: RGBImage, _ name: String) throws {
            try PNGEncoder.save(img, to: out.appendingPathComponent(name)); files.append(name)
        }
        let size = face.crop.size
        let imgs = detail.images()
        try save(face.image, "crop.png")
        try save(imgs.renderImage, "render.png")
        if let albedo = imgs.albedoImage, let shading = imgs.shadingImage {
            try save(albedo, "albedo.png")
            try save(shading, "shading.png")
        }
        if let specular = imgs.specularImage { try save(specular, "specular.png") }
        if let skin = detail.skinConfidence {
            try save(RGBImage(width: size, height: size, pixels: skin.flatMap { [$0, $0, $0] }), "skin.png")
        }
        try save(imgs.normalImage, "normals.png")
        try save(imgs.depthImage, "depth.png")
        try save(imgs.overlay(on: face.image), "overlay.png")
        if detail.geometry.coarseIsFixed, detail.geometry.detail != nil {
            // f_c as the coarse stage left it (frozen since): what the detail stage started from.
            let fc = FaceImages(rays: face.rays, renderer: detail.optimizer.renderer, geometry: detail.geometry.coarse,
                                shader: detail.shader)
            try save(fc.normalImage, "fc_normals.png")
        }
        let coarseNormals = face.coarseNormals
        try save(NormalMap.encode(coarseNormals, width: size, height: size), "coarse_normals.png")
        try save(imgs.shadedImage, "shaded.png")
        try save(FaceImages.shaded(coarseNormals, width: size, height: size), "coarse_shaded.png")
        try MeshIO.save(coarseMesh, to: out.appendingPathComponent("coarse.obj"))
        if meshes {
            let thickness = config.coarse.shellThickness * coarseMesh.boundingBox.diagonal
            // The network's front sheet lies ε/2 in front of the face; the prior grid's on it.
            let sheet = detail.geometry.coarse is PriorDistanceField ? 0 : thickness
            let surface = DetailedSurface.mesh(coarse: coarseMesh, geometry: detail.geometry, thickness: sheet,
                                               subdivisions: config.output.meshSubdivisions, searchLength: 2 * thickness)
            if surface.unmoved > 0 {
                SiderLog.make("reconstruct").info("detailed mesh: \(surface.unmoved) of \(surface.mesh.vertices.count) vertices found no front sheet and stay at the coarse surface")
            }
            try MeshIO.save(surface.mesh, to: out.appendingPathComponent("detailed.obj"))
            try MeshIO.save(surface.mesh, to: out.appendingPathComponent("detailed.ply"))
            files += ["detailed.obj", "detailed.ply"]
        }
        let hits = imgs.normals.reduce(0) { $0 + ($1 == .zero ? 0 : 1) }
        let lighting = detail.shader.intrinsic.map { shader in
            LightingRecord(coefficients: shader.lighting, shadingScale: imgs.shadingScale ?? 1,
                           specular: shader.specular.map { SpecularRecord($0.parameters) })
        }
        return Written(files: files, hitFraction: Float(hits) / Float(face.rays.count), lighting: lighting)
    }
}

import Foundation
import SiderCore
import Geometry
import ImageIO

/// What the detail stage fits, in the crop the front end built: the crop image, its camera,
/// the face region (the coarse mesh rasterized, eroded by `crop.erosion`, cut to the face
/// polygon, minus eyes and inner mouth), one ray per region pixel with its interval
/// ± `crop.rayMargin`·D around the coarse depth, and each ray's target colour.
public struct FaceRays {
    public var crop: FaceCrop
    public var camera: PinholeCamera
    public var image: RGBImage
    public var coarseRaster: RasterOutput
    public var mask: PixelMask
    public var rays: RaySet
    public var targets: [SIMD3<Float>]

    public init(_ input: ReconstructionInput, config: CropConfig) throws {
        let crop = input.crop
        camera = crop.cameraInCrop(input.photoCamera)
        let toPhoto = AffineTransform2D(a: 1 / crop.scale, b: 0, c: crop.originX, d: 0, e: 1 / crop.scale, f: crop.originY)
        image = input.photo.warpedAffine(toPhoto, width: crop.size, height: crop.size, border: nil)
        coarseRaster = try Rasterizer(camera: camera).render(input.coarseMesh.withVertexNormals())
        var mask = PixelMask(width: crop.size, height: crop.size, values: coarseRaster.mask).eroded(radius: config.erosion)
        if let region = input.faceRegion { mask = mask.keepingPolygon(region.map(crop.toCrop)) }
        for poly in input.excludedRegions { mask = mask.removingPolygon(poly.map(crop.toCrop)) }
        self.mask = mask
        let diagonal = input.coarseMesh.boundingBox.diagonal
        rays = RaySet(camera: camera, mask: mask, depth: coarseRaster.depth, margin: config.rayMargin * diagonal)
        guard rays.count >= 64 else {
            throw SiderError(.badInput, "the coarse face covers only \(rays.count) pixels of the crop; is the coarse fit in this camera?")
        }
        let image = self.image
        targets = rays.pixels.map { image[Int($0) % crop.size, Int($0) / crop.size] }
        self.crop = crop
    }

    /// The coarse prior's normals inside the face region (zero elsewhere).
    public var coarseNormals: [SIMD3<Float>] {
        var n = coarseRaster.normals
        for i in n.indices where !mask.values[i] { n[i] = .zero }
        return n
    }
}

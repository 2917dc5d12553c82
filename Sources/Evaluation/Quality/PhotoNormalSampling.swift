import Geometry
import ImageIO
import SiderPipeline

extension QualityScoring {
    /// Like `photoNormals(fromCropImage:crop:width:height:)`, but bilinear: at photo pixel centre
    /// p the crop point q = crop.toCrop(p) is interpolated from the (up to) four crop pixel
    /// centres around it that show surface (non-black), their bilinear weights renormalised over
    /// those, and the result normalised to unit length; zero where none of the four shows
    /// surface. The crop is coarser than the photo (256 px over the face), so nearest sampling
    /// would turn a smooth field into steps of 2 photo pixels that no surface has.
    public static func photoNormalsBilinear(fromCropImage image: RGBImage, crop: FaceCrop, width: Int, height: Int) -> [SIMD3<Float>] {
        let decoded = NormalMap.decode(image)
        let cw = image.width, ch = image.height
        let px = image.pixels
        let covered = (0..<(cw * ch)).map { (k: Int) -> Bool in
            let sum: Float = px[3 * k] + px[3 * k + 1] + px[3 * k + 2]
            return sum > 0
        }
        var out = [SIMD3<Float>](repeating: .zero, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let q = crop.toCrop(PinholeCamera.pixelCentre(x: x, y: y)) - SIMD2(0.5, 0.5)
                guard q.x > -1, q.y > -1, q.x < Float(cw), q.y < Float(ch) else { continue }
                let x0 = Int(q.x.rounded(.down)), y0 = Int(q.y.rounded(.down))
                let tx = q.x - Float(x0), ty = q.y - Float(y0)
                var sum = SIMD3<Float>.zero, weight: Float = 0
                let taps: [(Int, Int, Float)] = [(0, 0, (1 - tx) * (1 - ty)), (1, 0, tx * (1 - ty)), (0, 1, (1 - tx) * ty), (1, 1, tx * ty)]
                for (dx, dy, wgt) in taps {
                    let u = x0 + dx, v = y0 + dy
                    guard u >= 0, v >= 0, u < cw, v < ch, covered[v * cw + u], wgt > 0 else { continue }
                    sum += wgt * decoded[v * cw + u]; weight += wgt
                }
                let length = (sum * sum).sum().squareRoot()
                guard weight > 0, length > 0 else { continue }
                out[y * width + x] = sum / length
            }
        }
        return out
    }
}

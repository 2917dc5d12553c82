import ImageIO

/// Draws landmarks over a photo for `landmarks.png`: the detection box (yellow), the face-mesh
/// edges (thin green), and the 68 iBUG points (red dots).
public enum LandmarkOverlay {
    public static func render(_ image: RGBImage, faces: [FaceDetection], landmarks: FaceLandmarks,
                              triangles: [SIMD3<Int32>]) -> RGBImage {
        var out = image
        let scale = max(1, Float(max(image.width, image.height)) / 800)
        for f in faces {
            let b = f.box
            let corners = [SIMD2(b.xmin, b.ymin), SIMD2(b.xmax, b.ymin), SIMD2(b.xmax, b.ymax), SIMD2(b.xmin, b.ymax)]
            for k in 0..<4 { line(&out, corners[k], corners[(k + 1) % 4], SIMD3(1, 0.9, 0.1)) }
        }
        let p = landmarks.points468
        for t in triangles {
            let a = Int(t.x), b = Int(t.y), c = Int(t.z)
            guard p.indices.contains(a), p.indices.contains(b), p.indices.contains(c) else { continue }
            let pa = SIMD2(p[a].x, p[a].y), pb = SIMD2(p[b].x, p[b].y), pc = SIMD2(p[c].x, p[c].y)
            line(&out, pa, pb, SIMD3(0.2, 0.9, 0.3)); line(&out, pb, pc, SIMD3(0.2, 0.9, 0.3))
            line(&out, pc, pa, SIMD3(0.2, 0.9, 0.3))
        }
        for q in landmarks.points68 { disc(&out, q, radius: 1.5 * scale, SIMD3(1, 0.1, 0.1)) }
        return out
    }

    /// A one-pixel line from a to b (continuous pixel coordinates), clipped to the image.
    static func line(_ img: inout RGBImage, _ a: SIMD2<Float>, _ b: SIMD2<Float>, _ color: SIMD3<Float>) {
        let d = b - a
        let steps = Int(max(abs(d.x), abs(d.y)).rounded(.up)) + 1
        guard steps > 0, steps < 100_000 else { return }
        for s in 0...steps {
            let q = a + d * (Float(s) / Float(steps))
            set(&img, q, color)
        }
    }

    static func disc(_ img: inout RGBImage, _ c: SIMD2<Float>, radius: Float, _ color: SIMD3<Float>) {
        let r = Int(radius.rounded(.up))
        for dy in -r...r {
            for dx in -r...r where Float(dx * dx + dy * dy) <= radius * radius {
                set(&img, c + SIMD2(Float(dx), Float(dy)), color)
            }
        }
    }

    private static func set(_ img: inout RGBImage, _ q: SIMD2<Float>, _ color: SIMD3<Float>) {
        guard q.x.isFinite, q.y.isFinite else { return }
        let x = Int(q.x.rounded(.down)), y = Int(q.y.rounded(.down))
        guard x >= 0, y >= 0, x < img.width, y < img.height else { return }
        img[x, y] = color
    }
}

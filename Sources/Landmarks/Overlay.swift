import ImageIO

/// Draws landmarks over a photo for `landmarks.png`: every detection box (yellow), the chosen
/// face's mesh edges (thin green) and its 68 iBUG points (red dots).
public enum LandmarkOverlay {
    public static func render(_ image: RGBImage, faces: [FaceDetection], landmarks: FaceLandmarks,
                              triangles: [SIMD3<Int32>]) -> RGBImage {
        var out = image
        let scale = max(1, Float(max(image.width, image.height)) / 800)
        for f in faces {
            out.drawRectangle(origin: SIMD2(f.box.xmin, f.box.ymin), size: SIMD2(f.box.width, f.box.height),
                              color: SIMD3(1, 0.9, 0.1), thickness: scale)
        }
        let p = landmarks.points468.map { SIMD2($0.x, $0.y) }
        let green = SIMD3<Float>(0.2, 0.9, 0.3)
        for t in triangles {
            let a = Int(t.x), b = Int(t.y), c = Int(t.z)
            guard p.indices.contains(a), p.indices.contains(b), p.indices.contains(c) else { continue }
            out.drawPolyline([p[a], p[b], p[c]], color: green, thickness: 1, closed: true)
        }
        for q in landmarks.points68 { out.drawPoint(q, radius: 1.5 * scale, color: SIMD3(1, 0.1, 0.1)) }
        return out
    }
}

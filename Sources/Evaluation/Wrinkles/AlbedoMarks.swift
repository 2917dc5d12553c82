import Geometry
import ImageIO
import SiderCore

/// The wrinkle benchmark's control: marks painted into a scan's texture — colour only, no relief
/// — that a method must not turn into geometry. In the face plane (`ScanFaceFrame`) the mark
/// amount is
///
///   m(q) = max( maxₖ aₖ·β(‖q − cₖ‖/rₖ),  a_line · max over lines of their stroke profile ),
///
/// β the compact bump of `WrinkleStroke`; spots (freckle-like, radius 0.7–1.8 mm, a = 0.25–0.45)
/// are drawn from `seed` over the forehead, nose and cheeks, at least 8 mm from the brows, eyes
/// and lips landmarks; the painted lines are dark lines exactly where the forehead furrows and
/// crow's feet of `WrinklePattern` lie (a_line = 0.35), so a method that reads dark lines as
/// furrows shows it here. The painted albedo is a ⊙ (1 − m·tint), tint = (0.8, 1.0, 1.15):
/// darker and browner.
public struct AlbedoMarks: Sendable, Equatable {
    public struct Spot: Sendable, Equatable {
        public var centre: SIMD2<Float>
        public var radius: Float
        public var darkness: Float
    }

    public var spots: [Spot]
    public var lines: [WrinkleStroke]
    public var lineDarkness: Float
    public static let tint = SIMD3<Float>(0.8, 1.0, 1.15)

    public init(spots: [Spot], lines: [WrinkleStroke], lineDarkness: Float) {
        self.spots = spots; self.lines = lines; self.lineDarkness = lineDarkness
    }

    /// The benchmark's marks on a face with the given frame (see the type's comment).
    public static func standard(frame: ScanFaceFrame, count: Int = 60, seed: UInt64 = 7) -> AlbedoMarks {
        var g = SeededGenerator(seed: seed)
        let l = frame.landmarks2D
        let avoid = Array(17...26) + Array(36...67)
        var spots: [Spot] = []
        var attempts = 0
        while spots.count < count && attempts < 100 * count {
            attempts += 1
            let c = SIMD2(g.uniform(-48, 48), g.uniform(-58, 62))
            guard avoid.allSatisfy({ WrinkleStroke.norm(l[$0] - c) >= 8 }) else { continue }
            spots.append(Spot(centre: c, radius: g.uniform(0.7, 1.8), darkness: g.uniform(0.25, 0.45)))
        }
        let lines = WrinklePattern.forehead.strokes(landmarks: l) + WrinklePattern.crowsFeet.strokes(landmarks: l)
        return AlbedoMarks(spots: spots, lines: lines, lineDarkness: 0.35)
    }

    /// m(q) ∈ [0, 1).
    public func amount(at q: SIMD2<Float>) -> Float {
        var m = lineDarkness * WrinklePattern.profile(lines, at: q)
        for s in spots {
            let d = q - s.centre
            let r2 = (d * d).sum() / (s.radius * s.radius)
            if r2 < 1 { m = max(m, s.darkness * (1 - r2) * (1 - r2) * (1 - r2)) }
        }
        return m
    }

    /// The scan's texture with the marks painted in, and the mark amount per texel. Each
    /// triangle is drawn in texture space (texel x = u·W, y = (1 − v)·H, centres at + 0.5);
    /// a covered texel's surface point is the triangle's barycentric combination of its
    /// vertices, and its plane point gives m. Texels outside every triangle keep their colour.
    /// Only frontal vertices' triangles (`ScanFaceFrame.isFrontal`, all three corners) are painted.
    public func paint(_ scan: TexturedScan, frame: ScanFaceFrame) -> (texture: RGBImage, amount: GrayImage) {
        var texture = scan.texture
        let w = texture.width, h = texture.height
        var amounts = GrayImage(width: w, height: h, values: [Float](repeating: 0, count: w * h))
        let mesh = scan.mesh
        let normals = mesh.vertexNormals()
        let frontal = mesh.vertices.indices.map { frame.isFrontal(mesh.vertices[$0], normal: normals[$0]) }
        var done = [Bool](repeating: false, count: w * h)
        for (f, face) in mesh.faces.enumerated() {
            let idx = [Int(face.x), Int(face.y), Int(face.z)]
            guard idx.allSatisfy({ frontal[$0] }) else { continue }
            let t = (0..<3).map { k -> SIMD2<Float> in
                let uv = scan.cornerUVs[3 * f + k]
                return SIMD2(uv.x * Float(w), (1 - uv.y) * Float(h))
            }
            let p = idx.map { frame.plane(mesh.vertices[$0]) }
            let area = Self.edge(t[0], t[1], t[2])
            guard abs(area) > 1e-12 else { continue }
            let lo = pointwiseMin(t[0], pointwiseMin(t[1], t[2])), hi = pointwiseMax(t[0], pointwiseMax(t[1], t[2]))
            let x0 = max(0, Int((lo.x - 0.5).rounded(.up))), x1 = min(w - 1, Int((hi.x - 0.5).rounded(.down)))
            let y0 = max(0, Int((lo.y - 0.5).rounded(.up))), y1 = min(h - 1, Int((hi.y - 0.5).rounded(.down)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 where !done[y * w + x] {
                    let c = SIMD2(Float(x) + 0.5, Float(y) + 0.5)
                    let b = SIMD3(Self.edge(t[1], t[2], c), Self.edge(t[2], t[0], c), Self.edge(t[0], t[1], c)) / area
                    guard b.min() >= -1e-5 else { continue }
                    done[y * w + x] = true
                    let m = amount(at: b.x * p[0] + b.y * p[1] + b.z * p[2])
                    guard m > 0 else { continue }
                    amounts.values[y * w + x] = m
                    let k = 3 * (y * w + x)
                    let factor = (SIMD3<Float>(repeating: 1) - m * Self.tint).clamped(lowerBound: .zero, upperBound: SIMD3(1, 1, 1))
                    for ch in 0..<3 { texture.pixels[k + ch] *= factor[ch] }
                }
            }
        }
        return (texture, amounts)
    }

    static func edge(_ a: SIMD2<Float>, _ b: SIMD2<Float>, _ p: SIMD2<Float>) -> Float {
        (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
    }
}

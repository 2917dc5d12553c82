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

    /// The scan's texture with the marks painted in, and the mark amount per texel: each frontal
    /// texel (`FrontalTexels`) takes m at its plane point. Other texels keep their colour.
    public func paint(_ scan: TexturedScan, frame: ScanFaceFrame) -> (texture: RGBImage, amount: GrayImage) {
        var texture = scan.texture
        let w = texture.width, h = texture.height
        var amounts = GrayImage(width: w, height: h, values: [Float](repeating: 0, count: w * h))
        for texel in FrontalTexels(scan, frame: frame).texels {
            let m = amount(at: texel.plane)
            guard m > 0 else { continue }
            amounts.values[texel.index] = m
            let k = 3 * texel.index
            let factor = (SIMD3<Float>(repeating: 1) - m * Self.tint).clamped(lowerBound: .zero, upperBound: SIMD3(1, 1, 1))
            for ch in 0..<3 { texture.pixels[k + ch] *= factor[ch] }
        }
        return (texture, amounts)
    }
}

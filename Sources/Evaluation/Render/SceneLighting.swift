/// The known illumination of a ground-truth render: ambient plus one directional light with a
/// Lambertian term and an optional soft Blinn–Phong specular term, all in camera coordinates
/// (OpenCV: x right, y down, z forward):
///
///   colour = albedo ⊙ (kₐ + k_d·max(0, n·l))·c_light + k_s·max(0, n·h)^α·c_light·[n·l > 0],
///
/// n the unit surface normal (facing the camera: n_z < 0), l the unit direction towards the
/// light, h = normalise(l + v) with v = −p/‖p‖ the direction towards the camera.
public struct SceneLighting: Sendable, Equatable, Codable {
    public var ambient: Float
    public var diffuse: Float
    public var specular: Float
    public var shininess: Float
    /// Unit direction from the surface towards the light (camera frame).
    public var direction: SIMD3<Float>
    public var colour: SIMD3<Float>

    public init(ambient: Float, diffuse: Float, specular: Float = 0, shininess: Float = 20,
                direction: SIMD3<Float>, colour: SIMD3<Float> = SIMD3(1, 1, 1)) {
        self.ambient = ambient
        self.diffuse = diffuse
        self.specular = specular
        self.shininess = shininess
        let n = (direction * direction).sum().squareRoot()
        self.direction = n > 0 ? direction / n : SIMD3(0, 0, -1)
        self.colour = colour
    }

    /// Shaded colour of a surface point at camera-frame position `p` with unit normal `n`.
    @inlinable public func shade(albedo: SIMD3<Float>, normal n: SIMD3<Float>, position p: SIMD3<Float>) -> SIMD3<Float> {
        let ndotl = (n * direction).sum()
        var c = albedo * (ambient + diffuse * max(0, ndotl)) * colour
        if specular > 0 && ndotl > 0 {
            let pl = (p * p).sum().squareRoot()
            let v = pl > 0 ? -p / pl : SIMD3<Float>(0, 0, -1)
            var h = direction + v
            let hl = (h * h).sum().squareRoot()
            if hl > 0 { h /= hl }
            c += specular * Float.pow(max(0, (n * h).sum()), shininess) * colour
        }
        return c.clamped(lowerBound: .zero, upperBound: SIMD3(1, 1, 1))
    }
}

extension Float {
    @usableFromInline static func pow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
}

import Foundation

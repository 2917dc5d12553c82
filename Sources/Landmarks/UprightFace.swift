import Foundation
import ImageIO
import SiderCore

/// A face found in a photo that may lie on its side or upside down (a portrait turned 90°
/// without an EXIF tag): the photo turned upright, the quarter-turn that took, and the landmarks
/// found in the upright photo.
public struct UprightFace: Sendable {
    /// Degrees clockwise the photo was turned before the landmarks were found: 0, 90, 180 or 270.
    public var rotationDegrees: Int
    /// The photo after that turn (the input itself when 0).
    public var photo: RGBImage
    public var faces: [FaceDetection]
    public var landmarks: FaceLandmarks
}

extension FaceLandmarker {
    /// Finds the face upright or at 90°, 180° or 270°, and returns it in the photo turned upright.
    ///
    /// The face mesh is rotation-aware (its crop follows the eye line), but the 68-point
    /// refinement, the crop and the coarse prior assume an upright face. The eye line's angle θ
    /// (the mesh crop's rotation; 0 upright, +90° for a photo turned clockwise) says how far the
    /// face is turned: when it is nearer a quarter turn k·90° (k ≠ 0) than upright, the photo is
    /// turned by −k·90° and the landmarks found again there. When no face is found as is, the
    /// three other turns are tried and the one whose face has the best detection score wins.
    public func runUpright(_ image: RGBImage, face: Int? = nil) throws -> UprightFace {
        let first: (faces: [FaceDetection], landmarks: FaceLandmarks)
        do {
            first = try run(image, face: face)
        } catch let e as SiderError where e.kind == .noFace {
            var best: UprightFace?
            for degrees in [90, 180, 270] {
                let turned = Self.turn(image, clockwise: degrees)
                guard let found = try? run(turned, face: face), Self.quarterTurns(found.landmarks) == 0 else { continue }
                if best == nil || found.landmarks.detectionScore > best!.landmarks.detectionScore {
                    best = UprightFace(rotationDegrees: degrees, photo: turned, faces: found.faces, landmarks: found.landmarks)
                }
            }
            guard let best else { throw e }
            return best
        }
        let k = Self.quarterTurns(first.landmarks)
        guard k != 0 else { return UprightFace(rotationDegrees: 0, photo: image, faces: first.faces, landmarks: first.landmarks) }
        let degrees = (360 - 90 * k) % 360
        let turned = Self.turn(image, clockwise: degrees)
        let again = try run(turned, face: face)
        guard Self.quarterTurns(again.landmarks) == 0 else {
            throw SiderError(.noFace, "the face is turned \(90 * k)° and could not be found upright after turning the photo; rotate the photo upright")
        }
        return UprightFace(rotationDegrees: degrees, photo: turned, faces: again.faces, landmarks: again.landmarks)
    }

    /// The face's turn in quarter turns clockwise, 0…3, from the mesh crop's eye-line angle.
    static func quarterTurns(_ landmarks: FaceLandmarks) -> Int {
        let k = Int((landmarks.crop.rotation / (Float.pi / 2)).rounded())
        return ((k % 4) + 4) % 4
    }

    /// The image turned clockwise by 0, 90, 180 or 270 degrees (through the EXIF transforms).
    public static func turn(_ image: RGBImage, clockwise degrees: Int) -> RGBImage {
        switch ((degrees % 360) + 360) % 360 {
        case 90: return ExifOrientation(6).apply(to: image)
        case 180: return ExifOrientation(3).apply(to: image)
        case 270: return ExifOrientation(8).apply(to: image)
        default: return image
        }
    }
}

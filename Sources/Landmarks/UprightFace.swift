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
    /// refinement, the crop and the coarse prior assume an upright face. So the face detector
    /// runs on all four quarter turns of the photo. Where the face is upright, the eye line's
    /// angle θ (the face-mesh crop's rotation from the detection's eye keypoints; ±90° for a face
    /// on its side) is near 0. BlazeFace also "finds" an upside-down face with θ near 0 (it takes
    /// the mouth for the eyes), but with a lower score (obama2: 0.94 upright, 0.65 upside down;
    /// biden: 0.86, 0.59). The turn chosen is the one whose face has |θ| < 45° and the best
    /// detection score; the face mesh then runs once, on that turn. When faces are found only on
    /// their side, the error says so.
    public func runUpright(_ image: RGBImage, face: Int? = nil) throws -> UprightFace {
        // Detection alone per turn (the face mesh then runs once, on the chosen turn).
        var best: (degrees: Int, score: Float)?
        var sideways: Int?
        for degrees in [0, 90, 180, 270] {
            guard let faces = try? detectFaces(Self.turn(image, clockwise: degrees)), !faces.isEmpty else { continue }
            let detection = faces[min(face ?? 0, faces.count - 1)]
            let k = Self.quarterTurns(FaceROI.crop(for: detection).rotation)
            guard k == 0 else { sideways = sideways ?? (degrees + 90 * k) % 360; continue }
            if best == nil || detection.score > best!.score { best = (degrees, detection.score) }
        }
        guard let best else {
            if let sideways {
                throw SiderError(.noFace, "the face lies turned about \(sideways)° and was not found upright in any quarter turn of the photo; rotate the photo upright")
            }
            _ = try run(image, face: face)   // its own error: too small, no face, …
            throw SiderError(.noFace, "no face found in the image")
        }
        let turned = Self.turn(image, clockwise: best.degrees)
        let found = try run(turned, face: face)
        return UprightFace(rotationDegrees: best.degrees, photo: turned, faces: found.faces, landmarks: found.landmarks)
    }

    /// The face's turn in quarter turns clockwise, 0…3, from the mesh crop's eye-line angle.
    static func quarterTurns(_ rotation: Float) -> Int {
        let k = Int((rotation / (Float.pi / 2)).rounded())
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

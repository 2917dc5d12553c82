import Foundation
import ImageIO
import Landmarks
import SiderCore
import SiderPipeline
import Testing

/// A portrait turned on its side without an EXIF tag gave exit 0 and garbage (a landmark error
/// of 101.9 px against 9.9 px upright): the front end now finds the face at 90°, 180° and 270°
/// and turns the photo upright first.
@Suite(.serialized) struct RotatedPhotoTests {
    static func photo() throws -> RGBImage {
        let url = DataPaths.sample("obama2.jpg")
        try #require(FileManager.default.fileExists(atPath: url.path), "sample photo missing: run scripts/setup")
        return try ImageDecoder.load(url)
    }

    /// Turning by 90° is a permutation of pixels, so the photo turned back is the upright one and
    /// the landmarks found there are exactly the upright landmarks.
    @Test func aTurnedPhotoIsTurnedBackAndGivesTheUprightLandmarks() throws {
        let upright = try Self.photo()
        let landmarker = try FaceLandmarker()
        let reference = try landmarker.runUpright(upright)
        #expect(reference.rotationDegrees == 0)
        for degrees in [90, 180, 270] {
            let turned = FaceLandmarker.turn(upright, clockwise: degrees)
            let found = try landmarker.runUpright(turned)
            #expect(found.rotationDegrees == (360 - degrees) % 360, "turned \(degrees)°")
            #expect(found.photo.width == upright.width && found.photo.pixels == upright.pixels)
            let error = zip(found.landmarks.points68, reference.landmarks.points68)
                .map { (($0 - $1) * ($0 - $1)).sum().squareRoot() }.max() ?? .infinity
            #expect(error < 0.01, "turned \(degrees)°: \(error) px")
        }
    }

    /// Through the front end: the turned photo's prior fits as well as the upright one's, and
    /// the rotation is recorded.
    @Test func theFrontEndRecordsTheTurnAndFitsTheLandmarks() throws {
        let turned = FaceLandmarker.turn(try Self.photo(), clockwise: 90)
        let front = try FaceFrontEnd.run(turned, landmarker: try FaceLandmarker(), crop: TestConfigs.shipped("fast").crop)
        #expect(front.photoRotationDegrees == 270)
        #expect(front.photo.width == turned.height)
        #expect(front.prior.landmarkErrorMeanPx < 20, "\(front.prior.landmarkErrorMeanPx) px")
    }
}

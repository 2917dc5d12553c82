import Foundation
import SiderCore
import Testing
@testable import Landmarks

/// dlib shape-predictor files whose counts exceed what the file holds are refused before
/// anything is reserved for them.
@Suite struct HostileShapePredictorTests {
    static func message(_ bytes: [UInt8]) -> String? {
        do { _ = try DlibShapePredictor(bytes: bytes, name: "sp.dat"); return nil } catch let e as SiderError {
            return e.message
        } catch { return "\(error)" }
    }

    @Test func countsBeyondTheFileAreRefused() {
        let version: [UInt8] = [0x01, 0x01]
        // A mean shape of 999 999 rows with no values after it.
        let hugeColumn = version + [0x83, 0x3F, 0x42, 0x0F, 0x81, 0x01]
        #expect(Self.message(hugeColumn)?.contains("is not a dlib shape predictor (matrix") == true)
        // A 2-value mean shape, then 1000 levels of 100 000 trees each, and nothing else.
        let shape: [UInt8] = [0x81, 0x02, 0x81, 0x01] + [0x01, 0x01, 0x00] + [0x01, 0x01, 0x00]
        let hugeCounts = version + shape + [0x02, 0xE8, 0x03] + [0x03, 0xA0, 0x86, 0x01]
        #expect(Self.message(hugeCounts)?.contains("is not a dlib shape predictor (size") == true)
        // The most negative integer cannot be negated.
        let minInt = version + [0x88, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x81, 0x01]
        #expect(Self.message(minInt) != nil)
    }
}

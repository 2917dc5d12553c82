import Foundation
import Testing
@testable import MorphableModels

@Suite("FLAME forward pass")
struct ForwardTests {
    /// Our LBS against the fixture script's independent numpy LBS.
    @Test func matchesNumpyReference() throws {
        let m = try Fixture.model()
        let emb = try Fixture.embedding()
        for (n, c) in try Fixture.reference().cases.enumerated() {
            let out = try m.forward(c.parameters)
            var worst = 0.0
            for (i, v) in out.vertices.enumerated() {
                for k in 0..<3 { worst = max(worst, abs(Double(v[k]) - c.vertices[3 * i + k])) }
            }
            #expect(worst < 1e-5, "case \(n): vertex error \(worst)")
            for (j, p) in out.joints.enumerated() {
                for k in 0..<3 { #expect(abs(Double(p[k]) - c.joints[j][k]) < 1e-5) }
            }
            #expect(LandmarkEmbedding.contourRow(yaw: m.headYaw(pose: c.pose)) == c.contour_row)
            let lmk = m.landmarks(of: out.vertices, pose: c.pose, embedding: emb)
            #expect(lmk.count == 68)
            var lw = 0.0
            for (i, p) in lmk.enumerated() {
                for k in 0..<3 { lw = max(lw, abs(Double(p[k]) - c.landmarks[3 * i + k])) }
            }
            #expect(lw < 1e-5, "case \(n): landmark error \(lw)")
        }
    }

    /// Rodrigues on duals: derivatives match central differences, including at r = 0.
    @Test func rodriguesDerivativesMatchFiniteDifferences() {
        for r in [SIMD3<Double>(0, 0, 0), SIMD3(0.3, -0.2, 0.5), SIMD3(1e-5, 0, 2e-5)] {
            let R = Mat3<Dual>.rodrigues(Dual(r.x, seed: 0), Dual(r.y, seed: 1), Dual(r.z, seed: 2))
            for i in 0..<3 {
                var rp = r, rm = r
                rp[i] += 1e-6
                rm[i] -= 1e-6
                let P = Mat3<Double>.rodrigues(rp.x, rp.y, rp.z), M = Mat3<Double>.rodrigues(rm.x, rm.y, rm.z)
                for e in 0..<9 {
                    let fd = (P.m[e] - M.m[e]) / 2e-6
                    #expect(abs(R.m[e].d[i] - fd) < 1e-6)
                }
            }
        }
    }

    @Test func rejectsWrongParameterCounts() throws {
        let m = try Fixture.model()
        #expect(throws: (any Error).self) { try m.forward(FLAMEParameters(shape: [Double](repeating: 0, count: 11))) }
        #expect(throws: (any Error).self) { try m.forward(FLAMEParameters(pose: [0, 0, 0])) }
        #expect(throws: (any Error).self) { try m.forward(FLAMEParameters(shape: [.nan])) }
    }
}

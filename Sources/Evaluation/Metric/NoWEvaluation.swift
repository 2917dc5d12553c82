import Geometry
import SiderCore

/// The NoW reconstruction metric (Sect. 4.3, Table 1, Fig. 6) of a predicted mesh against a
/// ground-truth scan:
///
/// 1. crop the scan to the `NoWFaceRegion` of its seven landmarks;
/// 2. similarity Procrustes of the predicted mesh's seven landmarks onto the scan's;
/// 3. refine that similarity by minimising the scan-to-mesh distance (`ScanToMeshAlignment`);
/// 4. per cropped-scan-vertex distance to the closest point on the aligned predicted surface
///    → median, mean, std (mm when the scan is in mm) and the cumulative error curve.
public enum NoWEvaluation {
    public struct Options: Sendable, Equatable, Codable {
        /// Step 3 on/off (off: landmark alignment only).
        public var refine = true
        public var alignment = ScanToMeshAlignment.Options()
        /// Range and resolution of the stored cumulative curve (mm).
        public var curveMaxError = 8.0
        public var curveSamples = 401
        public init() {}
    }

    public struct Result: Sendable, Codable {
        public var statistics: ErrorStatistics
        public var region: NoWFaceRegion
        /// Number of scan vertices, and of those inside the region (= number of distances).
        public var scanVertexCount: Int
        public var croppedVertexCount: Int
        /// Step 2's placement and the RMS distance of the seven landmark pairs after it.
        public var landmarkTransform: SimilarityTransform
        public var landmarkRMS: Double
        /// The final placement (predicted → scan) and the refinement's report (nil when off).
        public var transform: SimilarityTransform
        public var refinement: ScanToMeshAlignment.Result?
        /// Per cropped-scan-vertex distances, in the order of the scan's kept vertices.
        public var distances: [Float]
        public var curve: CumulativeErrorCurve
        public var seconds: Double
    }

    public static func evaluate(scan: TriangleMesh, scanLandmarks: FaceLandmarks3D,
                                predicted: TriangleMesh, predictedLandmarks: FaceLandmarks3D,
                                label: String = "prediction", options: Options = Options()) throws -> Result {
        let clock = Stopwatch()
        let region = NoWFaceRegion(landmarks: scanLandmarks)
        let cropped = try region.crop(scan)
        let bvh = try MeshBVH(predicted)
        guard !predicted.faces.isEmpty else { throw SiderError(.badInput, "the predicted mesh has no triangles") }

        let gt7 = scanLandmarks.nowSeven, pred7 = predictedLandmarks.nowSeven
        let landmarkT = try Procrustes.similarity(from: pred7, to: gt7)
        let landmarkRMS = Procrustes.rmsResidual(landmarkT, from: pred7, to: gt7)

        var transform = landmarkT
        var refinement: ScanToMeshAlignment.Result?
        if options.refine {
            let r = try ScanToMeshAlignment.refine(scanPoints: cropped.vertices, predicted: bvh,
                                                   initial: landmarkT, options: options.alignment)
            transform = r.transform
            refinement = r
        }
        let distances = scanToMeshDistances(cropped.vertices, bvh, transform)
        let stats = try ErrorStatistics(distances)
        let curve = try CumulativeErrorCurve(label: label, errors: distances, maxError: options.curveMaxError,
                                             samples: options.curveSamples)
        return Result(statistics: stats, region: region, scanVertexCount: scan.vertices.count,
                      croppedVertexCount: cropped.vertices.count, landmarkTransform: landmarkT,
                      landmarkRMS: landmarkRMS, transform: transform, refinement: refinement,
                      distances: distances, curve: curve, seconds: clock.seconds)
    }

    /// Distance from each scan point p to the surface T(M): a similarity maps closest points to
    /// closest points, so this is s·dist(T⁻¹p, M), answered by the BVH of the untransformed M.
    public static func scanToMeshDistances(_ scanPoints: [SIMD3<Float>], _ bvh: MeshBVH,
                                           _ t: SimilarityTransform) -> [Float] {
        let inv = t.inverse
        let d = bvh.distances(scanPoints.map { inv.apply($0) })
        let s = Float(t.scale)
        return d.map { $0 * s }
    }
}

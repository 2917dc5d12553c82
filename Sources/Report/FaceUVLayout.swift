import Foundation
import Geometry
import SiderCore

/// Texture coordinates for the coarse mesh, from which `detailed.obj`'s follow by subdivision.
///
/// - **Landmark-mesh prior** (MediaPipe's 468 points plus the forehead extension): an
///   orthographic projection onto the face's own frontal plane. The frame comes from MediaPipe
///   landmarks: x̂ from the right to the left outer eye corner (points 33 → 263), ŷ from the top
///   of the face mesh to the chin (10 → 152) made orthogonal to x̂, viewed along x̂ × ŷ. This is
///   the layout of MediaPipe's canonical face model (a frontal projection of the canonical
///   face), taken from the run's own mesh because no package we can install carries that
///   model's UVs (the mediapipe 0.10.14 wheel ships none). The forehead extension's vertices are
///   projected the same way, so its strip continues the face upwards without a seam, and one
///   photo's texture lines up with another's up to face shape.
/// - **A user's layout file** (FLAME's `head_template.obj`, any OBJ with `vt`/`ft` over the
///   coarse mesh's triangles): its corner coordinates, seams included.
/// - **Any other mesh**: the same projection in the camera's frame (x right, y down), when it
///   can be made fold-free; a mesh that wraps around (FLAME's whole head) is refused with a
///   one-line error asking for its layout file.
///
/// Coordinates fill [margin, 1 − margin]² with one scale for both axes (the face keeps its
/// aspect ratio), v up (OBJ). Where a projection folds (triangles turned away from the view:
/// inner lips, nostrils), `UVUntangle` relaxes the fold so that no two points share texels.
public enum FaceUVLayout {
    public static let margin: Float = 0.02

    /// MediaPipe face-mesh indices of the frame's landmarks.
    static let rightEyeOuter = 33, leftEyeOuter = 263, meshTop = 10, chin = 152

    public enum Kind: String, Sendable { case landmarkMeshFrontal, layoutFile, cameraFrontal }

    /// The layout of `coarse`: from `layoutFile` when given, else frontal in the face frame when
    /// `isLandmarkMesh` (and the mesh has MediaPipe's 468 points first), else camera-frontal.
    public static func layout(for coarse: TriangleMesh, isLandmarkMesh: Bool, layoutFile: URL? = nil) throws -> (UVMesh, Kind) {
        if let layoutFile {
            return (try fromFile(layoutFile, coarse: coarse), .layoutFile)
        }
        if isLandmarkMesh, coarse.vertices.count >= 468, let frame = faceFrame(coarse.vertices) {
            let uv = UVUntangle.untangle(project(coarse.vertices, x: frame.x, y: frame.y), mesh: coarse).uv
            return (try UVMesh(mesh: coarse, vertexUVs: uv), .landmarkMeshFrontal)
        }
        let (uv, folded) = UVUntangle.untangle(project(coarse.vertices, x: SIMD3(1, 0, 0), y: SIMD3(0, 1, 0)), mesh: coarse)
        guard folded == 0 else {
            throw SiderError(.badInput, "the coarse mesh wraps around (\(folded) triangles overlap in a frontal layout, e.g. FLAME's whole head); give its UV layout: sider report OUT_DIR --uv-layout head_template.obj")
        }
        return (try UVMesh(mesh: coarse, vertexUVs: uv), .cameraFrontal)
    }

    /// (x̂, ŷ) of the face frame, nil when the landmarks are degenerate.
    static func faceFrame(_ v: [SIMD3<Float>]) -> (x: SIMD3<Float>, y: SIMD3<Float>)? {
        let across = v[leftEyeOuter] - v[rightEyeOuter], down = v[chin] - v[meshTop]
        let lx = length(across)
        guard lx > 0, lx.isFinite else { return nil }
        let x = across / lx
        let yRaw = down - dot(down, x) * x
        let ly = length(yRaw)
        guard ly > 0, ly.isFinite else { return nil }
        return (x, yRaw / ly)
    }

    /// Orthographic coordinates along x̂ (u) and ŷ (v downwards, so v = 1 − …), fitted into the
    /// unit square with `margin`.
    static func project(_ vertices: [SIMD3<Float>], x: SIMD3<Float>, y: SIMD3<Float>) -> [SIMD2<Float>] {
        let a = vertices.map { dot($0, x) }, b = vertices.map { dot($0, y) }
        let aMin = a.min() ?? 0, aMax = a.max() ?? 1, bMin = b.min() ?? 0, bMax = b.max() ?? 1
        let side = max(aMax - aMin, bMax - bMin, .leastNormalMagnitude)
        let s = (1 - 2 * margin) / side
        let a0 = margin + 0.5 * ((1 - 2 * margin) - (aMax - aMin) * s)
        let b0 = margin + 0.5 * ((1 - 2 * margin) - (bMax - bMin) * s)
        return zip(a, b).map { SIMD2(a0 + ($0.0 - aMin) * s, 1 - (b0 + ($0.1 - bMin) * s)) }
    }

    /// Corner coordinates from an OBJ with `vt` on every face corner, over the same triangles
    /// as `coarse` (checked, so a layout for another topology is refused).
    static func fromFile(_ url: URL, coarse: TriangleMesh) throws -> UVMesh {
        let (layout, corners) = try MeshIO.loadOBJWithCornerUVs(url)
        guard let corners else {
            throw SiderError(.badInput, "\(url.lastPathComponent): not every face corner has a texture coordinate (vt)")
        }
        guard layout.faces == coarse.faces else {
            throw SiderError(.badInput, "\(url.lastPathComponent): its triangles (\(layout.faces.count), \(layout.vertices.count) vertices) are not the coarse mesh's (\(coarse.faces.count), \(coarse.vertices.count) vertices); give the UV layout of the model the run used")
        }
        return try UVMesh(mesh: coarse, cornerUVs: corners)
    }
}

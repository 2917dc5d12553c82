import Foundation
import SiderCore

/// The triangle list of MediaPipe's 468-vertex face mesh, recovered from the tessellation edge
/// list MediaPipe publishes (`FACEMESH_TESSELATION` in `face_mesh_connections.py`).
///
/// That file lists each triangle (a, b, c) of the canonical mesh as its three directed edges
/// a→b, b→c, c→a, merged into one set. We recover the faces as follows:
/// 1. the 3-cliques of the undirected edge graph are the candidate triangles;
/// 2. a clique whose three edges each belong to more than two cliques is a separating triangle
///    (a 3-cycle around other vertices, not a face) and is dropped, leaving every edge in at most
///    two triangles (interior edges two, boundary edges one);
/// 3. orientation: a triangle all of whose directed edges occur in only one direction in the file
///    is taken in that direction (this fixes the boundary triangles), and orientation is
///    propagated across shared edges so that neighbours traverse them in opposite directions.
/// The result is MediaPipe's own winding: on a frontal face the normals
/// (b − a) × (c − a) point towards the camera (negative z in MediaPipe's landmark frame).
/// The list is in a canonical order (each triangle starting at its smallest vertex, sorted), the
/// same in every process, so meshes built on it are reproducible.
public enum FaceMeshTopology {
    public static let vertexCount = 468

    /// Triangles of the face mesh, read from MediaPipe's `face_mesh_connections.py`.
    public static func triangles(connectionsFile: URL = DataPaths.model("face_mesh_connections.py")) throws -> [SIMD3<Int32>] {
        let data = try AtomicFile.read(connectionsFile)
        guard let text = String(data: data, encoding: .utf8) else {
            throw SiderError(.badInput, "\(connectionsFile.lastPathComponent) is not UTF-8 text")
        }
        let edges = try tessellationEdges(in: text)
        return try triangles(directedEdges: edges)
    }

    /// The (a, b) pairs of the `FACEMESH_TESSELATION = frozenset([...])` literal.
    static func tessellationEdges(in text: String) throws -> [SIMD2<Int32>] {
        guard let start = text.range(of: "FACEMESH_TESSELATION") else {
            throw SiderError(.badInput, "no FACEMESH_TESSELATION in the face mesh connections file")
        }
        let body = text[start.upperBound...]
        guard let open = body.firstIndex(of: "["), let close = body[open...].firstIndex(of: "]") else {
            throw SiderError(.badInput, "FACEMESH_TESSELATION is not a frozenset([...]) literal")
        }
        // Tolerant scan: every "(int, int)" between the brackets, whitespace and comments aside.
        var pairs: [SIMD2<Int32>] = []
        var numbers: [Int32] = []
        var current: Int32? = nil
        var inTuple = false, inComment = false
        for ch in body[body.index(after: open)..<close] {
            if inComment { if ch == "\n" { inComment = false }; continue }
            if ch == "#" { inComment = true; continue }
            if let d = ch.wholeNumberValue, ch.isASCII {
                current = (current ?? 0) &* 10 &+ Int32(d)
                continue
            }
            if let c = current { numbers.append(c); current = nil }
            switch ch {
            case "(": inTuple = true; numbers.removeAll()
            case ")":
                guard inTuple, numbers.count == 2 else {
                    throw SiderError(.badInput, "FACEMESH_TESSELATION holds a tuple that is not a pair of integers")
                }
                pairs.append(SIMD2(numbers[0], numbers[1])); inTuple = false
            default: break
            }
        }
        guard !pairs.isEmpty else { throw SiderError(.badInput, "FACEMESH_TESSELATION is empty") }
        return pairs
    }

    private struct Edge: Hashable { let a: Int32, b: Int32 }

    static func triangles(directedEdges: [SIMD2<Int32>]) throws -> [SIMD3<Int32>] {
        var directed = Set<Edge>()
        var neighbours = [Set<Int32>](repeating: [], count: vertexCount)
        for e in directedEdges {
            guard e.x != e.y, (0..<Int32(vertexCount)).contains(e.x), (0..<Int32(vertexCount)).contains(e.y) else {
                throw SiderError(.badInput, "FACEMESH_TESSELATION has an edge (\(e.x), \(e.y)) outside 0..<\(vertexCount)")
            }
            directed.insert(Edge(a: e.x, b: e.y))
            neighbours[Int(e.x)].insert(e.y); neighbours[Int(e.y)].insert(e.x)
        }
        // 1. candidate triangles: 3-cliques a < b < c, in lexicographic order (sorted: a Set's
        // iteration order changes from process to process, and the face order must not).
        var cliques: [SIMD3<Int32>] = []
        for a in 0..<Int32(vertexCount) {
            for b in neighbours[Int(a)].sorted() where b > a {
                for c in neighbours[Int(a)].intersection(neighbours[Int(b)]).sorted() where c > b {
                    cliques.append(SIMD3(a, b, c))
                }
            }
        }
        func key(_ u: Int32, _ v: Int32) -> Edge { Edge(a: min(u, v), b: max(u, v)) }
        func edgesOf(_ t: SIMD3<Int32>) -> [Edge] { [key(t.x, t.y), key(t.y, t.z), key(t.z, t.x)] }
        var use: [Edge: Int] = [:]
        for t in cliques { for e in edgesOf(t) { use[e, default: 0] += 1 } }
        // 2. drop separating triangles.
        let faces = cliques.filter { t in !edgesOf(t).allSatisfy { use[$0, default: 0] > 2 } }
        var facesOfEdge: [Edge: [Int]] = [:]
        for (i, t) in faces.enumerated() { for e in edgesOf(t) { facesOfEdge[e, default: []].append(i) } }
        guard facesOfEdge.values.allSatisfy({ $0.count <= 2 }) else {
            throw SiderError(.badInput, "FACEMESH_TESSELATION is not a manifold triangle mesh")
        }
        // 3. orientation: seeds from one-directional edges, then propagation.
        var oriented = [SIMD3<Int32>?](repeating: nil, count: faces.count)
        var queue: [Int] = []
        for (i, t) in faces.enumerated() {
            let forward = [Edge(a: t.x, b: t.y), Edge(a: t.y, b: t.z), Edge(a: t.z, b: t.x)]
            let fwd = forward.allSatisfy { directed.contains($0) }
            let bwd = forward.allSatisfy { directed.contains(Edge(a: $0.b, b: $0.a)) }
            if fwd != bwd { oriented[i] = fwd ? t : SIMD3(t.x, t.z, t.y); queue.append(i) }
        }
        guard !queue.isEmpty else { throw SiderError(.badInput, "FACEMESH_TESSELATION fixes no triangle orientation") }
        var head = 0
        while head < queue.count {
            let i = queue[head]; head += 1
            guard let t = oriented[i] else { continue }
            for (u, v) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] {
                for j in facesOfEdge[key(u, v)] ?? [] where j != i && oriented[j] == nil {
                    // Neighbour must traverse the shared edge as v→u.
                    let f = faces[j]
                    guard let w = [f.x, f.y, f.z].first(where: { $0 != u && $0 != v }) else { continue }
                    oriented[j] = SIMD3(v, u, w)
                    queue.append(j)
                }
            }
        }
        let result = oriented.compactMap { $0 }
        guard result.count == faces.count else {
            throw SiderError(.badInput, "FACEMESH_TESSELATION mesh is not connected")
        }
        return canonicalOrder(result)
    }

    /// The triangles in a fixed order, whatever order the sets above were walked in: each one
    /// rotated (winding kept) to start at its smallest vertex, then sorted lexicographically.
    static func canonicalOrder(_ triangles: [SIMD3<Int32>]) -> [SIMD3<Int32>] {
        triangles.map { t -> SIMD3<Int32> in
            if t.y < t.x && t.y < t.z { return SIMD3(t.y, t.z, t.x) }
            if t.z < t.x && t.z < t.y { return SIMD3(t.z, t.x, t.y) }
            return t
        }.sorted { a, b in (a.x, a.y, a.z) < (b.x, b.y, b.z) }
    }
}

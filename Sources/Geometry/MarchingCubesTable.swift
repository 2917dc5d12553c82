/// The marching-cubes case table, derived at start-up from first principles rather than typed in.
///
/// Cube corner c = x + 2y + 4z (x, y, z ∈ {0, 1}); a corner is "inside" when its value is < 0.
/// On each cube face, walked counter-clockwise as seen from outside, a sign change from outside
/// to inside is an *enter* crossing and inside to outside an *exit*; each enter is joined to the
/// next exit along the walk (so on an ambiguous face the two inside corners are separated).
/// Every crossing edge is an enter on one of its two faces and an exit on the other, so the
/// segments close into loops; a loop leaves the outside region on its left seen from outside the
/// cube, hence each loop, fan-triangulated in order, has normals (b−a)×(c−a) pointing towards
/// increasing values. Because a face's segments depend only on that face's four signs, both
/// cubes sharing a face cut it identically: the surface is crack-free.
enum MarchingCubesTable {
    /// The two corners of each of the 12 edges; edges 0–3 run along x, 4–7 along y, 8–11 along z.
    static let edgeCorners: [(Int, Int)] = [
        (0, 1), (2, 3), (4, 5), (6, 7),
        (0, 2), (1, 3), (4, 6), (5, 7),
        (0, 4), (1, 5), (2, 6), (3, 7),
    ]

    /// Corners of the 6 faces, counter-clockwise seen from outside the cube.
    static let faceCorners: [[Int]] = [
        [0, 4, 6, 2], [1, 3, 7, 5],   // x = 0, x = 1
        [0, 1, 5, 4], [2, 6, 7, 3],   // y = 0, y = 1
        [0, 2, 3, 1], [4, 5, 7, 6],   // z = 0, z = 1
    ]

    /// Offset of a corner from the cube's base lattice point.
    static func cornerOffset(_ c: Int) -> SIMD3<Int> { SIMD3(c & 1, (c >> 1) & 1, (c >> 2) & 1) }

    /// For each of the 256 sign cases, triangles as triples of edge indices (flattened).
    static let triangles: [[UInt8]] = (0..<256).map(trianglesFor)

    /// `triangles` flattened: case m's edge triples are flatTriangles[flatStart[m]..<flatStart[m+1]].
    static let flatTriangles: [UInt8] = triangles.flatMap { $0 }
    static let flatStart: [Int] = triangles.reduce(into: [0]) { $0.append($0.last! + $1.count) }

    /// The edges of each face.
    static let faceEdges: [[Int]] = faceCorners.map { f in (0..<4).map { edgeIndex(f[$0], f[($0 + 1) % 4]) } }

    /// True when lattice edges a and b lie on a common cube face (so the neighbouring cube
    /// could join them too).
    static func shareFace(_ a: Int, _ b: Int) -> Bool {
        faceEdges.contains { $0.contains(a) && $0.contains(b) }
    }

    /// The loop rotated so that a fan from its first vertex uses only diagonals between edges
    /// on no common face: such a diagonal lies inside this cube alone, so no neighbouring cube
    /// can create the same mesh edge and every edge stays shared by exactly two triangles.
    /// (An apex like this exists for all 256 cases; checked by the tests.)
    static func rotatedForFan(_ loop: [Int]) -> [Int] {
        for apex in 0..<loop.count {
            let r = Array(loop[apex...] + loop[..<apex])
            if r.count <= 3 || (2..<(r.count - 1)).allSatisfy({ !shareFace(r[0], r[$0]) }) { return r }
        }
        return loop
    }

    static func edgeIndex(_ a: Int, _ b: Int) -> Int {
        edgeCorners.firstIndex { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) }!
    }

    private static func trianglesFor(_ mask: Int) -> [UInt8] {
        let inside = (0..<8).map { (mask >> $0) & 1 == 1 }
        var next = [Int](repeating: -1, count: 12)  // segment start edge → end edge
        for face in faceCorners {
            // Crossings in walking order: (edge, isEnter).
            var crossings: [(Int, Bool)] = []
            for k in 0..<4 {
                let a = face[k], b = face[(k + 1) % 4]
                if inside[a] != inside[b] { crossings.append((edgeIndex(a, b), !inside[a])) }
            }
            for (n, c) in crossings.enumerated() where c.1 {
                // The next exit after this enter, walking on.
                for step in 1..<crossings.count {
                    let d = crossings[(n + step) % crossings.count]
                    if !d.1 { next[c.0] = d.0; break }
                }
            }
        }
        var out: [UInt8] = []
        var used = [Bool](repeating: false, count: 12)
        for start in 0..<12 where next[start] >= 0 && !used[start] {
            var loop: [Int] = []
            var e = start
            while !used[e] { used[e] = true; loop.append(e); e = next[e] }
            let r = rotatedForFan(loop)
            for i in 1..<(r.count - 1) {
                out += [UInt8(r[0]), UInt8(r[i]), UInt8(r[i + 1])]
            }
        }
        return out
    }
}

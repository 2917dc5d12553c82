import SiderCore

/// Wavefront OBJ reading and writing.
///
/// Reads `v x y z`, `vt u v`, `vn x y z` and `f` records whose corners are `v`, `v/vt`,
/// `v//vn` or `v/vt/vn` (1-based; negative indices count back from the latest record).
/// Polygons are triangulated as fans (v0, vᵢ, vᵢ₊₁). Materials, groups, lines etc. are ignored.
/// Texture coordinates and normals are kept as per-vertex arrays only when every corner that
/// uses a vertex names the same value (otherwise dropped: a vertex is never split).
enum OBJFormat {
    /// The mesh, and the texture coordinates of every triangle corner (3 per face, in face
    /// order) when every face corner names a `vt` (else nil).
    static func read(_ bytes: [UInt8], name: String) throws -> (mesh: TriangleMesh, cornerUVs: [SIMD2<Float>]?) {
        var s = TextScanner(bytes)
        var vertices: [SIMD3<Float>] = []
        var texcoords: [SIMD2<Float>] = []
        var normalsIn: [SIMD3<Float>] = []
        var faces: [SIMD3<Int32>] = []
        // Per-vertex index of the texcoord / normal record used (−1 none yet); −2 = inconsistent.
        var vtOf: [Int32] = []
        var vnOf: [Int32] = []
        var uvsUsable = true, normalsUsable = true
        var sawVT = false, sawVN = false
        var cornerVT: [Int32] = []          // vt index of each triangle corner (−1 none)
        var line = 0
        var polygon: [(v: Int32, t: Int32, n: Int32)] = []

        func fail(_ msg: String) -> SiderError { SiderError(.badInput, "\(name):\(line): \(msg)") }

        func floats(_ count: Int, _ s: inout TextScanner, minimum: Int) throws -> SIMD3<Float> {
            var out = SIMD3<Float>.zero
            for k in 0..<count {
                let t = s.token()
                if t.isEmpty {
                    if k >= minimum { break }
                    throw fail("expected \(minimum) numbers")
                }
                guard let x = s.float(t) else { throw fail("bad number '\(s.string(t))'") }
                out[k] = x
            }
            return out
        }

        /// Resolves a 1-based or negative OBJ index against `count` records.
        func resolve(_ r: Range<Int>, _ count: Int, _ what: String, _ s: TextScanner) throws -> Int32 {
            guard let i = s.int(r) else { throw fail("bad \(what) index '\(s.string(r))'") }
            let k = i > 0 ? i - 1 : count + i
            guard i != 0, k >= 0, k < count else { throw fail("\(what) index \(i) out of range (\(count) defined)") }
            return Int32(k)
        }

        while !s.atEnd {
            line += 1
            let key = s.token()
            let k = key.count
            if k == 1 && s.bytes[key.lowerBound] == UInt8(ascii: "v") {
                vertices.append(try floats(3, &s, minimum: 3))
                vtOf.append(-1); vnOf.append(-1)
            } else if k == 2 && s.bytes[key.lowerBound] == UInt8(ascii: "v") && s.bytes[key.lowerBound + 1] == UInt8(ascii: "t") {
                let t = try floats(2, &s, minimum: 1)
                texcoords.append(SIMD2(t.x, t.y))
            } else if k == 2 && s.bytes[key.lowerBound] == UInt8(ascii: "v") && s.bytes[key.lowerBound + 1] == UInt8(ascii: "n") {
                normalsIn.append(try floats(3, &s, minimum: 3))
            } else if k == 1 && s.bytes[key.lowerBound] == UInt8(ascii: "f") {
                polygon.removeAll(keepingCapacity: true)
                while true {
                    let t = s.token()
                    if t.isEmpty { break }
                    // Split the corner at '/'.
                    var parts: [Range<Int>] = []
                    var a = t.lowerBound
                    for i in t where s.bytes[i] == UInt8(ascii: "/") { parts.append(a..<i); a = i + 1 }
                    parts.append(a..<t.upperBound)
                    guard parts.count <= 3 else { throw fail("bad face corner '\(s.string(t))'") }
                    let v = try resolve(parts[0], vertices.count, "vertex", s)
                    var vt: Int32 = -1, vn: Int32 = -1
                    if parts.count >= 2, !parts[1].isEmpty { vt = try resolve(parts[1], texcoords.count, "texture", s) }
                    if parts.count == 3, !parts[2].isEmpty { vn = try resolve(parts[2], normalsIn.count, "normal", s) }
                    polygon.append((v, vt, vn))
                }
                guard polygon.count >= 3 else { throw fail("face with \(polygon.count) corners") }
                for c in polygon {
                    let vi = Int(c.v)
                    if c.t >= 0 { sawVT = true }
                    if c.n >= 0 { sawVN = true }
                    if uvsUsable { uvsUsable = merge(&vtOf[vi], c.t) { texcoords[Int($0)] == texcoords[Int($1)] } }
                    if normalsUsable { normalsUsable = merge(&vnOf[vi], c.n) { normalsIn[Int($0)] == normalsIn[Int($1)] } }
                }
                for i in 1..<(polygon.count - 1) {
                    faces.append(SIMD3(polygon[0].v, polygon[i].v, polygon[i + 1].v))
                    cornerVT += [polygon[0].t, polygon[i].t, polygon[i + 1].t]
                }
            }
            s.skipLine()
        }
        var mesh = TriangleMesh(vertices: vertices, faces: faces)
        if sawVT && uvsUsable && !vtOf.contains(-1) { mesh.uvs = vtOf.map { texcoords[Int($0)] } }
        if sawVN && normalsUsable && !vnOf.contains(-1) { mesh.normals = vnOf.map { normalsIn[Int($0)] } }
        let corners = sawVT && !cornerVT.contains(-1) ? cornerVT.map { texcoords[Int($0)] } : nil
        return (mesh, corners)
    }

    /// Records that a vertex's corner used attribute `new`; false if it contradicts an earlier one.
    private static func merge(_ slot: inout Int32, _ new: Int32, _ same: (Int32, Int32) -> Bool) -> Bool {
        if slot == -1 { slot = new; return true }
        if new == -1 { return false }
        return slot == new || same(slot, new)
    }

    static func write(_ mesh: TriangleMesh) -> [UInt8] {
        var out = ""
        out.reserveCapacity(mesh.vertices.count * 40 + mesh.faces.count * 30)
        out += "# written by SIDER-Swift\n"
        for v in mesh.vertices { out += "v \(v.x) \(v.y) \(v.z)\n" }
        if let uv = mesh.uvs { for t in uv { out += "vt \(t.x) \(t.y)\n" } }
        if let n = mesh.normals { for x in n { out += "vn \(x.x) \(x.y) \(x.z)\n" } }
        let hasT = mesh.uvs != nil, hasN = mesh.normals != nil
        for f in mesh.faces {
            out += "f"
            for i in [f.x, f.y, f.z] {
                let k = i + 1
                switch (hasT, hasN) {
                case (false, false): out += " \(k)"
                case (true, false): out += " \(k)/\(k)"
                case (false, true): out += " \(k)//\(k)"
                case (true, true): out += " \(k)/\(k)/\(k)"
                }
            }
            out += "\n"
        }
        return Array(out.utf8)
    }
}

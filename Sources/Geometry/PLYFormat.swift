import SiderCore

/// Stanford PLY reading (ascii, binary_little_endian, binary_big_endian) and writing
/// (binary little-endian or ascii).
///
/// Read: element `vertex` with `x y z` (and optional `nx ny nz`, `u v` / `s t` /
/// `texture_u texture_v`), element `face` with a list property `vertex_indices` (or
/// `vertex_index`) of any integer count/index types; polygons become triangle fans. Other
/// elements and properties are skipped. Written: `x y z` [`nx ny nz`] [`u v`] as float, faces
/// as `list uchar int vertex_indices`.
enum PLYFormat {
    enum Encoding: String { case ascii, binaryLittleEndian = "binary_little_endian", binaryBigEndian = "binary_big_endian" }

    enum Scalar {
        case int8, uint8, int16, uint16, int32, uint32, float32, float64
        init?(_ name: String) {
            switch name {
            case "char", "int8": self = .int8
            case "uchar", "uint8": self = .uint8
            case "short", "int16": self = .int16
            case "ushort", "uint16": self = .uint16
            case "int", "int32": self = .int32
            case "uint", "uint32": self = .uint32
            case "float", "float32": self = .float32
            case "double", "float64": self = .float64
            default: return nil
            }
        }
        var isInteger: Bool { self != .float32 && self != .float64 }

        var size: Int {
            switch self {
            case .int8, .uint8: 1
            case .int16, .uint16: 2
            case .int32, .uint32, .float32: 4
            case .float64: 8
            }
        }
    }

    struct Property { let name: String; let type: Scalar; let countType: Scalar? }
    struct Element { let name: String; let count: Int; var properties: [Property] }

    /// Reads values of one encoding, binary or text, from the body.
    struct BodyReader {
        var s: TextScanner
        let encoding: Encoding
        let name: String

        /// Reads and discards one property (a scalar, or a list with its count).
        mutating func skip(_ p: Property) throws {
            if let ct = p.countType {
                let n = Int(try read(ct))
                for _ in 0..<max(0, n) { _ = try read(p.type) }
            } else {
                _ = try read(p.type)
            }
        }

        mutating func read(_ t: Scalar) throws -> Double {
            if encoding == .ascii {
                let r = s.anyToken()
                guard !r.isEmpty else { throw SiderError(.badInput, "\(name): PLY body ends early") }
                switch t {
                case .float32, .float64:
                    guard let f = s.float(r) else { throw SiderError(.badInput, "\(name): bad PLY number '\(s.string(r))'") }
                    return Double(f)
                default:
                    guard let i = s.int(r) else { throw SiderError(.badInput, "\(name): bad PLY integer '\(s.string(r))'") }
                    return Double(i)
                }
            }
            let n = t.size
            guard s.pos + n <= s.end else { throw SiderError(.badInput, "\(name): PLY body ends early") }
            var bits: UInt64 = 0
            if encoding == .binaryLittleEndian {
                for k in 0..<n { bits |= UInt64(s.bytes[s.pos + k]) << (8 * UInt64(k)) }
            } else {
                for k in 0..<n { bits = (bits << 8) | UInt64(s.bytes[s.pos + k]) }
            }
            s.pos += n
            switch t {
            case .int8: return Double(Int8(truncatingIfNeeded: bits))
            case .uint8: return Double(UInt8(truncatingIfNeeded: bits))
            case .int16: return Double(Int16(truncatingIfNeeded: bits))
            case .uint16: return Double(UInt16(truncatingIfNeeded: bits))
            case .int32: return Double(Int32(truncatingIfNeeded: bits))
            case .uint32: return Double(UInt32(truncatingIfNeeded: bits))
            case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
            case .float64: return Double(bitPattern: bits)
            }
        }
    }

    static func read(_ bytes: [UInt8], name: String) throws -> TriangleMesh {
        func bad(_ m: String) -> SiderError { SiderError(.badInput, "\(name): \(m)") }
        var s = TextScanner(bytes)
        guard s.string(s.token()) == "ply" else { throw bad("not a PLY file (no 'ply' magic)") }
        s.skipLine()
        var encoding: Encoding?
        var elements: [Element] = []
        var headerLine = 1
        while true {
            guard !s.atEnd else { throw bad("PLY header has no end_header") }
            headerLine += 1
            let key = s.string(s.token())
            switch key {
            case "format":
                let f = s.string(s.token())
                guard let e = Encoding(rawValue: f) else { throw bad("unknown PLY format '\(f)'") }
                encoding = e
            case "element":
                let n = s.string(s.token()), c = s.token()
                guard let count = s.int(c), count >= 0 else { throw bad("PLY header line \(headerLine): bad element count") }
                elements.append(Element(name: n, count: count, properties: []))
            case "property":
                guard !elements.isEmpty else { throw bad("PLY header line \(headerLine): property before element") }
                let t = s.string(s.token())
                if t == "list" {
                    let ct = s.string(s.token()), it = s.string(s.token()), pn = s.string(s.token())
                    guard let c = Scalar(ct), let i = Scalar(it), c.isInteger else {
                        throw bad("PLY header line \(headerLine): bad list types")
                    }
                    elements[elements.count - 1].properties.append(Property(name: pn, type: i, countType: c))
                } else {
                    let pn = s.string(s.token())
                    guard let st = Scalar(t) else { throw bad("PLY header line \(headerLine): unknown type '\(t)'") }
                    elements[elements.count - 1].properties.append(Property(name: pn, type: st, countType: nil))
                }
            case "end_header":
                s.skipLine()
                guard let enc = encoding else { throw bad("PLY header has no format line") }
                return try readBody(BodyReader(s: s, encoding: enc, name: name), elements, name: name)
            default:
                break // comment, obj_info, blank
            }
            s.skipLine()
        }
    }

    private static func readBody(_ reader: BodyReader, _ elements: [Element], name: String) throws -> TriangleMesh {
        var r = reader
        var vertices: [SIMD3<Float>] = []
        var normals: [SIMD3<Float>] = []
        var uvs: [SIMD2<Float>] = []
        var faces: [SIMD3<Int32>] = []
        var sawVertex = false
        var hasNormals = false, hasUV = false
        var values: [Double] = []
        for el in elements {
            // Each element takes at least one item size per property (binary) or two bytes per
            // value (ascii: a digit and a separator): a header count the body cannot hold is
            // refused before anything is reserved for it.
            let minimumBytes = el.properties.reduce(0) { sum, p in
                sum + (r.encoding == .ascii ? 2 : (p.countType ?? p.type).size)
            }
            guard let needed = CheckedSize.product(el.count, minimumBytes), needed <= r.s.end - r.s.pos + 1 else {
                throw SiderError(.badInput, "\(name): PLY header declares \(el.count) \(el.name) elements but the file is too short for them")
            }
            if el.properties.isEmpty { continue }
            let index = Dictionary(el.properties.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
            if el.name == "vertex" {
                sawVertex = true
                guard let ix = index["x"], let iy = index["y"], let iz = index["z"] else {
                    throw SiderError(.badInput, "\(name): PLY vertex has no x, y, z")
                }
                let inx = index["nx"], iny = index["ny"], inz = index["nz"]
                hasNormals = inx != nil && iny != nil && inz != nil
                let iu = index["u"] ?? index["s"] ?? index["texture_u"], iv = index["v"] ?? index["t"] ?? index["texture_v"]
                hasUV = iu != nil && iv != nil
                vertices.reserveCapacity(el.count)
                values = [Double](repeating: 0, count: el.properties.count)
                for _ in 0..<el.count {
                    for (k, p) in el.properties.enumerated() {
                        if p.countType == nil { values[k] = try r.read(p.type) } else { try r.skip(p) }
                    }
                    vertices.append(SIMD3(Float(values[ix]), Float(values[iy]), Float(values[iz])))
                    if hasNormals, let a = inx, let b = iny, let c = inz {
                        normals.append(SIMD3(Float(values[a]), Float(values[b]), Float(values[c])))
                    }
                    if hasUV, let a = iu, let b = iv { uvs.append(SIMD2(Float(values[a]), Float(values[b]))) }
                }
            } else if el.name == "face" {
                guard let fi = index["vertex_indices"] ?? index["vertex_index"], el.properties[fi].countType != nil else {
                    throw SiderError(.badInput, "\(name): PLY face has no vertex_indices list")
                }
                faces.reserveCapacity(el.count)
                var poly: [Int32] = []
                for f in 0..<el.count {
                    for (k, p) in el.properties.enumerated() {
                        if let ct = p.countType {
                            let n = Int(try r.read(ct))
                            guard n >= 0 && n < 1 << 16 else { throw SiderError(.badInput, "\(name): PLY face \(f) has a bad corner count") }
                            if k == fi { poly.removeAll(keepingCapacity: true) }
                            for _ in 0..<n {
                                let x = try r.read(p.type)
                                if k == fi {
                                    guard x.isFinite, abs(x) < 0x1p31 else {
                                        throw SiderError(.badInput, "\(name): PLY face \(f) has a bad vertex index")
                                    }
                                    poly.append(Int32(x))
                                }
                            }
                        } else {
                            try r.skip(p)
                        }
                    }
                    guard poly.count >= 3 else { throw SiderError(.badInput, "\(name): PLY face \(f) has \(poly.count) corners") }
                    for i in 1..<(poly.count - 1) { faces.append(SIMD3(poly[0], poly[i], poly[i + 1])) }
                }
            } else {
                for _ in 0..<el.count {
                    for p in el.properties { try r.skip(p) }
                }
            }
        }
        guard sawVertex else { throw SiderError(.badInput, "\(name): PLY file has no vertex element") }
        return TriangleMesh(vertices: vertices, faces: faces,
                            normals: hasNormals ? normals : nil, uvs: hasUV ? uvs : nil)
    }

    static func write(_ mesh: TriangleMesh, binary: Bool) -> [UInt8] {
        var header = "ply\nformat \(binary ? "binary_little_endian" : "ascii") 1.0\ncomment written by SIDER-Swift\n"
        header += "element vertex \(mesh.vertices.count)\nproperty float x\nproperty float y\nproperty float z\n"
        if mesh.normals != nil { header += "property float nx\nproperty float ny\nproperty float nz\n" }
        if mesh.uvs != nil { header += "property float u\nproperty float v\n" }
        header += "element face \(mesh.faces.count)\nproperty list uchar int vertex_indices\nend_header\n"
        var out = Array(header.utf8)
        if binary {
            out.reserveCapacity(out.count + mesh.vertices.count * 32 + mesh.faces.count * 13)
            func put(_ f: Float) { let b = f.bitPattern.littleEndian; withUnsafeBytes(of: b) { out.append(contentsOf: $0) } }
            for i in 0..<mesh.vertices.count {
                let v = mesh.vertices[i]
                put(v.x); put(v.y); put(v.z)
                if let n = mesh.normals { put(n[i].x); put(n[i].y); put(n[i].z) }
                if let t = mesh.uvs { put(t[i].x); put(t[i].y) }
            }
            for f in mesh.faces {
                out.append(3)
                for i in [f.x, f.y, f.z] { withUnsafeBytes(of: i.littleEndian) { out.append(contentsOf: $0) } }
            }
        } else {
            var text = ""
            for i in 0..<mesh.vertices.count {
                let v = mesh.vertices[i]
                text += "\(v.x) \(v.y) \(v.z)"
                if let n = mesh.normals { text += " \(n[i].x) \(n[i].y) \(n[i].z)" }
                if let t = mesh.uvs { text += " \(t[i].x) \(t[i].y)" }
                text += "\n"
            }
            for f in mesh.faces { text += "3 \(f.x) \(f.y) \(f.z)\n" }
            out.append(contentsOf: text.utf8)
        }
        return out
    }
}

import Foundation
import SiderCore

/// Reader for dlib's portable serialisation (dlib/serialize.h), enough for a shape predictor.
///
/// Integers: one control byte — low 4 bits = number n of magnitude bytes that follow
/// (little-endian), bit 7 = negative — then the n bytes. Floats: an integer mantissa m and an
/// integer exponent e, value m · 2^e. `std::vector`: its size, then the items. A column
/// `matrix<float,0,1>`: −rows, −columns, then the values.
struct DlibSerialReader {
    private let bytes: [UInt8]
    private(set) var offset = 0
    let name: String

    init(_ bytes: [UInt8], name: String) { self.bytes = bytes; self.name = name }

    var atEnd: Bool { offset == bytes.count }
    /// Bytes not read yet: every serialised value takes at least one, so a count beyond this is damage.
    var remaining: Int { bytes.count - offset }

    private func damaged(_ what: String) -> SiderError {
        SiderError(.badModel, "\(name) is not a dlib shape predictor (\(what) at byte \(offset))")
    }

    mutating func int() throws -> Int64 {
        guard offset < bytes.count else { throw damaged("unexpected end") }
        let control = bytes[offset]
        let n = Int(control & 0x0F)
        guard n <= 8, offset + 1 + n <= bytes.count else { throw damaged("bad integer") }
        var magnitude: UInt64 = 0
        for k in 0..<n { magnitude |= UInt64(bytes[offset + 1 + k]) << (8 * UInt64(k)) }
        offset += 1 + n
        guard magnitude <= UInt64(Int64.max) else { throw damaged("integer overflow") }
        return control & 0x80 != 0 ? -Int64(magnitude) : Int64(magnitude)
    }

    mutating func count(max: Int) throws -> Int {
        let v = try int()
        guard v >= 0, v <= Int64(max), v <= Int64(remaining) else { throw damaged("size \(v)") }
        return Int(v)
    }

    mutating func float() throws -> Float {
        let m = try int(), e = try int()
        guard abs(e) < 2000 else { throw damaged("special float") }
        return Float(Double(m) * pow(2.0, Double(e)))
    }

    /// A `matrix<float,0,1>` column vector.
    mutating func column() throws -> [Float] {
        let rows = try int(), cols = try int()
        // dlib writes −rows, −cols; older files wrote them positive.
        guard rows > Int64.min, cols > Int64.min else { throw damaged("matrix \(rows)×\(cols)") }
        let r = Int(abs(rows)), c = Int(abs(cols))
        // A float is two integers of at least one byte each.
        guard c == 1 || r == 0, r < 1_000_000, 2 * r * c <= remaining else { throw damaged("matrix \(rows)×\(cols)") }
        var out = [Float](repeating: 0, count: r * c)
        for i in 0..<(r * c) { out[i] = try float() }
        return out
    }
}

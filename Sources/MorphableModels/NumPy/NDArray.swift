import SiderCore

/// A numeric n-dimensional array read from a numpy file or pickle, held in C (row-major) order.
///
/// Values are widened to `Double` whatever the stored dtype (f2/f4/f8, signed and unsigned
/// integers, bool); integers up to 2⁵³ are exact, which covers every index FLAME stores
/// (including the root's parent `2³²−1` in `kintree_table`). `dtype` keeps the source type.
public struct NDArray: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Double]
    /// numpy's type string without byte order, e.g. "f8", "u4", "b1".
    public var dtype: String

    public init(shape: [Int], values: [Double], dtype: String = "f8") {
        self.shape = shape
        self.values = values
        self.dtype = dtype
    }

    public var count: Int { values.count }
    /// The shape as Python prints it: "(5023, 3)", "(51,)", "()".
    public var shapeDescription: String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// The values as `Float`.
    public var floats: [Float] { values.map { Float($0) } }

    /// Values read as integer indices; throws when one is not a whole number.
    public func ints(name: String) throws -> [Int] {
        var out = [Int]()
        out.reserveCapacity(values.count)
        for v in values {
            guard v.isFinite, v == v.rounded(), abs(v) <= 0x1p53 else {
                throw SiderError(.badModel, "'\(name)' should hold integer indices but holds \(v)")
            }
            out.append(Int(v))
        }
        return out
    }

    /// Decodes raw little/big-endian bytes of a numeric dtype (`descr` like "<f8", "|u1", "f4").
    /// `fortran`: the bytes are in column-major order; they are reordered to C order.
    public static func decode(raw: ArraySlice<UInt8>, descr: String, shape: [Int],
                              fortran: Bool) throws -> NDArray {
        var type = descr
        var bigEndian = false
        if let first = type.first, "<>|=!".contains(first) {
            bigEndian = first == ">" || first == "!"
            type.removeFirst()
        }
        guard let kind = type.first, let size = Int(type.dropFirst()),
              ["f", "i", "u", "b"].contains(kind), [1, 2, 4, 8].contains(size),
              kind != "f" || size >= 4 else {
            throw SiderError(.unsupported, "numpy dtype '\(descr)' is not supported (numeric arrays only)")
        }
        // The byte count is checked (no wrap-around) against the bytes present before allocating.
        guard let count = CheckedSize.product(shape), let needed = CheckedSize.product(count, size) else {
            throw SiderError(.badModel, "numpy array of shape \(shape) and dtype \(descr) is impossibly large")
        }
        guard raw.count == needed else {
            throw SiderError(.badModel, "numpy array of shape \(shape) and dtype \(descr) needs \(needed) bytes, found \(raw.count)")
        }
        var values = [Double](repeating: 0, count: count)
        raw.withUnsafeBytes { buf in
            for i in 0..<count {
                var bits: UInt64 = 0
                for b in 0..<size {
                    let byte = UInt64(buf[i * size + (bigEndian ? size - 1 - b : b)])
                    bits |= byte << UInt64(8 * b)
                }
                values[i] = convert(bits: bits, kind: kind, size: size)
            }
        }
        let array = NDArray(shape: shape, values: values, dtype: type)
        return fortran && shape.count > 1 ? array.fromFortranOrder() : array
    }

    private static func convert(bits: UInt64, kind: Character, size: Int) -> Double {
        switch (kind, size) {
        case ("f", 8): return Double(bitPattern: bits)
        case ("f", 4): return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case ("i", _):
            let shift = UInt64(64 - 8 * size)
            return Double(Int64(bitPattern: bits << shift) >> Int64(shift))
        case ("b", _): return bits != 0 ? 1 : 0
        default: return Double(bits)
        }
    }

    /// Reorders values stored column-major (numpy `fortran_order`) into row-major order.
    func fromFortranOrder() -> NDArray {
        let n = shape.count
        var fStride = [Int](repeating: 1, count: n)
        for d in 1..<n { fStride[d] = fStride[d - 1] * shape[d - 1] }
        var out = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: n)
        for c in 0..<values.count {
            var f = 0
            for d in 0..<n { f += index[d] * fStride[d] }
            out[c] = values[f]
            var d = n - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return NDArray(shape: shape, values: out, dtype: dtype)
    }
}

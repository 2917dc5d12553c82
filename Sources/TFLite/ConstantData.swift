import SiderCore

/// The value of a constant tensor, decoded once at planning time: floating types as `Float`
/// (float16 widened exactly), integer types as `Int` (raw, still quantised).
enum ConstData: Sendable {
    case float([Float])
    case int([Int])

    var count: Int {
        switch self {
        case .float(let v): return v.count
        case .int(let v): return v.count
        }
    }

    /// Decodes `bytes` (little-endian) of element `type`. `expected` is the element count the
    /// shape implies (nil for sparse tensors, whose stored values are fewer).
    static func decode(_ bytes: ArraySlice<UInt8>, type: TensorElementType, expected: Int?) throws -> ConstData? {
        guard type.byteSize > 0 else { return nil }
        guard bytes.count % type.byteSize == 0 else { return nil }
        let n = bytes.count / type.byteSize
        if let e = expected, e != n { return nil }
        return bytes.withUnsafeBytes { raw -> ConstData in
            func ints<T: FixedWidthInteger>(_ t: T.Type) -> [Int] {
                (0..<n).map { Int(T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self))) }
            }
            switch type {
            case .float32:
                return .float((0..<n).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) })
            case .float16:
                return .float((0..<n).map { halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) })
            case .float64:
                return .float((0..<n).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) })
            case .int32: return .int(ints(Int32.self))
            case .int64: return .int(ints(Int64.self))
            case .int16: return .int(ints(Int16.self))
            case .int8: return .int(ints(Int8.self))
            case .uint8, .bool: return .int(ints(UInt8.self))
            case .complex64, .string: return .int([])
            }
        }
    }
}

/// IEEE 754 binary16 → binary32 (exact: every half is a float).
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0: // zero or subnormal: mantissa · 2⁻²⁴
        return sign * Float(mantissa) * 0x1p-24
    case 31: // infinity or NaN
        return Float(bitPattern: (h & 0x8000 != 0 ? 0x8000_0000 : 0) | 0x7F80_0000 | (mantissa << 13))
    default: // rebias 15 → 127
        return Float(bitPattern: (h & 0x8000 != 0 ? 0x8000_0000 : 0) | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}

/// DEQUANTIZE on a constant: float16 widens; integers map to scale · (q − zeroPoint), per tensor
/// or per channel along the quantised dimension.
func dequantize(_ value: ConstData, tensor: TensorDef) throws -> [Float] {
    switch value {
    case .float(let v):
        return v
    case .int(let q):
        guard let quant = tensor.quantization, !quant.scale.isEmpty else {
            throw SiderError(.badModel, "DEQUANTIZE input \(tensor.name) has no quantisation scale")
        }
        let perChannel = quant.scale.count > 1
        let axis = quant.quantizedDimension
        guard !perChannel || (axis >= 0 && axis < tensor.shape.count && tensor.shape[axis] == quant.scale.count) else {
            throw SiderError(.badModel, "DEQUANTIZE input \(tensor.name) has \(quant.scale.count) scales for shape \(tensor.shape)")
        }
        let inner = perChannel ? tensor.shape[(axis + 1)...].reduce(1, *) : 1
        return q.indices.map { i in
            let ch = perChannel ? (i / inner) % quant.scale.count : 0
            let zp = ch < quant.zeroPoint.count ? Int(quant.zeroPoint[ch]) : 0
            return quant.scale[ch] * Float(q[i] - zp)
        }
    }
}

/// DENSIFY on a constant: expands the compressed storage of `tensor` (its `sparsity`) into the
/// dense row-major array of its shape. Dimensions are visited in `traversalOrder`; a dense level
/// spans `denseSize` coordinates, a sparse (CSR) level spans `indices[segments[p]..<segments[p+1]]`
/// where `p` is the position reached in the previous level. Block sparsity is not supported.
func densify(_ value: ConstData, tensor: TensorDef) throws -> ConstData {
    guard let sp = tensor.sparsity else { return value }
    let rank = tensor.shape.count
    func bad(_ why: String) -> SiderError {
        SiderError(.badModel, "sparse tensor \(tensor.name): \(why)")
    }
    guard sp.blockMap.isEmpty else {
        throw SiderError(.unsupported, "block-sparse tensor \(tensor.name) is not supported")
    }
    guard sp.traversalOrder.count == rank, sp.dimensions.count == rank,
          Set(sp.traversalOrder) == Set(0..<rank) else { throw bad("traversal order \(sp.traversalOrder) for rank \(rank)") }
    var strides = [Int](repeating: 1, count: rank)
    for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * tensor.shape[d + 1] }
    let total = tensor.elementCount
    var dense = [Float](repeating: 0, count: total)
    let stored: [Float]
    switch value {
    case .float(let v): stored = v
    case .int(let v): stored = v.map(Float.init)
    }
    // Iterative depth-first walk: (level, position in level, dense offset so far).
    var stack: [(level: Int, pos: Int, offset: Int)] = [(0, 0, 0)]
    while let (level, pos, offset) = stack.popLast() {
        if level == rank {
            guard pos < stored.count else { throw bad("value index \(pos) past \(stored.count) stored values") }
            dense[offset] = stored[pos]
            continue
        }
        let dim = sp.traversalOrder[level]
        let meta = sp.dimensions[level]
        if meta.isSparse {
            guard pos + 1 < meta.segments.count else { throw bad("segment \(pos) missing") }
            let lo = meta.segments[pos], hi = meta.segments[pos + 1]
            guard lo >= 0, lo <= hi, hi <= meta.indices.count else { throw bad("segment \(lo)..<\(hi) out of range") }
            for k in lo..<hi {
                let coord = meta.indices[k]
                guard coord >= 0, coord < tensor.shape[dim] else { throw bad("index \(coord) outside dimension \(dim)") }
                stack.append((level + 1, k, offset + coord * strides[dim]))
            }
        } else {
            guard meta.denseSize == tensor.shape[dim] else { throw bad("dense size \(meta.denseSize) ≠ \(tensor.shape[dim])") }
            for i in 0..<meta.denseSize {
                stack.append((level + 1, pos * meta.denseSize + i, offset + i * strides[dim]))
            }
        }
    }
    if case .int = value { return .int(dense.map { Int($0) }) }
    return .float(dense)
}

import Foundation
import SiderCore
import ZIPFoundation

/// PyTorch tensors inside ordinary pickles (DECA's `landmark_embedding.npy` holds some), read
/// without Python or torch:
/// - a tensor is `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`;
/// - its storage is `torch.storage._load_from_bytes(b)` where `b` is a whole `torch.save` stream of
///   the storage: either the legacy format — pickles of the magic number, the protocol version
///   and the system info, then the object whose storages are persistent ids
///   `('storage', <type>Storage, key, location, numel[, view])`, then the list of keys, then for
///   each key an int64 element count and the raw little-endian data — or the zip format
///   (`<root>/data.pkl` plus one `<root>/data/<key>` file per storage).
enum TorchTensors {
    /// The flat storage as a 1-D `NDArray`.
    static func loadFromBytes(_ bytes: [UInt8]) throws -> NDArray {
        if bytes.starts(with: [0x50, 0x4B]) { return try loadZip(bytes) }
        var reader = Unpickler(bytes: bytes, source: "torch storage")
        _ = try reader.load()                              // magic number
        _ = try reader.load()                              // protocol version
        _ = try reader.load()                              // system info
        let root = try reader.load()
        let keysValue = try reader.load()
        guard case .persistent(let pid) = root, let ref = try StorageRef(pid) else {
            throw SiderError(.unsupported, "torch storage stream does not hold a single storage")
        }
        let keys = keysValue.sequence?.compactMap(\.stringValue) ?? []
        var pos = reader.offset
        for key in keys {
            guard bytes.count - pos >= 8 else { throw SiderError(.badModel, "torch storage data truncated") }
            var raw: UInt64 = 0
            for i in 0..<8 { raw |= UInt64(bytes[pos + i]) << UInt64(8 * i) }
            pos += 8
            guard raw <= UInt64(bytes.count - pos), let n = CheckedSize.product(Int(raw), ref.elementSize),
                  n <= bytes.count - pos else { throw SiderError(.badModel, "torch storage data truncated") }
            let count = Int(raw)
            if key == ref.key {
                return try NDArray.decode(raw: bytes[pos..<(pos + n)], descr: ref.descr, shape: [count], fortran: false)
            }
            pos += n
        }
        throw SiderError(.badModel, "torch storage '\(ref.key)' has no data")
    }

    private static func loadZip(_ bytes: [UInt8]) throws -> NDArray {
        try NumpyFiles.withArchive(of: Data(bytes), source: "torch storage") { try loadZip($0) }
    }

    private static func loadZip(_ archive: Archive) throws -> NDArray {
        struct TooLarge: Error {}
        /// Inflates at most `limit` bytes (a storage's numel × element size; the pickle's own size).
        func read(_ entry: Entry, limit: Int) throws -> [UInt8] {
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: true) { chunk in
                    guard chunk.count <= limit - data.count else { throw TooLarge() }
                    data.append(chunk)
                }
            } catch is TooLarge {
                throw SiderError(.badModel, "torch storage: \(entry.path) inflates past its declared size")
            } catch let e as SiderError { throw e } catch {
                throw SiderError(.badModel, "torch storage: \(entry.path) is damaged")
            }
            return [UInt8](data)
        }
        guard let pkl = archive.first(where: { $0.path.hasSuffix("data.pkl") }) else {
            throw SiderError(.badModel, "torch storage: zip stream without data.pkl")
        }
        let prefix = String(pkl.path.dropLast("data.pkl".count))
        var reader = Unpickler(bytes: try read(pkl, limit: 1 << 20), source: "torch storage")
        guard case .persistent(let pid) = try reader.load(), let ref = try StorageRef(pid) else {
            throw SiderError(.unsupported, "torch storage stream does not hold a single storage")
        }
        guard let entry = archive[prefix + "data/" + ref.key] else {
            throw SiderError(.badModel, "torch storage: missing data/\(ref.key)")
        }
        let raw = try read(entry, limit: ref.byteLimit)
        return try NDArray.decode(raw: raw[...], descr: ref.descr, shape: [raw.count / ref.elementSize], fortran: false)
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, ...)`: gathers a strided view into C order.
    static func rebuildTensor(_ args: [PickleValue]) throws -> NDArray {
        guard args.count >= 4, case .object(let s) = args[0], let storage = s.array,
              let offset = args[1].intValue, let sizeItems = args[2].sequence, let strideItems = args[3].sequence else {
            throw SiderError(.badModel, "torch tensor with unexpected arguments")
        }
        let shape = sizeItems.compactMap(\.intValue), stride = strideItems.compactMap(\.intValue)
        guard shape.count == stride.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw SiderError(.badModel, "torch tensor with a bad size/stride")
        }
        // A view never has more elements than 2²⁸ nor strides longer than its storage; positions
        // are summed with overflow reported, so a hostile size/stride cannot wrap into range.
        guard let count = CheckedSize.product(shape, limit: 1 << 28),
              stride.allSatisfy({ abs($0) <= storage.count }), offset >= 0, offset <= storage.count else {
            throw SiderError(.badModel, "torch tensor with a bad size/stride")
        }
        var values = [Double](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for c in 0..<count {
            var at = offset, overflow = false
            for d in 0..<shape.count {
                let (step, o1) = index[d].multipliedReportingOverflow(by: stride[d])
                let (sum, o2) = at.addingReportingOverflow(step)
                at = sum
                overflow = overflow || o1 || o2
            }
            guard !overflow, at >= 0, at < storage.count else { throw SiderError(.badModel, "torch tensor reaches outside its storage") }
            values[c] = storage.values[at]
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return NDArray(shape: shape, values: values, dtype: storage.dtype)
    }

    /// A persistent id ('storage', type, key, location, numel, ...).
    private struct StorageRef {
        let key: String
        let descr: String
        let elementSize: Int
        /// numel × element size: the most bytes its data may hold.
        let byteLimit: Int

        init?(_ pid: PickleValue) throws {
            guard let items = pid.sequence, items.count >= 5, items[0].stringValue == "storage",
                  case .global(_, let typeName) = items[1], let key = items[2].stringValue else { return nil }
            let types: [String: String] = ["DoubleStorage": "<f8", "FloatStorage": "<f4", "LongStorage": "<i8",
                                           "IntStorage": "<i4", "ShortStorage": "<i2", "CharStorage": "|i1",
                                           "ByteStorage": "|u1", "BoolStorage": "|b1"]
            guard let descr = types[typeName] else {
                throw SiderError(.unsupported, "torch storage type \(typeName) is not supported")
            }
            self.key = key
            self.descr = descr
            let size = Int(descr.dropFirst(2)) ?? 1
            elementSize = size
            byteLimit = items[4].intValue.flatMap { CheckedSize.product($0, size, limit: 1 << 30) } ?? 0
        }
    }
}

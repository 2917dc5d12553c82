import Foundation
import SiderCore

/// A resumable snapshot of an optimisation: JSON metadata plus named float tensors (network
/// weights, Adam moments), in one file written atomically.
///
/// Layout (little-endian): magic "SIDERCKP", UInt32 version, UInt64 n = JSON byte count, the JSON
/// of `Checkpoint.Header` (the caller's metadata and the tensor table: name, element count), then
/// every tensor's Float32 values in table order.
public struct Checkpoint<Meta: Codable>: Sendable where Meta: Sendable {
    public var meta: Meta
    public var tensors: [(name: String, values: [Float])]

    public init(meta: Meta, tensors: [(name: String, values: [Float])]) {
        self.meta = meta
        self.tensors = tensors
    }

    struct Header: Codable {
        var meta: Meta
        var names: [String]
        var counts: [Int]
    }

    static var magic: [UInt8] { Array("SIDERCKP".utf8) }
    static var version: UInt32 { 1 }

    public func tensor(_ name: String) -> [Float]? { tensors.first { $0.name == name }?.values }

    public func encoded() throws -> Data {
        let header = Header(meta: meta, names: tensors.map(\.name), counts: tensors.map(\.values.count))
        let json: Data
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]   // the same bytes for the same state, in any process
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { json = try encoder.encode(header) } catch {
            throw SiderError(.numerical, "cannot encode checkpoint: \(error)")
        }
        var data = Data(Self.magic)
        withUnsafeBytes(of: Self.version.littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for t in tensors {
            t.values.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        }
        return data
    }

    public init(decoding data: Data) throws {
        let bytes = [UInt8](data)
        let bad = SiderError(.badInput, "not a SIDER checkpoint or damaged")
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else { throw bad }
        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * UInt32($1)) } }
        func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) } }
        guard u32(8) == Self.version else { throw SiderError(.unsupported, "checkpoint version \(u32(8)) is not supported") }
        let n = Int(clamping: u64(12))
        guard n >= 0, n <= bytes.count - 20 else { throw bad }
        let header: Header
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { header = try decoder.decode(Header.self, from: Data(bytes[20..<(20 + n)])) } catch { throw bad }
        guard header.names.count == header.counts.count, header.counts.allSatisfy({ $0 >= 0 }) else { throw bad }
        var offset = 20 + n
        var tensors: [(String, [Float])] = []
        for (name, count) in zip(header.names, header.counts) {
            guard count <= (bytes.count - offset) / 4 else { throw bad }   // checked before allocating
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<(offset + count * 4)]))
                }
            }
            tensors.append((name, values))
            offset += count * 4
        }
        guard offset == bytes.count else { throw bad }
        self.init(meta: header.meta, tensors: tensors)
    }

    public func save(to url: URL) throws { try AtomicFile.write(try encoded(), to: url) }

    public static func load(from url: URL) throws -> Checkpoint { try Checkpoint(decoding: try AtomicFile.read(url)) }
}

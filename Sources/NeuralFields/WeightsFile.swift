import Foundation
import SiderCore

/// The `.sidernn` network-weights file.
///
/// Layout (all integers little-endian):
/// ```
/// 0        8 bytes   magic "SIDERNN\0"
/// 8        UInt32    format version (1)
/// 12       UInt32    H = header length in bytes
/// 16       H bytes   header, UTF-8 JSON: {"kind", "config" (the network's config), "count",
///                    "views": [{"name","offset","count"}]}
/// 16+H     UInt32    CRC-32 (IEEE) of the header bytes
/// 20+H     4·count   parameter values, float32 (the network's flat ParameterStore, in order)
/// end−4    UInt32    CRC-32 of the value bytes
/// ```
/// Loading checks magic, version, both checksums, the sizes and that the views match the
/// network that the config builds, and throws `SiderError(.badModel, …)` otherwise.
public enum WeightsFile {
    public static let magic: [UInt8] = Array("SIDERNN".utf8) + [0]
    public static let version: UInt32 = 1

    struct Header<Config: Codable>: Codable {
        var kind: String
        var config: Config
        var count: Int
        var views: [ParameterView]
    }

    /// Serialises `store` with `config` under `kind`.
    public static func encode<C: Codable>(kind: String, config: C, store: ParameterStore) throws -> Data {
        let header = Header(kind: kind, config: config, count: store.count, views: store.views)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let h: Data
        do { h = try enc.encode(header) } catch { throw SiderError(.numerical, "cannot encode weights header: \(error)") }
        var out = Data(magic)
        append(&out, version)
        append(&out, UInt32(h.count))
        out.append(h)
        append(&out, CRC32.checksum(h))
        let values = Data(bytes: store.values, count: 4 * store.count)
        out.append(values)
        append(&out, CRC32.checksum(values))
        return out
    }

    /// Parses a file written by `encode`, returning its config and values.
    public static func decode<C: Codable>(_ data: Data, kind: String, as: C.Type) throws -> (config: C, values: [Float], views: [ParameterView]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 24, Array(bytes[0..<8]) == magic else {
            throw SiderError(.badModel, "not a SIDER weights file (bad magic)")
        }
        let ver = readU32(bytes, 8)
        guard ver == version else { throw SiderError(.badModel, "unsupported weights file version \(ver)") }
        let hl = Int(readU32(bytes, 12))
        guard hl > 0, hl <= bytes.count - 20 else { throw SiderError(.badModel, "weights file truncated (header)") }
        let h = Data(bytes[16..<(16 + hl)])
        guard readU32(bytes, 16 + hl) == CRC32.checksum(h) else {
            throw SiderError(.badModel, "weights file header checksum mismatch")
        }
        let header: Header<C>
        do { header = try JSONDecoder().decode(Header<C>.self, from: h) } catch {
            throw SiderError(.badModel, "weights file header unreadable: \(error)")
        }
        guard header.kind == kind else { throw SiderError(.badModel, "weights file holds a \(header.kind) network, not \(kind)") }
        let start = 20 + hl, n = header.count
        guard n >= 0, n <= (bytes.count - start) / 4, start + 4 * n + 4 == bytes.count else {
            throw SiderError(.badModel, "weights file truncated or oversized (expected \(n) values)")
        }
        let payload = Data(bytes[start..<(start + 4 * n)])
        guard readU32(bytes, start + 4 * n) == CRC32.checksum(payload) else {
            throw SiderError(.badModel, "weights file value checksum mismatch")
        }
        var values = [Float](repeating: 0, count: n)
        values.withUnsafeMutableBytes { dst in payload.withUnsafeBytes { dst.copyMemory(from: $0) } }
        guard values.allSatisfy({ $0.isFinite }) else { throw SiderError(.numerical, "weights file holds NaN/Inf") }
        return (header.config, values, header.views)
    }

    static func append(_ d: inout Data, _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) }
    }

    static func readU32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zlib's crc32.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        data.withUnsafeBytes { raw in
            for b in raw { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }
}

extension SDFNetwork {
    /// Writes the weights (atomically).
    public func save(to url: URL) throws {
        try AtomicFile.write(WeightsFile.encode(kind: "sdf", config: config, store: store), to: url)
    }

    /// Builds the network a weights file describes and loads its values.
    public static func load(from url: URL) throws -> SDFNetwork {
        let (config, values, views) = try WeightsFile.decode(try AtomicFile.read(url), kind: "sdf",
                                                             as: SDFNetworkConfig.self)
        try config.validate()
        let net = SDFNetwork(config: config)
        guard net.store.views == views else { throw SiderError(.badModel, "weights file layout does not match its config") }
        net.store.valueArray = values
        return net
    }
}

extension RenderingNetwork {
    public func save(to url: URL) throws {
        try AtomicFile.write(WeightsFile.encode(kind: "rendering", config: config, store: store), to: url)
    }

    public static func load(from url: URL) throws -> RenderingNetwork {
        let (config, values, views) = try WeightsFile.decode(try AtomicFile.read(url), kind: "rendering",
                                                             as: RenderingNetworkConfig.self)
        try config.validate()
        let net = RenderingNetwork(config: config)
        guard net.store.views == views else { throw SiderError(.badModel, "weights file layout does not match its config") }
        net.store.valueArray = values
        return net
    }
}

extension SDFNetworkConfig {
    /// Throws `.badModel` for sizes no SIDER network has (guards loading damaged files).
    public func validate() throws {
        let ok = (1...64).contains(hidden.count) && hidden.allSatisfy { (1...8192).contains($0) }
            && (0...4096).contains(featureSize) && skips.allSatisfy { (1..<hidden.count + 1).contains($0) }
            && beta > 0 && beta.isFinite && initialRadius.isFinite
        let encodingOK: Bool
        switch encoding {
        case .positional(let f): encodingOK = (0...16).contains(f)
        case .grid(let g): encodingOK = (1...32).contains(g.levels) && (1...16).contains(g.featuresPerLevel)
            && (1...4096).contains(g.baseResolution) && g.growth >= 1 && g.growth <= 4 && (4...24).contains(g.log2TableSize)
        case .fourier(let f): encodingOK = f.isPlausible
        }
        // A skip into layer s concatenates φ(x) to the previous layer's output, which then has
        // hidden[s−1] − D units: it must stay positive.
        let skipsOK = ok && skips.allSatisfy { hidden[$0 - 1] > encoding.outputDimension }
        guard ok && encodingOK && skipsOK else { throw SiderError(.badModel, "weights file describes an implausible geometry network") }
    }
}

extension RenderingNetworkConfig {
    public func validate() throws {
        guard (1...64).contains(hidden.count), hidden.allSatisfy({ (1...8192).contains($0) }),
              (0...4096).contains(featureSize), (0...16).contains(pointFrequencies), (0...16).contains(viewFrequencies) else {
            throw SiderError(.badModel, "weights file describes an implausible rendering network")
        }
    }
}

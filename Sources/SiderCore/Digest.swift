import Foundation
import Crypto

/// SHA-256 (swift-crypto) of bytes, as lower-case hex: the input photo's identity in run.json
/// and checkpoints, and a checkpoint's integrity check.
public enum Digest {
    public static func sha256(_ data: Data) -> [UInt8] { Array(SHA256.hash(data: data)) }

    public static func sha256Hex(_ data: Data) -> String {
        sha256(data).map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 of Float values' little-endian bytes (an in-memory image's identity).
    public static func sha256Hex(floats: [Float]) -> String {
        sha256Hex(floats.withUnsafeBufferPointer { Data(buffer: $0) })
    }
}

import SiderCore

/// Conversions between packed integer samples and the float [0, 1] pixels of `RGBImage`.
enum ByteConversion {
    /// 8-bit interleaved samples with `channels` per pixel (1 = grey, 3 = RGB) → RGB floats.
    static func rgbFloats(from bytes: UnsafePointer<UInt8>, pixelCount: Int, channels: Int) -> [Float] {
        var lut = [Float](repeating: 0, count: 256)
        for i in 0..<256 { lut[i] = Float(i) / 255 }
        let src = SendableConstPointer(bytes)
        return lut.withUnsafeBufferPointer { lutBuf in
            let table = SendableConstPointer(lutBuf.baseAddress!)
            return [Float](unsafeUninitializedCapacity: pixelCount * 3) { buf, initialized in
                let dst = SendablePointer(buf.baseAddress!)
                parallelFor(pixelCount, minChunk: 1 << 16) { range in
                    if channels == 3 {
                        for i in range.lowerBound * 3..<range.upperBound * 3 { dst[i] = table[Int(src[i])] }
                    } else {
                        for p in range {
                            let v = table[Int(src[p])]
                            dst[3 * p] = v; dst[3 * p + 1] = v; dst[3 * p + 2] = v
                        }
                    }
                }
                initialized = pixelCount * 3
            }
        }
    }

    /// RGB floats → 8-bit RGB bytes, clamped to [0, 1] and rounded. Throws on NaN/Inf.
    static func rgbBytes(from image: RGBImage) throws -> [UInt8] {
        let n = image.pixels.count
        var out = [UInt8](repeating: 0, count: n)
        let finite = image.pixels.withUnsafeBufferPointer { src -> Bool in
            out.withUnsafeMutableBufferPointer { dst -> Bool in
                var ok = true
                for i in 0..<n {
                    let v = src[i]
                    if !v.isFinite { ok = false; break }
                    dst[i] = UInt8(min(max(v, 0), 1) * 255 + 0.5)
                }
                return ok
            }
        }
        guard finite else { throw SiderError(.numerical, "image has NaN or infinite pixel values") }
        return out
    }
}

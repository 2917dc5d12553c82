import CTurboJPEG
import Foundation
import SiderCore

/// Decodes JPEG through TurboJPEG (libjpeg-turbo 2.1 API) and applies the EXIF orientation.
///
/// Colour, greyscale and YCbCr JPEGs are decompressed straight to RGB. CMYK/YCCK JPEGs
/// (which libjpeg cannot convert to RGB) are decompressed to CMYK and converted with the
/// Adobe convention libjpeg-turbo itself uses: stored values are inverted, R = C·K/255,
/// G = M·K/255, B = Y·K/255. Decoding uses `TJFLAG_STOPONWARNING`, so a truncated or
/// corrupt stream is an error rather than a grey-padded image.
enum JPEGDecoder {
    static func decode(_ data: Data, name: String) throws -> RGBImage {
        guard let handle = tjInitDecompress() else {
            throw SiderError(.io, "\(name): cannot initialise the JPEG decoder")
        }
        defer { tjDestroy(handle) }
        let bytes = [UInt8](data)
        var width: Int32 = 0, height: Int32 = 0, subsamp: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer { buf in
            tjDecompressHeader3(handle, buf.baseAddress, UInt(buf.count), &width, &height, &subsamp, &colorspace)
        }
        guard header == 0 else {
            throw SiderError(.badInput, "\(name): damaged JPEG header (\(errorString(handle)))")
        }
        let w = Int(width), h = Int(height)
        // A file cut before its frame header parses as a header of size 0×0.
        guard w > 0, h > 0 else {
            throw SiderError(.badInput, "\(name): truncated or damaged JPEG (no frame header)")
        }
        try ImageDecoder.checkSize(width: w, height: h, name: name)
        try ImageDecoder.checkPlausible(width: w, height: h, byteCount: bytes.count, pixelsPerByte: 1024, name: name)

        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = isCMYK ? 4 : 3
        let format = isCMYK ? TJPF_CMYK : TJPF_RGB
        var raw = [UInt8](repeating: 0, count: w * h * channels)
        let status = bytes.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), dst.baseAddress, width, 0, height,
                              Int32(format.rawValue), TJFLAG_STOPONWARNING)
            }
        }
        guard status == 0 else {
            throw SiderError(.badInput, "\(name): cannot decode JPEG (\(errorString(handle)); truncated or damaged file?)")
        }
        if isCMYK { raw = cmykToRGB(raw, pixelCount: w * h) }
        let pixels = raw.withUnsafeBufferPointer {
            ByteConversion.rgbFloats(from: $0.baseAddress!, pixelCount: w * h, channels: 3)
        }
        let image = RGBImage(width: w, height: h, pixels: pixels)
        return ExifOrientation.read(fromJPEG: bytes).apply(to: image)
    }

    /// Inverted (Adobe) CMYK → RGB: each colour is its channel scaled by K.
    static func cmykToRGB(_ cmyk: [UInt8], pixelCount: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
        for p in 0..<pixelCount {
            let k = UInt32(cmyk[4 * p + 3])
            for c in 0..<3 { rgb[3 * p + c] = UInt8((UInt32(cmyk[4 * p + c]) * k + 127) / 255) }
        }
        return rgb
    }

    static func errorString(_ handle: tjhandle) -> String {
        guard let s = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: s)
    }
}

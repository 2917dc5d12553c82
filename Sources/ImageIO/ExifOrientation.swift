import SiderCore

/// The EXIF orientation tag (0x0112) of a JPEG, and the pixel transform it asks for.
///
/// The value says how the stored pixels must be transformed for display. With a stored image
/// S of size w×h and the displayed image D (size h×w for values 5–8):
///   1 D(x,y) = S(x, y)                 identity
///   2 D(x,y) = S(w−1−x, y)             mirror left–right
///   3 D(x,y) = S(w−1−x, h−1−y)         rotate 180°
///   4 D(x,y) = S(x, h−1−y)             mirror top–bottom
///   5 D(x,y) = S(y, x)                 transpose
///   6 D(x,y) = S(y, h−1−x)             rotate 90° clockwise
///   7 D(x,y) = S(w−1−y, h−1−x)         transverse
///   8 D(x,y) = S(w−1−y, x)             rotate 90° counter-clockwise
/// The tag is read from the first APP1 "Exif" segment's IFD0 (TIFF header, either byte
/// order). A missing, malformed or out-of-range tag means 1: a damaged EXIF block must not
/// stop an otherwise good photo from loading.
public struct ExifOrientation: Sendable, Equatable {
    public let value: Int

    public init(_ value: Int) { self.value = (1...8).contains(value) ? value : 1 }

    public static let identity = ExifOrientation(1)

    /// Whether the displayed image swaps width and height.
    public var swapsAxes: Bool { value >= 5 }

    /// Scans the JPEG marker segments before the first scan for an APP1 Exif block.
    public static func read(fromJPEG bytes: [UInt8]) -> ExifOrientation {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return .identity }
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { return .identity }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }                        // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return .identity }      // scan data or end: give up
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { return .identity }
            if marker == 0xE1, let v = orientation(inApp1: bytes[(i + 4)..<(i + 2 + length)]) {
                return ExifOrientation(v)
            }
            i += 2 + length
        }
        return .identity
    }

    /// Parses "Exif\0\0" + TIFF header and returns tag 0x0112 of IFD0, if present.
    static func orientation(inApp1 seg: ArraySlice<UInt8>) -> Int? {
        let s = Array(seg)
        guard s.count >= 14, s[0..<6].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0]) else { return nil }
        let t = Array(s[6...])                                            // TIFF block; offsets are from here
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true                                  // "II"
        case (0x4D, 0x4D): little = false                                 // "MM"
        default: return nil
        }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= t.count else { return nil }
            return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for e in 0..<count {
            let entry = ifd + 2 + 12 * e
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                switch u16(entry + 2) {
                case 3: return u16(entry + 8)                               // SHORT (the standard)
                case 4: return u32(entry + 8)                               // LONG (some writers)
                default: return nil
                }
            }
        }
        return nil
    }

    /// The displayed image for stored pixels `image`.
    public func apply(to image: RGBImage) -> RGBImage {
        if value == 1 { return image }
        let w = image.width, h = image.height
        let (ow, oh) = swapsAxes ? (h, w) : (w, h)
        var out = [Float](repeating: 0, count: ow * oh * 3)
        let v = value
        image.pixels.withUnsafeBufferPointer { srcBuf in
            out.withUnsafeMutableBufferPointer { dstBuf in
                let src = SendableConstPointer(srcBuf.baseAddress!), dst = SendablePointer(dstBuf.baseAddress!)
                parallelFor(oh, minChunk: 16) { rows in
                    for y in rows {
                        for x in 0..<ow {
                            let (sx, sy): (Int, Int)
                            switch v {
                            case 2: (sx, sy) = (w - 1 - x, y)
                            case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                            case 4: (sx, sy) = (x, h - 1 - y)
                            case 5: (sx, sy) = (y, x)
                            case 6: (sx, sy) = (y, h - 1 - x)
                            case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                            default: (sx, sy) = (w - 1 - y, x)
                            }
                            let s = (sy * w + sx) * 3, d = (y * ow + x) * 3
                            dst[d] = src[s]; dst[d + 1] = src[s + 1]; dst[d + 2] = src[s + 2]
                        }
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }
}

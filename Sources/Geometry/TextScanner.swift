/// A cursor over ASCII text for the mesh readers: whitespace-separated tokens, integers and
/// decimal floats parsed in place (no per-token allocation).
struct TextScanner {
    let bytes: [UInt8]
    var pos: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.pos = start
        self.end = end ?? bytes.count
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 11 || c == 12 }

    var atEnd: Bool { pos >= end }

    /// Skips spaces and tabs (not newlines).
    @inline(__always) mutating func skipSpaces() {
        while pos < end, TextScanner.isSpace(bytes[pos]) { pos += 1 }
    }

    /// Skips all whitespace including newlines.
    mutating func skipWhitespace() {
        while pos < end, TextScanner.isSpace(bytes[pos]) || bytes[pos] == 10 { pos += 1 }
    }

    /// The range of the next token on this line (empty at end of line).
    mutating func token() -> Range<Int> {
        skipSpaces()
        let s = pos
        while pos < end, !TextScanner.isSpace(bytes[pos]), bytes[pos] != 10 { pos += 1 }
        return s..<pos
    }

    /// The next token anywhere (crossing newlines), for whitespace-insensitive formats.
    mutating func anyToken() -> Range<Int> {
        skipWhitespace()
        return token()
    }

    /// Moves past the end of the current line.
    mutating func skipLine() {
        while pos < end, bytes[pos] != 10 { pos += 1 }
        if pos < end { pos += 1 }
    }

    func string(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

    /// Parses a signed decimal integer occupying all of `r`.
    func int(_ r: Range<Int>) -> Int? {
        var i = r.lowerBound
        guard i < r.upperBound else { return nil }
        var neg = false
        if bytes[i] == 45 || bytes[i] == 43 { neg = bytes[i] == 45; i += 1 }
        guard i < r.upperBound else { return nil }
        var v = 0
        while i < r.upperBound {
            let d = Int(bytes[i]) - 48
            guard d >= 0 && d <= 9, v < Int.max / 16 else { return nil }
            v = v * 10 + d
            i += 1
        }
        return neg ? -v : v
    }

    /// Parses a decimal float (sign, digits, '.', digits, exponent) occupying all of `r`.
    /// Rejects nan/inf and anything else.
    func float(_ r: Range<Int>) -> Float? {
        var i = r.lowerBound
        let e = r.upperBound
        guard i < e else { return nil }
        var neg = false
        if bytes[i] == 45 || bytes[i] == 43 { neg = bytes[i] == 45; i += 1 }
        var mant: UInt64 = 0
        var exp10 = 0
        var digits = 0
        while i < e, bytes[i] >= 48, bytes[i] <= 57 {
            if mant < 100_000_000_000_000_000 { mant = mant * 10 + UInt64(bytes[i] - 48) } else { exp10 += 1 }
            digits += 1; i += 1
        }
        if i < e, bytes[i] == 46 {
            i += 1
            while i < e, bytes[i] >= 48, bytes[i] <= 57 {
                if mant < 100_000_000_000_000_000 { mant = mant * 10 + UInt64(bytes[i] - 48); exp10 -= 1 }
                digits += 1; i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < e, bytes[i] == 101 || bytes[i] == 69 {
            i += 1
            var eneg = false
            if i < e, bytes[i] == 45 || bytes[i] == 43 { eneg = bytes[i] == 45; i += 1 }
            var ev = 0
            var ed = 0
            while i < e, bytes[i] >= 48, bytes[i] <= 57 {
                if ev < 10000 { ev = ev * 10 + Int(bytes[i] - 48) }
                ed += 1; i += 1
            }
            guard ed > 0 else { return nil }
            exp10 += eneg ? -ev : ev
        }
        guard i == e else { return nil }
        var v = Double(mant)
        if exp10 != 0 {
            // Powers of ten beyond 10^22 are inexact; split the scaling to keep Double accuracy.
            var k = exp10
            while k > 22 { v *= 1e22; k -= 22 }
            while k < -22 { v /= 1e22; k += 22 }
            v = k >= 0 ? v * TextScanner.pow10[k] : v / TextScanner.pow10[-k]
        }
        let f = Float(neg ? -v : v)
        return f.isFinite ? f : nil
    }

    static let pow10: [Double] = (0...22).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }
}

import Foundation
import ImageIO
import SiderCore

/// dlib's 68-point face-shape predictor (Kazemi & Sullivan's ensemble of regression trees),
/// read from dlib's `shape_predictor_68_face_landmarks.dat` and run by our own code.
///
/// The shape S (68 points in the unit square of the face box) starts at the mean shape S₀. Each
/// cascade level t samples image intensities at feature points: point i is anchored to shape
/// point aᵢ with offset δᵢ (both defined on S₀), and sits at
///   box(A·δᵢ + S_{aᵢ}),
/// where A is the 2×2 linear part of the least-squares similarity taking S₀ to the current S,
/// and box(·) maps the unit square to the face box (corners (0,0) → top-left pixel, (1,1) →
/// bottom-right pixel). Each tree of the level compares intensity differences I_{i₁} − I_{i₂}
/// with thresholds down to a leaf, and S += leaf vector. The final S is mapped through box(·).
/// Intensities are dlib's: (R + G + B) / 3 of 8-bit values, 0 outside the image; sample positions
/// are rounded to whole pixels.
public final class DlibShapePredictor: @unchecked Sendable {
    public static let fileName = "shape_predictor_68_face_landmarks.dat"

    /// The model file: the data cache, else where Debian's `libdlib-data` installs it.
    public static var defaultFile: URL {
        let cached = DataPaths.model(fileName)
        let system = URL(fileURLWithPath: "/usr/share/dlib/\(fileName)")
        if !FileManager.default.fileExists(atPath: cached.path), FileManager.default.fileExists(atPath: system.path) {
            return system
        }
        return cached
    }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [String: DlibShapePredictor] = [:]

    /// The model at `file`, read once per process (reading the 100 MB file takes about 1.5 s).
    public static func shared(file: URL = DlibShapePredictor.defaultFile) throws -> DlibShapePredictor {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let p = cache[file.path] { return p }
        let p = try DlibShapePredictor(file: file)
        cache[file.path] = p
        return p
    }

    struct Level {
        var anchors: [Int32]
        var deltas: [SIMD2<Float>]
        var splitCount: Int                    // per tree; leaves = splitCount + 1
        var splitFeatures: [SIMD2<Int32>]      // trees × splitCount
        var thresholds: [Float]                // trees × splitCount
        var leaves: [Float]                    // trees × (splitCount + 1) × shape size
        var treeCount: Int
    }

    let initialShape: [Float]
    let levels: [Level]
    public var pointCount: Int { initialShape.count / 2 }

    public convenience init(file: URL = DlibShapePredictor.defaultFile) throws {
        let data = try AtomicFile.read(try DataPaths.require(file))
        try self.init(bytes: [UInt8](data), name: file.lastPathComponent)
    }

    /// Parses a serialised shape predictor; `name` is put in error messages.
    public init(bytes: [UInt8], name: String) throws {
        let file = URL(fileURLWithPath: name)
        var r = DlibSerialReader(bytes, name: name)
        guard try r.int() == 1 else { throw SiderError(.badModel, "\(file.lastPathComponent): unknown shape predictor version") }
        initialShape = try r.column()
        let n = initialShape.count
        guard n > 0, n % 2 == 0 else { throw SiderError(.badModel, "\(file.lastPathComponent): empty mean shape") }
        let levelCount = try r.count(max: 1000)
        var levels: [Level] = []
        for _ in 0..<levelCount {
            let trees = try r.count(max: 100_000)
            var level = Level(anchors: [], deltas: [], splitCount: 0, splitFeatures: [], thresholds: [], leaves: [], treeCount: trees)
            for t in 0..<trees {
                let splits = try r.count(max: 1 << 16)
                if t == 0 {
                    level.splitCount = splits
                    // Reserve only what the remaining bytes could hold (each value takes ≥ 1 byte).
                    let room = r.remaining
                    level.splitFeatures.reserveCapacity(min(trees * splits, room))
                    level.thresholds.reserveCapacity(min(trees * splits, room))
                    level.leaves.reserveCapacity(CheckedSize.product([trees, splits + 1, n], limit: room) ?? room)
                }
                guard splits == level.splitCount else { throw SiderError(.badModel, "\(file.lastPathComponent): uneven trees") }
                for _ in 0..<splits {
                    let a = try r.int(), b = try r.int()
                    level.splitFeatures.append(SIMD2(Int32(clamping: a), Int32(clamping: b)))
                    level.thresholds.append(try r.float())
                }
                let leafCount = try r.count(max: 1 << 17)
                guard leafCount == splits + 1 else { throw SiderError(.badModel, "\(file.lastPathComponent): tree with \(leafCount) leaves") }
                for _ in 0..<leafCount {
                    let v = try r.column()
                    guard v.count == n else { throw SiderError(.badModel, "\(file.lastPathComponent): leaf of \(v.count) values") }
                    level.leaves.append(contentsOf: v)
                }
            }
            levels.append(level)
        }
        guard try r.count(max: 1000) == levelCount else { throw SiderError(.badModel, "\(file.lastPathComponent): anchor table size") }
        for l in 0..<levelCount {
            let k = try r.count(max: 1 << 20)
            levels[l].anchors = try (0..<k).map { _ in
                let a = try r.int()
                guard a >= 0, a < Int64(n / 2) else { throw SiderError(.badModel, "\(file.lastPathComponent): anchor \(a)") }
                return Int32(a)
            }
        }
        guard try r.count(max: 1000) == levelCount else { throw SiderError(.badModel, "\(file.lastPathComponent): delta table size") }
        for l in 0..<levelCount {
            let k = try r.count(max: 1 << 20)
            guard k == levels[l].anchors.count else { throw SiderError(.badModel, "\(file.lastPathComponent): delta count") }
            levels[l].deltas = try (0..<k).map { _ in SIMD2(try r.float(), try r.float()) }
            let features = Int32(k)
            guard levels[l].splitFeatures.allSatisfy({ $0.x >= 0 && $0.y >= 0 && $0.x < features && $0.y < features }) else {
                throw SiderError(.badModel, "\(file.lastPathComponent): split feature out of range")
            }
        }
        guard r.atEnd else { throw SiderError(.badModel, "\(file.lastPathComponent): trailing bytes") }
        self.levels = levels
    }

    /// The box dlib's model expects for a face whose 68 points are roughly `points` (continuous
    /// pixel coordinates): the square (left, top, right, bottom), in dlib's integer pixel indices,
    /// onto which the model's mean shape S₀ maps best, i.e. the scale s and offset t minimising
    /// Σᵢ ‖s·S₀ᵢ + t − pᵢ‖². dlib's detector boxes and S₀ are related exactly this way on average
    /// over its training set, so the fit stands in for dlib's own face detector.
    public func box(fitting points: [SIMD2<Float>]) -> SIMD4<Float>? {
        let m = pointCount
        guard points.count == m else { return nil }
        var meanA = SIMD2<Float>.zero, meanB = SIMD2<Float>.zero
        for i in 0..<m { meanA += SIMD2(initialShape[2 * i], initialShape[2 * i + 1]); meanB += points[i] - 0.5 }
        meanA /= Float(m); meanB /= Float(m)
        var num: Float = 0, den: Float = 0
        for i in 0..<m {
            let a = SIMD2(initialShape[2 * i], initialShape[2 * i + 1]) - meanA, b = points[i] - 0.5 - meanB
            num += (a * b).sum(); den += (a * a).sum()
        }
        guard den > 0, num > 0, num.isFinite else { return nil }
        let scale = num / den
        let t = meanB - scale * meanA
        let l = t.x.rounded(), top = t.y.rounded()
        return SIMD4(l, top, (t.x + scale).rounded(), (t.y + scale).rounded())
    }

    /// The model's mean shape S₀ placed in `box` (dlib pixel indices), in continuous coordinates.
    public func meanShape(in box: SIMD4<Float>) -> [SIMD2<Float>]? {
        let extent = SIMD2(box.z - box.x, box.w - box.y)
        guard extent.x > 0, extent.y > 0 else { return nil }
        return (0..<pointCount).map { i in SIMD2(box.x, box.y) + SIMD2(initialShape[2 * i], initialShape[2 * i + 1]) * extent + 0.5 }
    }

    /// 68 points for a face whose points are roughly `estimate`: predicts in `box(fitting:)`,
    /// then once more in the box fitted to that first prediction.
    public func refine(_ estimate: [SIMD2<Float>], in image: RGBImage, passes: Int = 2) -> [SIMD2<Float>]? {
        var current = estimate
        for _ in 0..<max(1, passes) {
            guard let b = box(fitting: current) else { return nil }
            current = predict(image, box: b)
        }
        return current
    }

    /// dlib's intensity of pixel (x, y): (R + G + B) / 3 of the 8-bit values, integer division.
    @inline(__always)
    static func intensity(_ p: UnsafeBufferPointer<Float>, _ index: Int) -> Float {
        var sum = 0
        for c in 0..<3 { sum += min(max(Int((p[3 * index + c] * 255).rounded()), 0), 255) }
        return Float(sum / 3)
    }

    /// The 68 points for the face in `box` = (left, top, right, bottom), dlib's inclusive pixel
    /// rectangle (pixel indices); results in continuous pixel coordinates (centres at + 0.5).
    public func predict(_ image: RGBImage, box: SIMD4<Float>) -> [SIMD2<Float>] {
        image.pixels.withUnsafeBufferPointer { predict($0, width: image.width, height: image.height, box: box) }
    }

    private func predict(_ pixels: UnsafeBufferPointer<Float>, width: Int, height: Int, box: SIMD4<Float>) -> [SIMD2<Float>] {
        let n = initialShape.count
        var shape = initialShape
        let origin = SIMD2(box.x, box.y), extent = SIMD2(box.z - box.x, box.w - box.y)
        var features: [Float] = []
        for level in levels {
            let a = similarityLinearPart(from: initialShape, to: shape)
            features = [Float](repeating: 0, count: level.anchors.count)
            for i in 0..<level.anchors.count {
                let d = level.deltas[i]
                let k = Int(level.anchors[i])
                let s = SIMD2(a.x * d.x + a.y * d.y, a.z * d.x + a.w * d.y) + SIMD2(shape[2 * k], shape[2 * k + 1])
                let p = origin + s * extent
                let x = Int((p.x + 0.5).rounded(.down)), y = Int((p.y + 0.5).rounded(.down))
                if x >= 0, y >= 0, x < width, y < height { features[i] = Self.intensity(pixels, y * width + x) }
            }
            let leaves = level.splitCount + 1
            level.leaves.withUnsafeBufferPointer { leafValues in
                for t in 0..<level.treeCount {
                    var node = 0
                    let base = t * level.splitCount
                    while node < level.splitCount {
                        let f = level.splitFeatures[base + node]
                        node = features[Int(f.x)] - features[Int(f.y)] > level.thresholds[base + node] ? 2 * node + 1 : 2 * node + 2
                    }
                    let leaf = (t * leaves + node - level.splitCount) * n
                    for j in 0..<n { shape[j] += leafValues[leaf + j] }
                }
            }
        }
        return (0..<(n / 2)).map { i in origin + SIMD2(shape[2 * i], shape[2 * i + 1]) * extent + 0.5 }
    }

    /// Linear part (a, b; c, d) row-major of the least-squares similarity from shape `p` to `q`:
    /// with centred points u (from p), v (from q): s·cos = Σ u·v / Σ|u|², s·sin = Σ u×v / Σ|u|².
    func similarityLinearPart(from p: [Float], to q: [Float]) -> SIMD4<Float> {
        let m = p.count / 2
        var mp = SIMD2<Float>.zero, mq = SIMD2<Float>.zero
        for i in 0..<m { mp += SIMD2(p[2 * i], p[2 * i + 1]); mq += SIMD2(q[2 * i], q[2 * i + 1]) }
        mp /= Float(m); mq /= Float(m)
        var dot: Float = 0, cross: Float = 0, norm: Float = 0
        for i in 0..<m {
            let u = SIMD2(p[2 * i], p[2 * i + 1]) - mp, v = SIMD2(q[2 * i], q[2 * i + 1]) - mq
            dot += u.x * v.x + u.y * v.y
            cross += u.x * v.y - u.y * v.x
            norm += u.x * u.x + u.y * u.y
        }
        guard norm > 0 else { return SIMD4(1, 0, 0, 1) }
        let c = dot / norm, s = cross / norm
        return SIMD4(c, -s, s, c)
    }
}

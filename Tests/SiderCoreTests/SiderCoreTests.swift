import Foundation
import Testing
import SiderCore

@Suite struct SiderCoreTests {
    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let xa = (0..<8).map { _ in a.next() }, xb = (0..<8).map { _ in b.next() }, xc = (0..<8).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func normalSamplesHaveUnitVariance() {
        var g = SeededGenerator(seed: 1)
        let n = 20000
        let xs = (0..<n).map { _ in Double(g.normal()) }
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }

    @Test func parallelForCoversEveryIndexOnce() {
        let n = 10_007
        var hits = [Int32](repeating: 0, count: n)
        hits.withUnsafeMutableBufferPointer { buf in
            let p = SendablePointer(buf.baseAddress!)
            parallelFor(n) { r in for i in r { p[i] += 1 } }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    @Test func sgemmMatchesNaiveProduct() {
        let m = 5, n = 7, k = 3
        var g = SeededGenerator(seed: 7)
        let a = (0..<(m * k)).map { _ in g.uniform(-1, 1) }
        let b = (0..<(n * k)).map { _ in g.uniform(-1, 1) }   // stored n×k, used transposed
        var c = [Float](repeating: 0, count: m * n)
        BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, transB: true, c: &c, ldc: n)
        for i in 0..<m { for j in 0..<n {
            var s: Float = 0
            for l in 0..<k { s += a[i * k + l] * b[j * k + l] }
            #expect(abs(c[i * n + j] - s) < 1e-5)
        } }
    }

    @Test func atomicWriteReplacesWholeFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sider-atomic-\(getpid())")
        let url = dir.appendingPathComponent("out.txt")
        defer { try? FileManager.default.removeItem(at: dir) }
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func errorMessagesAreOneLine() {
        let e = SiderError(.badInput, "line one\nline two")
        #expect(!e.description.contains("\n"))
    }
}

@Suite struct CholeskyTests {
    @Test func solvesASymmetricPositiveDefiniteSystem() throws {
        // A = M·Mᵀ + I for a fixed M; b = A·x₀ must give back x₀.
        let n = 5
        var g = SeededGenerator(seed: 9)
        let m = (0..<(n * n)).map { _ in Double(g.uniform(-1, 1)) }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n {
            a[i * n + j] = (0..<n).reduce(0) { $0 + m[i * n + $1] * m[j * n + $1] } + (i == j ? 1 : 0)
        } }
        let x0 = (0..<n).map { Double($0) - 1.5 }
        let b = (0..<n).map { i in (0..<n).reduce(0) { $0 + a[i * n + $1] * x0[$1] } }
        let factor = try #require(Cholesky(a, n: n))
        for (x, e) in zip(factor.solve(b), x0) { #expect(abs(x - e) < 1e-9) }
        #expect(Cholesky.solve(a, b, n: n) == factor.solve(b))
    }

    @Test func rejectsMatricesThatAreNotPositiveDefinite() {
        #expect(Cholesky([1, 2, 2, 1], n: 2) == nil)          // eigenvalues 3 and −1
        #expect(Cholesky([0, 0, 0, 0], n: 2) == nil)
        #expect(Cholesky([.nan, 0, 0, 1], n: 2) == nil)
    }
}

import Dispatch

/// A pointer that may cross into `parallelFor` bodies. Each worker must touch a disjoint part.
public struct SendablePointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
    @inlinable public func advanced(by n: Int) -> UnsafeMutablePointer<T> { base + n }
}

/// A read-only pointer that may cross into `parallelFor` bodies.
public struct SendableConstPointer<T>: @unchecked Sendable {
    public let base: UnsafePointer<T>
    public init(_ base: UnsafePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T { base[i] }
    @inlinable public func advanced(by n: Int) -> UnsafePointer<T> { base + n }
}

public enum Parallel {
    /// Number of workers `parallelFor` splits work into (the machine's active cores).
    /// Override with the environment variable `SIDER_THREADS`.
    public static let workerCount: Int = {
        if let s = getenvString("SIDER_THREADS"), let n = Int(s), n > 0 { return n }
        return max(1, ProcessInfoCores.active)
    }()
}

/// Runs `body` over `0..<count` split into contiguous chunks across the cores.
///
/// `minChunk` keeps tiny loops on one thread (dispatch costs ~µs). The body receives a
/// half-open range; chunks are disjoint, so writes to distinct indices need no locking.
@inlinable
public func parallelFor(_ count: Int, minChunk: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = min(Parallel.workerCount, max(1, count / max(1, minChunk)))
    if workers <= 1 { body(0..<count); return }
    let chunks = workers
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = count * c / chunks
        let hi = count * (c + 1) / chunks
        if lo < hi { body(lo..<hi) }
    }
}

@usableFromInline
enum ProcessInfoCores {
    @usableFromInline static var active: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C as a request, not a kill: a SIGINT handler sets a flag that the optimisation loop checks
/// once per iteration, so it can write a resumable checkpoint and stop cleanly.
/// A second Ctrl-C while the flag is still set restores the default action (exit at once).
public enum InterruptFlag {
    /// Storage the handler may touch (a plain word: async-signal-safe).
    nonisolated(unsafe) private static let storage: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.pointee = 0
        return p
    }()

    /// Installs the handler (idempotent).
    public static func install() {
        _ = storage
        signal(SIGINT) { _ in
            if InterruptFlag.storage.pointee != 0 { signal(SIGINT, SIG_DFL) }
            InterruptFlag.storage.pointee = 1
        }
    }

    /// True once Ctrl-C was pressed (or `raise()` called) since the last `reset()`.
    public static var isSet: Bool { storage.pointee != 0 }

    /// Sets the flag as a signal would (tests, programmatic stop).
    public static func raise() { storage.pointee = 1 }

    public static func reset() { storage.pointee = 0 }
}

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM (Slurm's `--signal`, Kubernetes stopping a pod) sent to the batch
/// are passed on to the running `sider reconstruct` as SIGINT — the child checkpoints and exits
/// 130 — and stop the batch after it. Needed because Foundation's `Process` starts each child in
/// its own process group, so a terminal's Ctrl-C reaches the batch alone.
enum ChildSignals {
    /// [0]: the running child's pid (0: none), [1]: 1 once a stop was asked for. Plain words:
    /// all the handler touches (async-signal-safe, like `kill`).
    nonisolated(unsafe) static let storage: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
        p[0] = 0
        p[1] = 0
        return p
    }()

    static func install() {
        _ = storage
        for s in [SIGINT, SIGTERM] {
            signal(s) { _ in
                ChildSignals.storage[1] = 1
                let pid = ChildSignals.storage[0]
                if pid > 0 { kill(pid, SIGINT) }
            }
        }
    }

    /// Back to the default actions, the stop request cleared.
    static func uninstall() {
        for s in [SIGINT, SIGTERM] { signal(s, SIG_DFL) }
        storage[0] = 0
        storage[1] = 0
    }

    /// Unblocks SIGINT and SIGTERM in the calling thread; returns the mask to restore.
    static func unblockForSpawn() -> sigset_t {
        var set = sigset_t(), old = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, &old)
        return old
    }

    static func restore(_ mask: sigset_t) {
        var m = mask
        pthread_sigmask(SIG_SETMASK, &m, nil)
    }

    static var child: Int32 {
        get { storage[0] }
        set { storage[0] = newValue }
    }

    static var stopRequested: Bool { storage[1] != 0 }
}

/// SiderCore owns what every stage shares and nothing stage-specific: the error type with its
/// one-line messages, threading across cores (`parallelFor`), seeded random numbers, BLAS
/// matrix products, atomic file writes, the data-cache paths and logging set-up.
public enum SiderCore {
    /// Version string printed by `sider --version`.
    public static let version = "0.1.0"
}

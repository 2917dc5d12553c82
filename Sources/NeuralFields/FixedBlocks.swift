import SiderCore

/// The fixed split of the layers' matrix products across the cores, which makes training
/// bit-reproducible on any machine.
///
/// OpenBLAS splits a threaded product differently for each thread count, so its results (last
/// bits) depend on the core count and on whoever set that count last. Instead, each product is
/// cut into blocks of a fixed size — `rowBlock` batch rows for the products whose rows are
/// independent (Z = U·Wᵀ, dU = dZ·W), `columnBlock` output columns for the weight gradients
/// (dW = dZᵀ·U, which sums over the batch: every element still gets its whole sum from one
/// call) — and the blocks run through `parallelFor`, each one single-threaded OpenBLAS call.
/// Every output element is then computed by the same call, in the same order, whatever the
/// number of workers; no element is summed across threads.
enum FixedBlocks {
    /// Batch rows per block. Each call re-packs W, so larger blocks pack less; but the blocks
    /// are also the unit of parallelism (a 4096-point batch is 8 blocks). Sized for the team's
    /// 2-core machines; changing it changes results in the last bits (still deterministic).
    static let rowBlock = 512
    /// Output columns per weight-gradient block (each call re-packs the whole batch of U).
    static let columnBlock = 128

    /// Multiply–adds below which a worker is not worth waking (small networks' products take
    /// well under a millisecond; on a loaded machine a wake-up can cost more).
    static let minimumWorkPerWorker = 1 << 22

    /// Runs `body` over the blocks [0, size), [size, 2·size), … of 0..<count across the cores,
    /// with OpenBLAS single-threaded; `work` is the whole product's multiply–adds. Which worker
    /// runs a block never changes what the block computes.
    @inline(__always)
    static func run(_ count: Int, size: Int, work: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let blocks = (count + size - 1) / size
        let blocksPerWorker = max(1, minimumWorkPerWorker / max(1, work / blocks))
        BLAS.singleThreaded {
            parallelFor(blocks, minChunk: blocksPerWorker) { range in
                for j in range { body((j * size)..<min(count, (j + 1) * size)) }
            }
        }
    }
}

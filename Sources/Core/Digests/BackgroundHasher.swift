// Hashes bytes on its own queue, so the thread that received them (a FUSE request, an upload) can answer first.
import Dispatch
import Foundation

/// A `MultiHasher` fed on a private serial queue, with a bound on the chunks waiting to be hashed.
/// @unchecked Sendable: `hasher` is only touched on `queue`.
final class BackgroundHasher: @unchecked Sendable {
    /// Chunks queued before `update` blocks (each at most one write: about 1 MiB for FUSE and uploads).
    static let queuedChunkCountMax = 64

    private var hasher: MultiHasher
    private let queue = DispatchQueue(label: "artifactfs.hash")
    private let budget = DispatchSemaphore(value: BackgroundHasher.queuedChunkCountMax)

    init(kinds: DigestKinds) {
        hasher = MultiHasher(kinds: kinds)
    }

    /// Queues a copy of `bytes`; blocks while the queue is full.
    func update(_ bytes: UnsafeRawBufferPointer) {
        let copy = Data(bytes)
        budget.wait()
        queue.async { [self] in
            hasher.update(copy)
            budget.signal()
        }
    }

    /// Waits for the queued chunks and returns the digests of everything fed.
    func finalize() -> FileDigests {
        queue.sync { hasher.finalize() }
    }
}

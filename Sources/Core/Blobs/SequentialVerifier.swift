// Verifies a blob's digest as a side effect of reading it front to back, without a second pass.
import Crypto
import Foundation

/// Hashes the reads that continue where the previous one stopped; when the end is reached the digest must match.
/// @unchecked Sendable: every field below is read and written only under `lock`.
final class SequentialVerifier: @unchecked Sendable {
    private let expected: SHA256Digest
    private let size: Int64
    private let lock = NSLock()
    private var hasher = Crypto.SHA256()
    private var next: Int64 = 0
    private var finished = false

    init(expected: SHA256Digest, size: Int64) {
        self.expected = expected
        self.size = size
    }

    /// Feeds bytes read at `offset`; throws `.corrupt` when they complete a front-to-back read that mismatches.
    func observe(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(BlobStoreError) {
        lock.lock()
        defer { lock.unlock() }
        // A read that skips ahead ends verification; re-reading earlier bytes (readahead) does not.
        if offset > next { finished = true }
        guard !finished, offset == next, bytes.count > 0 else { return }
        hasher.update(bufferPointer: bytes)
        next += Int64(bytes.count)
        guard next == size else { return }
        finished = true
        let actual = SHA256Digest(hasher.finalize())
        if actual != expected { throw .corrupt(expected, actual: actual) }
    }
}

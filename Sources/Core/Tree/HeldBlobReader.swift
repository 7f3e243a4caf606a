// A blob reader that keeps its blob from being deleted until it closes.
import Synchronization

/// Wraps a reader from `RepositoryTree.open`: its digest is held in the `BlobDeletionGuard` from open until
/// `close()` (or deinit, for a reader dropped without closing), so deleting the package meanwhile defers the
/// blob's deletion instead of breaking the read (an S3 reader fetches ranges long after open).
final class HeldBlobReader: BlobReader {
    private let reader: any BlobReader
    private let digest: SHA256Digest
    private let deletionGuard: BlobDeletionGuard
    private let blobs: any BlobStore
    private let metadata: any MetadataStore
    private let closed = Atomic<Bool>(false)

    init(_ reader: any BlobReader, digest: SHA256Digest, deletionGuard: BlobDeletionGuard, blobs: any BlobStore,
         metadata: any MetadataStore) {
        self.reader = reader
        self.digest = digest
        self.deletionGuard = deletionGuard
        self.blobs = blobs
        self.metadata = metadata
    }

    var size: Int64 { reader.size }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try reader.read(into: buffer, at: offset)
    }

    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        reader.close()
        // A deferred deletion that fails leaves an orphan, which fsck reports; the reader's caller cannot act on it.
        _ = deletionGuard.release(digest, blobs: blobs, metadata: metadata)
    }

    deinit { close() }
}

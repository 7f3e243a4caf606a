// Keeps blob deletion from racing an ingest that is about to reference the same bytes again.
import Synchronization

/// Ingests mark a digest in flight from before the blob write until after the catalogue commit; deletions
/// of orphaned blobs skip digests in flight and re-check the catalogue, both under the same lock.
public final class BlobDeletionGuard: Sendable {
    private let inFlight = Mutex<[SHA256Digest: Int]>([:])

    public init() {}

    /// Runs `body` with `digest` marked in flight.
    public func referencing<T, E: Error>(_ digest: SHA256Digest, _ body: () throws(E) -> T) throws(E) -> T {
        inFlight.withLock { $0[digest, default: 0] += 1 }
        defer {
            inFlight.withLock {
                $0[digest, default: 1] -= 1
                if $0[digest] == 0 { $0[digest] = nil }
            }
        }
        return try body()
    }

    /// Runs `body` with every digest of `digests` marked in flight.
    public func referencing<T, E: Error>(_ digests: [SHA256Digest], _ body: () throws(E) -> T) throws(E) -> T {
        guard let first = digests.first else { return try body() }
        return try referencing(first) { () throws(E) -> T in try referencing(Array(digests.dropFirst()), body) }
    }

    /// Deletes each orphaned blob that no ingest holds and the catalogue still does not reference.
    /// Failures are returned, not thrown: an orphan left behind is found again by fsck.
    public func deleteOrphans(_ digests: [SHA256Digest], blobs: any BlobStore, metadata: any MetadataStore) -> [any Error] {
        guard !digests.isEmpty else { return [] }
        return inFlight.withLock { held in
            var failures: [any Error] = []
            // One indexed lookup per candidate, not a scan of every reference: this runs after each publish.
            for digest in digests where held[digest] == nil {
                do {
                    if try !metadata.isReferenced(digest) { try blobs.delete(digest) }
                } catch {
                    failures.append(error)
                }
            }
            return failures
        }
    }
}

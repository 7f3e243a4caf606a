// Keeps blob deletion from racing an ingest that is about to reference the same bytes again, or a reader.
import Synchronization

/// Ingests mark a digest in flight from before the blob write until after the catalogue commit, and open
/// readers hold their digest until they close; deletions of orphaned blobs skip held digests and re-check the
/// catalogue, both under the same lock. A deletion skipped because of a hold is remembered and carried out
/// when the last hold ends, if the catalogue still does not reference the digest: so a file deleted while
/// someone reads it stays readable until that reader closes (SEMANTICS.md), and is not left behind as an orphan.
public final class BlobDeletionGuard: Sendable {
    private struct State {
        var holds: [SHA256Digest: Int] = [:]
        /// Orphans whose deletion waits for their last hold to end.
        var deferred: Set<SHA256Digest> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` with `digest` marked in flight.
    public func referencing<T, E: Error>(_ digest: SHA256Digest, _ body: () throws(E) -> T) throws(E) -> T {
        state.withLock { $0.holds[digest, default: 0] += 1 }
        defer { _ = release(digest, blobs: nil, metadata: nil) }
        return try body()
    }

    /// Runs `body` with every digest of `digests` marked in flight.
    public func referencing<T, E: Error>(_ digests: [SHA256Digest], _ body: () throws(E) -> T) throws(E) -> T {
        guard let first = digests.first else { return try body() }
        return try referencing(first) { () throws(E) -> T in try referencing(Array(digests.dropFirst()), body) }
    }

    /// Marks `digest` as read by an open reader until the matching `release`.
    public func hold(_ digest: SHA256Digest) {
        state.withLock { $0.holds[digest, default: 0] += 1 }
    }

    /// Ends one hold. When it was the last and a deletion of `digest` was deferred, the blob is deleted if the
    /// catalogue still does not reference it. Without `blobs` and `metadata` (an ingest's scope, which has
    /// just referenced the digest or failed to) the deferral is dropped, as deletions skipped for an ingest
    /// always were: fsck finds what is left. Returns the failure of that deletion, if any.
    @discardableResult
    public func release(_ digest: SHA256Digest, blobs: (any BlobStore)?, metadata: (any MetadataStore)?) -> (any Error)? {
        state.withLock { state in
            let count = (state.holds[digest] ?? 1) - 1
            state.holds[digest] = count > 0 ? count : nil
            guard count <= 0, state.deferred.remove(digest) != nil, let blobs, let metadata else { return nil }
            do {
                if try !metadata.isReferenced(digest) { try blobs.delete(digest) }
                return nil
            } catch {
                return error
            }
        }
    }

    /// Deletes each orphaned blob that nothing holds and the catalogue still does not reference; a held one is
    /// deleted when its last hold ends. Failures are returned, not thrown: an orphan left behind is found
    /// again by fsck.
    public func deleteOrphans(_ digests: [SHA256Digest], blobs: any BlobStore, metadata: any MetadataStore) -> [any Error] {
        guard !digests.isEmpty else { return [] }
        return state.withLock { state in
            var failures: [any Error] = []
            // One indexed lookup per candidate, not a scan of every reference: this runs after each publish.
            for digest in digests {
                if state.holds[digest] != nil {
                    state.deferred.insert(digest)
                    continue
                }
                do {
                    if try !metadata.isReferenced(digest) { try blobs.delete(digest) }
                } catch {
                    failures.append(error)
                }
            }
            return failures
        }
    }

    /// Digests whose deletion waits for a reader (for tests).
    public var deferredCount: Int { state.withLock { $0.deferred.count } }
}

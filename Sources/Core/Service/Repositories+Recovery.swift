// Recovery after a crash: indexes brought up to date with the catalogue, leftovers of interrupted writes removed.
import Foundation

extension Repositories {
    /// Repairs what an unclean stop can leave. A package committed just before the crash is missing from its
    /// repository's indexes (the publish never ran), so every repository is published again; one that fails is
    /// logged and left to the publisher's retries rather than keeping the server from starting. Then fsck: a blob
    /// stored before its row was committed, index blobs of a generation never committed and unfinished S3 uploads
    /// are deleted when the store is this process's alone. A store other servers may write to (`mayBeShared`:
    /// S3) is only reported, because there an unreferenced blob may be another server's upload in flight; delete
    /// with `artifactfs fsck --delete-orphans` when none writes. Everything committed stays. Call before serving.
    public func recoverFromUncleanStop() throws -> FsckReport {
        for repository in try metadata.repositories() {
            do {
                try publishNow(repositoryID: repository.id)
            } catch {
                logger.error("republishing after an unclean stop failed; the publisher retries",
                             metadata: ["repo.name": "\(repository.name)", "error": "\(error)"])
                publisher.schedule(repository.id)
            }
        }
        return try fsck(deleteOrphans: !blobs.mayBeShared)
    }
}

// Recovery after a crash: indexes brought up to date with the catalogue, leftovers of interrupted writes removed.
import Foundation

extension Repositories {
    /// Repairs what an unclean stop can leave: a package committed just before the crash is missing from its
    /// repository's indexes (the publish never ran), so every repository is published again; a blob stored
    /// before its row was committed, index blobs of a generation never committed and unfinished S3 uploads are
    /// deleted (fsck with `deleteOrphans`). Everything committed stays. Call before serving: no ingest may run.
    public func recoverFromUncleanStop() throws -> FsckReport {
        for repository in try metadata.repositories() {
            try publishNow(repositoryID: repository.id)
        }
        return try fsck(deleteOrphans: true)
    }
}

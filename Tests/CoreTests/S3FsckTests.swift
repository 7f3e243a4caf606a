// fsck on an S3 store: unreferenced objects and unfinished multipart uploads are found, and removed on request.
@testable import Core
import CoreTesting
import Foundation
import Logging
import Testing

@Suite struct S3FsckTests {
    // Goal: an orphan object and an abandoned multipart upload make fsck unclean; --delete-orphans clears both.
    @Test func findsOrphansAndUnfinishedUploads() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            defer { withExtendedLifetime(lease) {} }
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch, prefix: "fsck")
            let repositories = Repositories(metadata: try SQLiteMetadataStore(), blobs: store,
                                            spool: try Spool(directory: scratch.file("spool")),
                                            providers: [TarballProvider()], logger: Logger(label: "test"))
            let target = try repositories.dropTarget(.tar, RepositoryName("r"), directory: [], create: true)
            let kept = try repositories.ingest(try Fixtures.stage(try Fixtures.archive("z"), in: repositories.spool),
                                               into: target, filename: "kept-1.0.tar.gz")
            #expect(try repositories.fsck(verify: true).isClean)

            let orphan = try store.put(Array("no row points here".utf8))
            _ = try S3Fixture.curl(store.location, "POST", key: "fsck/sha256/ab/cd/unfinished", query: "?uploads=")
            let dirty = try repositories.fsck()
            #expect(!dirty.isClean && dirty.orphans == [orphan] && dirty.incompleteUploads == 1)
            let repaired = try repositories.fsck(deleteOrphans: true)
            #expect(repaired.orphansDeleted == 1 && repaired.uploadsAborted == 1 && repaired.isClean)
            #expect(try store.incompleteUploads().isEmpty)
            #expect(try store.contains(kept.package.digests.sha256))
            #expect(try repositories.fsck().isClean)
        }
    }
}

// fsck: missing, unreferenced and corrupt blobs found in both directions; orphans deleted only when asked.
@testable import Core
import CoreTesting
import Foundation
import Testing

@Suite struct FsckTests {
    // Goal: a clean store reports clean; each kind of damage is found and named; only orphans are repaired.
    @Test func findsEveryKindOfDamage() throws {
        let scratch = ScratchDirectory()
        let blobs = InMemoryBlobStore()
        let repositories = try Fixtures.repositories(scratch, blobs: blobs)
        let target = try repositories.dropTarget(.tar, RepositoryName("r"), directory: [], create: true)
        var digests: [String: SHA256Digest] = [:]
        for name in ["a-1.0.tar.gz", "b-1.0.tar.gz", "c-1.0.tar.gz"] {
            let bytes = try Fixtures.archive("z", files: ["\(name).txt": name])
            let outcome = try repositories.ingest(try Fixtures.stage(bytes, in: repositories.spool), into: target, filename: name)
            digests[name] = outcome.package.digests.sha256
        }
        try repositories.publishNow(repositoryID: target.repository.id)
        let clean = try repositories.fsck(verify: true)
        #expect(clean.isClean && clean.missing.isEmpty && clean.orphans.isEmpty && clean.corrupt.isEmpty)
        #expect(clean.referenced == clean.stored && clean.referenced >= 4)

        let orphan = try blobs.put(Array("left behind by a crash".utf8))
        try blobs.delete(digests["a-1.0.tar.gz"]!)
        blobs.corrupt(digests["b-1.0.tar.gz"]!, with: Array("not what was stored".utf8))
        let damaged = try repositories.fsck(verify: true)
        #expect(!damaged.isClean)
        #expect(damaged.missing == [FsckReport.Missing(digest: digests["a-1.0.tar.gz"]!, usedBy: ["tar/r/a-1.0.tar.gz"])])
        #expect(damaged.orphans == [orphan])
        #expect(damaged.corrupt == [digests["b-1.0.tar.gz"]!])
        #expect(try repositories.fsck().corrupt.isEmpty, "without verify nothing is read")

        let repaired = try repositories.fsck(deleteOrphans: true)
        #expect(repaired.orphansDeleted == 1)
        #expect(try !blobs.contains(orphan))
        #expect(try blobs.contains(digests["c-1.0.tar.gz"]!), "referenced blobs are never deleted")
        #expect(try repositories.fsck().orphans.isEmpty)
    }

    // Goal: a blob an ingest holds in flight is not deleted as an orphan even if the catalogue does not know it yet.
    @Test func inFlightBlobsSurviveRepair() throws {
        let scratch = ScratchDirectory()
        let blobs = InMemoryBlobStore()
        let repositories = try Fixtures.repositories(scratch, blobs: blobs)
        let pending = try blobs.put(Array("being ingested".utf8))
        let report = try repositories.deletionGuard.referencing(pending) { try repositories.fsck(deleteOrphans: true) }
        #expect(report.orphans == [pending] && report.orphansDeleted == 0)
        #expect(try blobs.contains(pending))
    }

    // Goal: recovery after a crash deletes leftovers of a store this process owns, but only reports them in a store
    // other servers may write to (there an unreferenced blob may be another server's upload in flight).
    @Test(arguments: [false, true])
    func recoveryDeletesOrphansOnlyWhenTheStoreIsOurs(shared: Bool) throws {
        let scratch = ScratchDirectory()
        let blobs = InMemoryBlobStore(mayBeShared: shared)
        let repositories = try Fixtures.repositories(scratch, blobs: blobs)
        let target = try repositories.dropTarget(.tar, RepositoryName("r"), directory: [], create: true)
        _ = try repositories.ingest(try Fixtures.stage(try Fixtures.archive("z"), in: repositories.spool), into: target, filename: "a-1.0.tar.gz")
        let orphan = try blobs.put(Array("stored, never committed".utf8))
        let report = try repositories.recoverFromUncleanStop()
        #expect(report.orphans == [orphan])
        #expect(report.orphansDeleted == (shared ? 0 : 1))
        #expect(try blobs.contains(orphan) == shared)
        let sums = try #require(try repositories.tree.resolve(["tar", "r", "SHA256SUMS"]))
        #expect(String(decoding: try repositories.tree.open(sums).readAll(), as: UTF8.self).contains("a-1.0.tar.gz"))
    }
}

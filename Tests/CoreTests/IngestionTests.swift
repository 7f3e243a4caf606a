// The ingestion pipeline end to end over real archives: what is stored, what is refused, what is published.
import Core
import CoreTesting
import Foundation
import Testing

@Suite struct IngestionTests {
    static let formats: [(String, String)] = [
        ("z", "tool-1.0.tar.gz"), ("z", "tool-1.0.tgz"), ("J", "tool-1.0.tar.xz"), ("j", "tool-1.0.tar.bz2"),
        ("--zstd", "tool-1.0.tar.zst"), ("zip", "tool-1.0.zip"),
    ]

    func ingest(_ repositories: Repositories, _ bytes: [UInt8], as name: String, repo: String = "r",
                declared: DeclaredIdentity? = nil) throws -> IngestOutcome {
        let target = try repositories.dropTarget(.tar, RepositoryName(repo), directory: [], create: true)
        let staged = try Fixtures.stage(bytes, in: repositories.spool)
        return try repositories.ingest(staged, into: target, filename: name, declared: declared)
    }

    func sums(_ repositories: Repositories, repo: String = "r") throws -> String {
        let entry = try #require(try repositories.tree.resolve(["tar", repo, "SHA256SUMS"]))
        let reader = try repositories.tree.open(entry)
        defer { reader.close() }
        return String(decoding: try reader.readAll(), as: UTF8.self)
    }

    // Goal: every accepted format is read, stored, listed in the tree and in SHA256SUMS.
    @Test(arguments: formats)
    func acceptsEachFormat(flag: String, filename: String) throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let bytes = try Fixtures.archive(flag)
        let outcome = try ingest(repositories, bytes, as: filename)
        #expect(outcome.created)
        #expect(outcome.package.name.rawValue == "tool" && outcome.package.version.rawValue == "1.0")
        #expect(outcome.package.digests.sha256 == SHA256Digest(of: bytes))
        try repositories.publishNow(repositoryID: outcome.package.repositoryID)
        #expect(try sums(repositories) == "\(SHA256Digest(of: bytes).hex)  \(filename)\n")
        let file = try #require(try repositories.tree.resolve(["tar", "r", filename]))
        #expect(file.kind == .package && file.size == Int64(bytes.count))
        #expect(repositories.spool.stagedBytes == 0)
    }

    static func badInputs() throws -> [(String, [UInt8], String)] {
        let good = try Fixtures.archive("z")
        return [
            ("text named like a tarball", Array("just some text\n".utf8), "x-1.0.tar.gz"),
            ("truncated archive", Array(good.prefix(good.count / 2)), "x-1.0.tar.gz"),
            ("empty file", [], "x-1.0.tar.gz"),
            ("xz content named .tar.gz", try Fixtures.archive("J"), "x-1.0.tar.gz"),
            ("gzip tar named .zip", good, "x-1.0.zip"),
            ("zip named .tar.gz", try Fixtures.archive("zip"), "x-1.0.tar.gz"),
            ("archive with no entries", try emptyTarGz(), "x-1.0.tar.gz"),
        ]
    }

    /// A gzip of an empty tar (two zero blocks).
    static func emptyTarGz() throws -> [UInt8] {
        let scratch = ScratchDirectory()
        try Data(count: 1024).write(to: URL(fileURLWithPath: scratch.file("empty.tar")))
        try Fixtures.run("/usr/bin/gzip", ["-n", scratch.file("empty.tar")])
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.file("empty.tar.gz"))))
    }

    // Goal: bad files are refused as invalid packages and leave nothing behind: no row, no blob, no spool file.
    @Test func refusesBadInput() throws {
        for (label, bytes, name) in try Self.badInputs() {
            let scratch = ScratchDirectory()
            let blobs = InMemoryBlobStore()
            let repositories = try Fixtures.repositories(scratch, blobs: blobs)
            _ = try repositories.dropTarget(.tar, RepositoryName("r"), directory: [], create: true)
            let blobsBefore = try blobs.allDigests()
            do {
                _ = try ingest(repositories, bytes, as: name)
                Issue.record("\(label): accepted")
            } catch let error as ArtifactError {
                guard case .invalidPackage(let file, let reason) = error else { Issue.record("\(label): \(error)"); continue }
                #expect(file == name, "\(label)")
                #expect(!reason.isEmpty, "\(label)")
            }
            let repo = try #require(try repositories.repository(.tar, RepositoryName("r")))
            #expect(try repositories.metadata.packages(repository: repo.id).isEmpty, "\(label)")
            #expect(try blobs.allDigests() == blobsBefore, "\(label)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("spool")).isEmpty, "\(label)")
        }
    }

    // Goal: names that break the rules are refused before anything is read.
    @Test(arguments: ["../x-1.0.tar.gz", ".x-1.0.tar.gz", "noversion.tar.gz", "x-1.0.rar", "a\u{1}-1.0.tar.gz"])
    func refusesBadNames(name: String) throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        #expect(throws: ArtifactError.self) { try ingest(repositories, try Fixtures.archive("z"), as: name) }
    }

    // Goal: the reserved index name cannot be uploaded over.
    @Test func refusesReservedName() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        #expect(throws: ArtifactError.readOnly("SHA256SUMS")) { try ingest(repositories, try Fixtures.archive("z"), as: "SHA256SUMS") }
    }

    // Goal: re-uploading the same bytes is a no-op; different bytes under the name are a conflict.
    @Test func overwritePolicy() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let first = try Fixtures.archive("z", files: ["a": "1"])
        let second = try Fixtures.archive("z", files: ["a": "2"])
        let stored = try ingest(repositories, first, as: "tool-1.0.tar.gz")
        let again = try ingest(repositories, first, as: "tool-1.0.tar.gz")
        #expect(!again.created && again.package.id == stored.package.id)
        #expect(throws: ArtifactError.self) { try ingest(repositories, second, as: "tool-1.0.tar.gz") }
        #expect(try repositories.metadata.packages(repository: stored.package.repositoryID).map(\.digests.sha256) == [SHA256Digest(of: first)])
    }

    // Goal: declared name/version (the older /addpkg) must agree with the filename, or stand in when it has none.
    @Test func declaredIdentity() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let bytes = try Fixtures.archive("z")
        #expect(throws: ArtifactError.self) {
            try ingest(repositories, bytes, as: "cpython-3.8.0b1.tar.gz", declared: DeclaredIdentity(name: "cpython", version: "3.9"))
        }
        let ok = try ingest(repositories, bytes, as: "cpython-3.8.0b1.tar.gz", declared: DeclaredIdentity(name: "cpython", version: "3.8.0b1"))
        #expect(ok.package.version.rawValue == "3.8.0b1")
        let bare = try ingest(repositories, bytes, as: "snapshot.tar.gz", declared: DeclaredIdentity(name: "snap", version: "2024.1"))
        #expect(bare.package.name.rawValue == "snap" && bare.package.filename.rawValue == "snapshot.tar.gz")
    }

    // Goal: a blob store failure fails the ingest with storageUnavailable and records nothing.
    @Test func backendFailureRecordsNothing() throws {
        let scratch = ScratchDirectory()
        let blobs = InMemoryBlobStore()
        let repositories = try Fixtures.repositories(scratch, blobs: blobs)
        _ = try repositories.dropTarget(.tar, RepositoryName("r"), directory: [], create: true)
        blobs.failWrites = true
        do {
            _ = try ingest(repositories, try Fixtures.archive("z"), as: "tool-1.0.tar.gz")
            Issue.record("accepted while the blob store was down")
        } catch let error as ArtifactError {
            guard case .storageUnavailable = error else { Issue.record("\(error)"); return }
        }
        blobs.failWrites = false
        let repo = try #require(try repositories.repository(.tar, RepositoryName("r")))
        #expect(try repositories.metadata.packages(repository: repo.id).isEmpty)
        #expect(try repositories.tree.resolve(["tar", "r", "tool-1.0.tar.gz"]) == nil)
        // The same upload succeeds once the store is back.
        #expect(try ingest(repositories, try Fixtures.archive("z"), as: "tool-1.0.tar.gz").created)
    }

    // Goal: a burst of ingests becomes far fewer publishes, and the last one lists every package.
    @Test func burstIsDebouncedAndVisibleWithinOneSecond() async throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let archives = try (0..<20).map { try Fixtures.archive("z", files: ["f": "\($0)"]) }
        var last: IngestOutcome?
        let clock = ContinuousClock()
        let started = clock.now
        for (i, bytes) in archives.enumerated() {
            last = try ingest(repositories, bytes, as: "tool-1.\(i).tar.gz")
        }
        let burst = clock.now - started
        let outcome = try #require(last)
        // Generous bound: the whole suite runs in parallel on two cores, beside a Ceph cluster starting for the S3
        // tests (CI once took over 10 s here). PublisherTests checks the schedule itself; the mount tests check
        // the 1 s promise on the publish's own time.
        let published = await repositories.publisher.waitUntilPublished(outcome.package.repositoryID, ticket: outcome.publishTicket,
                                                                         timeout: .seconds(40))
        #expect(published)
        #expect(try sums(repositories).split(separator: "\n").count == 20)
        let repo = try #require(try repositories.repository(.tar, RepositoryName("r")))
        let generation = try #require(try repositories.metadata.currentGeneration(repositoryID: repo.id))
        // One generation at creation, then at most one publish per 100 ms (the fixture's longest delay) while the
        // burst lasted, plus the last: a handful when the burst is quick, and never one per ingest. (On 2 cores
        // beside the Ceph start of the S3 tests a burst took seconds, so a fixed bound was timing, not debouncing.)
        // Publishes slowed by a loaded machine also run on after the burst, a window each: hence the margin of 6,
        // still well under one generation per ingest (21).
        let windows = Int((burst / .milliseconds(100)).rounded(.up))
        #expect(generation.id <= Int64(min(windows + 6, 15)), "\(generation.id) generations for a burst of \(burst)")
    }

    // Goal: deleting a package republishes without it and removes its blob once nothing references it.
    @Test func deleteRepublishesAndFreesBlob() throws {
        let scratch = ScratchDirectory()
        let blobs = InMemoryBlobStore()
        let repositories = try Fixtures.repositories(scratch, blobs: blobs)
        let bytes = try Fixtures.archive("z")
        let outcome = try ingest(repositories, bytes, as: "tool-1.0.tar.gz")
        try repositories.deletePackage(id: outcome.package.id)
        try repositories.publishNow(repositoryID: outcome.package.repositoryID)
        #expect(try sums(repositories) == "")
        #expect(try !blobs.contains(SHA256Digest(of: bytes)))
        #expect(try repositories.tree.resolve(["tar", "r", "tool-1.0.tar.gz"]) == nil)
    }

    // Goal: non-drop directories and missing repositories are refused with their own errors.
    @Test func targets() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        #expect(throws: ArtifactError.self) { try repositories.dropTarget(.pypi, RepositoryName("a"), directory: ["sub"], create: true) }
        #expect(throws: ArtifactError.self) { try repositories.dropTarget(.apt, RepositoryName("a"), directory: [], create: true) }
        #expect(throws: ArtifactError.self) { try repositories.dropTarget(.tar, RepositoryName("r"), directory: ["sub"], create: true) }
        #expect(throws: ArtifactError.notFound("repository tar/missing")) {
            try repositories.dropTarget(.tar, RepositoryName("missing"), directory: [], create: false)
        }
        try repositories.createRepository(.tar, RepositoryName("full"))
        _ = try ingest(repositories, try Fixtures.archive("z"), as: "tool-1.0.tar.gz", repo: "full")
        #expect(throws: ArtifactError.notEmpty("repository tar/full")) { try repositories.deleteRepository(.tar, RepositoryName("full")) }
        try repositories.deleteRepository(.tar, RepositoryName("full"), force: true)
        #expect(try repositories.repository(.tar, RepositoryName("full")) == nil)
    }

    // Goal: a zip bomb (tiny file, huge expansion) is refused, not unpacked.
    @Test func refusesBomb() throws {
        let scratch = ScratchDirectory()
        var provider = TarballProvider()
        provider.expansionFloorBytes = 1 << 20
        provider.expansionRatioMax = 10
        let repositories = Repositories(metadata: try SQLiteMetadataStore(), blobs: InMemoryBlobStore(),
                                        spool: try Spool(directory: scratch.file("spool")), providers: [provider], logger: .init(label: "t"))
        let bomb = try Fixtures.archive("z", files: ["zeros": String(repeating: "0", count: 8 << 20)])
        #expect(bomb.count < 100_000)
        do {
            _ = try ingest(repositories, bomb, as: "bomb-1.0.tar.gz")
            Issue.record("bomb accepted")
        } catch let error as ArtifactError {
            #expect(error.description.contains("decompresses to more than"))
        }
    }

    // Goal: a package deleted while a reader has it open stays readable through that reader, whole and verified,
    // and its blob is deleted once the reader closes (not left behind as an orphan).
    @Test func openReaderKeepsDeletedBlobUntilClosed() throws {
        let scratch = ScratchDirectory()
        let blobs = InMemoryBlobStore()
        let repositories = try Fixtures.repositories(scratch, blobs: blobs)
        let bytes = try Fixtures.archive("z")
        let outcome = try ingest(repositories, bytes, as: "tool-1.0.tar.gz")
        let entry = try #require(try repositories.tree.resolve(["tar", "r", "tool-1.0.tar.gz"]))
        let reader = try repositories.tree.open(entry)
        let second = try repositories.tree.open(entry)
        let head = try reader.read(at: 0, count: 10)
        try repositories.deletePackage(id: outcome.package.id)
        #expect(try repositories.tree.resolve(["tar", "r", "tool-1.0.tar.gz"]) == nil)
        #expect(try blobs.contains(outcome.package.digests.sha256), "deleted under an open reader")
        #expect(head + (try reader.read(at: 10, count: bytes.count)) == bytes)
        reader.close()
        #expect(try blobs.contains(outcome.package.digests.sha256), "deleted while a second reader is open")
        second.close()
        second.close()
        #expect(try !blobs.contains(outcome.package.digests.sha256), "left behind after the last reader closed")
    }
}

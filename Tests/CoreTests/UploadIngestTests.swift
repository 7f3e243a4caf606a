// Uploads into repositories that do not exist yet: created only for a valid file, taken back when the ingest fails.
@testable import Core
import CoreTesting
import Foundation
import Logging
import Testing

/// An in-memory blob store whose `adopt` fails: a storage failure after validation passed.
final class AdoptFailingBlobStore: BlobStore {
    let base = InMemoryBlobStore()
    func put(_ bytes: [UInt8]) throws -> SHA256Digest { try base.put(bytes) }
    func adopt(_ staged: StagedFile) throws -> FileDigests { throw BlobStoreError.backend("injected adopt failure") }
    func open(_ digest: SHA256Digest) throws -> any BlobReader { try base.open(digest) }
    func contains(_ digest: SHA256Digest) throws -> Bool { try base.contains(digest) }
    func delete(_ digest: SHA256Digest) throws { try base.delete(digest) }
    func allDigests() throws -> [SHA256Digest] { try base.allDigests() }
}

@Suite struct UploadIngestTests {
    static func repositories(_ scratch: ScratchDirectory, blobs: any BlobStore) throws -> Repositories {
        Repositories(metadata: try SQLiteMetadataStore(), blobs: blobs, spool: try Spool(directory: scratch.file("spool")),
                     providers: [TarballProvider(), AptProvider(keys: FakeKeyStore()), PyPIProvider()], logger: Logger(label: "test"))
    }

    static func names(_ repositories: Repositories) throws -> [String] {
        try repositories.metadata.repositories().map { "\($0.provider)/\($0.name)" }
    }

    // Goal: an invalid file, a bad name or a generated file's name into a repository or directory that does not exist
    // creates neither; the staged file is gone.
    @Test func refusedUploadsCreateNothing() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let cases: [(ProviderKind, [String], String, [UInt8])] = [
            (.tar, [], "x-1.0.tar.gz", Array("text".utf8)),
            (.apt, ["pool", "stable", "main"], "x_1.0_amd64.deb", Array("!<arch>\nnot a deb".utf8)),
            (.pypi, [], "demo-1.0-py3-none-any.whl", try Fixtures.archive("zip")),
            (.tar, [], ".hidden-1.0.tar.gz", try Fixtures.archive("z")),
            (.tar, [], "SHA256SUMS", try Fixtures.archive("z")),
        ]
        for (kind, directory, filename, bytes) in cases {
            let staged = try Fixtures.stage(bytes, in: repositories.spool)
            #expect(throws: ArtifactError.self, "\(kind) \(filename)") {
                _ = try repositories.ingestUpload(staged, into: kind, RepositoryName("new"), directory: directory, filename: filename,
                                                  declared: nil)
            }
        }
        #expect(try Self.names(repositories).isEmpty)
        #expect(repositories.spool.stagedBytes == 0)
    }

    // Goal: a valid file creates the repository and its directories, and lands in them.
    @Test func validUploadCreatesWhatIsMissing() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        let bytes = try Fixtures.archive("z")
        let staged = try Fixtures.stage(bytes, in: repositories.spool)
        let (outcome, target) = try repositories.ingestUpload(staged, into: .tar, RepositoryName("fresh"), directory: [],
                                                              filename: "tool-1.0.tar.gz", declared: nil)
        #expect(outcome.created && target.repository.name.rawValue == "fresh")
        #expect(try Self.names(repositories) == ["tar/fresh"])
        let again = try Fixtures.stage(bytes, in: repositories.spool)
        let (second, _) = try repositories.ingestUpload(again, into: .tar, RepositoryName("fresh"), directory: [],
                                                        filename: "tool-1.0.tar.gz", declared: nil)
        #expect(!second.created)
    }

    // Goal: when the ingest fails after the repository was created for it (storage), the repository is deleted again,
    // unless another upload is at work on it.
    @Test func failureAfterCreationTakesTheRepositoryBack() throws {
        let scratch = ScratchDirectory()
        let repositories = try Self.repositories(scratch, blobs: AdoptFailingBlobStore())
        let bytes = try Fixtures.archive("z")
        #expect(throws: ArtifactError.self) {
            _ = try repositories.ingestUpload(try Fixtures.stage(bytes, in: repositories.spool), into: .tar, RepositoryName("gone"),
                                              directory: [], filename: "tool-1.0.tar.gz", declared: nil)
        }
        #expect(try Self.names(repositories).isEmpty)

        let key = RepositoryKey(.tar, try RepositoryName("shared"))
        repositories.uploadClaims.claim(key)  // another upload into the same new repository is under way
        defer { repositories.uploadClaims.release(key) }
        #expect(throws: ArtifactError.self) {
            _ = try repositories.ingestUpload(try Fixtures.stage(bytes, in: repositories.spool), into: .tar, RepositoryName("shared"),
                                              directory: [], filename: "tool-1.0.tar.gz", declared: nil)
        }
        #expect(try Self.names(repositories) == ["tar/shared"])
        #expect(repositories.spool.stagedBytes == 0)
    }

    // Goal: an upload's check before reading the body refuses what the ingest would, creating nothing.
    @Test func targetCheck() throws {
        let scratch = ScratchDirectory()
        let repositories = try Fixtures.repositories(scratch)
        #expect(throws: ArtifactError.self) { try repositories.checkUploadTarget(.apt, directory: ["pool", "stable"]) }
        #expect(throws: ArtifactError.self) { try repositories.checkUploadTarget(.apt, directory: ["dists", "stable", "main"]) }
        #expect(throws: ArtifactError.self) { try repositories.checkUploadTarget(.tar, directory: [], filename: "SHA256SUMS") }
        #expect(throws: ArtifactError.self) { try repositories.checkUploadTarget(.tar, directory: [], filename: "a/b") }
        try repositories.checkUploadTarget(.apt, directory: ["pool", "stable", "main"], filename: "x_1.0_amd64.deb")
        try repositories.checkUploadTarget(.tar, directory: [], filename: "x-1.0.tar.gz")
        #expect(try Self.names(repositories).isEmpty)
    }
}

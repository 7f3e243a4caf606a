// Upgrade: a catalogue written at the previous schema version opens with the current store, keeps its rows and serves them.
@testable import Core
import CoreTesting
import Foundation
import GRDB
import Testing

struct CatalogueUpgradeTests {
    /// The newest migration of the previous release; the test builds a catalogue that stops there.
    static let previousMigration = "v3-package-sidecars"

    // Goal: opening a previous-schema catalogue runs the remaining migrations, keeps repositories and packages
    // (ids included), and the repository publishes and serves the package's bytes afterwards.
    @Test func previousSchemaUpgradesAndServes() throws {
        let scratch = ScratchDirectory()
        let blobs = try LocalBlobStore(root: scratch.file("blobs"))
        let tarball = try Fixtures.archive("z", files: ["hello.txt": "upgraded\n"])
        let digest = try blobs.put(tarball)
        let path = scratch.file("catalogue.sqlite")
        let (repositoryID, packageID) = try Self.writePreviousCatalogue(path: path, digest: digest, size: tarball.count)

        let store = try SQLiteMetadataStore(path: path)
        let repository = try #require(try store.repository(provider: .tar, name: RepositoryName("legacy")))
        #expect(repository.id == repositoryID && repository.allowOverwrite && !repository.isPrivate)
        let package = try #require(try store.packages(repository: repositoryID).first)
        #expect(package.id == packageID && package.filename.rawValue == "tool-1.0.tar.gz" && package.digests.sha256 == digest)
        #expect(try store.tokens().isEmpty, "the newer tables exist and are empty")

        let repositories = Repositories(metadata: store, blobs: blobs, spool: try Spool(directory: scratch.file("spool")),
                                        providers: [TarballProvider()], logger: .init(label: "upgrade"))
        try repositories.publishNow(repositoryID: repositoryID)
        let tree = RepositoryTree(metadata: store, blobs: blobs)
        let sums = try #require(try tree.resolve(["tar", "legacy", "SHA256SUMS"]))
        #expect(String(decoding: try tree.open(sums).readAll(), as: UTF8.self) == "\(digest.hex)  tool-1.0.tar.gz\n")
        let file = try #require(try tree.resolve(["tar", "legacy", "tool-1.0.tar.gz"]))
        #expect(try tree.open(file).readAll() == tarball)
    }

    // Goal: a file name stored before a rule tightened (a bidirectional control, refused since) still reads, lists
    // and serves: reading a catalogue row never re-validates it into a trap.
    @Test func namesStoredUnderOlderRulesStillRead() throws {
        let scratch = ScratchDirectory()
        let blobs = try LocalBlobStore(root: scratch.file("blobs"))
        let tarball = try Fixtures.archive("z")
        let digest = try blobs.put(tarball)
        let path = scratch.file("catalogue.sqlite")
        let name = "tool\u{202E}zg.rat-1.0.tar.gz"
        #expect(throws: IdentifierError.self) { try Filename(name) }
        let (repositoryID, _) = try Self.writePreviousCatalogue(path: path, digest: digest, size: tarball.count, filename: name)
        let store = try SQLiteMetadataStore(path: path)
        let package = try #require(try store.packages(repository: repositoryID).first)
        #expect(package.filename.rawValue == name)
        let tree = RepositoryTree(metadata: store, blobs: blobs)
        let file = try #require(try tree.resolve(["tar", "legacy", name]))
        #expect(try tree.open(file).readAll() == tarball)
    }

    /// Migrates a new file up to `previousMigration` only and fills it the way that release did: a tar
    /// repository (overwrite allowed) holding one package. Returns the repository's and the package's node ids.
    static func writePreviousCatalogue(path: String, digest: SHA256Digest, size: Int,
                                       filename: String = "tool-1.0.tar.gz") throws -> (NodeID, NodeID) {
        let queue = try DatabaseQueue(path: path)
        try SQLiteMetadataStore.migrator.migrate(queue, upTo: previousMigration)
        let applied = try queue.read { try SQLiteMetadataStore.migrator.appliedIdentifiers($0) }
        #expect(!applied.contains("v4-access-tokens-private"), "the catalogue really is at the previous version")
        return try queue.write { db in
            let now = Date().timeIntervalSince1970
            try db.execute(sql: "INSERT INTO nodes (parent_id, name, kind, created_at) VALUES (4, 'legacy', 'repository', ?)", arguments: [now])
            let repositoryID = db.lastInsertedRowID
            try db.execute(sql: "UPDATE nodes SET repository_id = id WHERE id = ?", arguments: [repositoryID])
            try db.execute(sql: "INSERT INTO repositories (id, provider, name, allow_overwrite, created_at) VALUES (?, 'tar', 'legacy', 1, ?)",
                           arguments: [repositoryID, now])
            try db.execute(sql: "INSERT INTO blobs (digest, size) VALUES (?, ?)", arguments: [digest.hex, size])
            try db.execute(sql: "INSERT INTO nodes (parent_id, name, kind, repository_id, created_at) VALUES (?, ?, 'package', ?, ?)",
                           arguments: [repositoryID, filename, repositoryID, now])
            let packageID = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO packages (id, repository_id, directory_id, location, filename, name, version, blob_digest, size,
                                      attributes, uploaded_at, modified_at, identity)
                VALUES (?, ?, ?, '', ?, 'tool', '1.0', ?, ?, '{}', ?, ?, NULL)
                """, arguments: [packageID, repositoryID, repositoryID, filename, digest.hex, size, now, now])
            return (repositoryID, packageID)
        }
    }
}

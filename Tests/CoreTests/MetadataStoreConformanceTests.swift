// One conformance suite for MetadataStore implementations: SQLite on disk (WAL) and SQLite in memory.
import Core
import CoreTesting
import Foundation
import Testing

struct MetadataSubject: CustomTestStringConvertible, Sendable {
    let name: String
    let make: @Sendable (ScratchDirectory) throws -> any MetadataStore
    var testDescription: String { name }

    static let all: [MetadataSubject] = [
        MetadataSubject(name: "SQLite file") { try SQLiteMetadataStore(path: $0.file("catalogue.sqlite")) },
        MetadataSubject(name: "SQLite memory") { _ in try SQLiteMetadataStore() },
    ]
}

@Suite struct MetadataStoreConformanceTests {
    static func newPackage(_ repo: RepositoryRecord, _ filename: String, bytes: String) throws -> NewPackage {
        NewPackage(repositoryID: repo.id, directoryID: repo.id, location: [], filename: try Filename(filename),
                   name: try PackageName("tool"), version: try PackageVersion("1.0"),
                   digests: FileDigests(size: Int64(bytes.utf8.count), sha256: SHA256Digest(of: Array(bytes.utf8))),
                   attributes: ["format": "tar.gz"], uploadedAt: Date())
    }

    // Goal: repositories are unique per provider and appear as directories of the tree.
    @Test(arguments: MetadataSubject.all)
    func repositories(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        #expect(throws: ArtifactError.alreadyExists("repository tar/r")) {
            try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        }
        _ = try store.createRepository(provider: .pypi, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        #expect(try store.repositories().map { "\($0.provider)/\($0.name)" } == ["pypi/r", "tar/r"])
        let entry = try #require(try store.child(of: WellKnownNode.provider(.tar), named: "r", includeHidden: false))
        #expect(entry.id == repo.id && entry.kind == .repository)
    }

    // Goal: same name + same bytes is unchanged, different bytes conflict, overwrite gives a new node id.
    @Test(arguments: MetadataSubject.all)
    func overwritePolicy(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        guard case .inserted(let first, nil) = try store.insertPackage(Self.newPackage(repo, "tool-1.0.tar.gz", bytes: "a"), overwrite: false) else {
            Issue.record("expected an insert"); return
        }
        #expect(try store.insertPackage(Self.newPackage(repo, "tool-1.0.tar.gz", bytes: "a"), overwrite: false) == .unchanged(first))
        #expect(throws: ArtifactError.self) { try store.insertPackage(Self.newPackage(repo, "tool-1.0.tar.gz", bytes: "b"), overwrite: false) }
        guard case .inserted(let second, let replaced) = try store.insertPackage(Self.newPackage(repo, "tool-1.0.tar.gz", bytes: "b"), overwrite: true) else {
            Issue.record("expected an overwrite"); return
        }
        #expect(replaced?.id == first.id)
        #expect(second.id > first.id)
        #expect(try store.referencedDigests() == [SHA256Digest(of: Array("b".utf8))])
    }

    // Goal: node ids are never reused, even after the newest row is deleted.
    @Test(arguments: MetadataSubject.all)
    func idsNeverReused(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        guard case .inserted(let package, _) = try store.insertPackage(Self.newPackage(repo, "a-1.tar.gz", bytes: "a"), overwrite: false) else { return }
        let (deleted, orphan) = try store.deletePackage(id: package.id)
        #expect(deleted.id == package.id)
        #expect(orphan == [SHA256Digest(of: Array("a".utf8))])
        guard case .inserted(let again, _) = try store.insertPackage(Self.newPackage(repo, "a-1.tar.gz", bytes: "a"), overwrite: false) else { return }
        #expect(again.id > package.id)
        _ = try store.deleteRepository(id: repo.id)
        let recreated = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        #expect(recreated.id > again.id)
    }

    // Goal: listings page by id with no duplicates or gaps, and hidden/stale generated files stay unlisted.
    @Test(arguments: MetadataSubject.all)
    func listingAndGenerations(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        for i in 0..<25 { _ = try store.insertPackage(Self.newPackage(repo, "p\(i)-1.tar.gz", bytes: "\(i)"), overwrite: false) }
        let digest = SHA256Digest(of: Array("index".utf8))
        _ = try store.publish(repositoryID: repo.id, files: [
            GeneratedFileSpec(path: ["SHA256SUMS"], digest: digest, size: 5),
            GeneratedFileSpec(path: ["simple", "x", "index.html"], digest: digest, size: 5),
            GeneratedFileSpec(path: ["secret.metadata"], digest: digest, size: 5, hidden: true),
        ], at: Date(), keepGenerations: 2)
        var names: [String] = []
        var after: NodeID = 0
        while true {
            let page = try store.children(of: repo.id, after: after, limit: 7)
            guard let last = page.last else { break }
            names += page.map(\.name)
            after = last.id
        }
        #expect(names.count == 27)
        #expect(Set(names).count == 27)
        #expect(names.contains("SHA256SUMS") && names.contains("simple") && !names.contains("secret.metadata"))
        #expect(try store.child(of: repo.id, named: "secret.metadata", includeHidden: true)?.kind == .generatedFile)
        #expect(try store.child(of: repo.id, named: "secret.metadata", includeHidden: false) == nil)
        let sums = try #require(try store.child(of: repo.id, named: "SHA256SUMS", includeHidden: false))

        // A new generation without `simple/`: the directory disappears, SHA256SUMS keeps its node id.
        let (_, orphans) = try store.publish(repositoryID: repo.id, files: [GeneratedFileSpec(path: ["SHA256SUMS"], digest: digest, size: 5)],
                                             at: Date(), keepGenerations: 2)
        #expect(orphans.isEmpty)
        #expect(try store.child(of: repo.id, named: "simple", includeHidden: true) == nil)
        #expect(try store.child(of: repo.id, named: "SHA256SUMS", includeHidden: false)?.id == sums.id)
    }

    // Goal: pruning old generations reports the index blobs nothing references any more.
    @Test(arguments: MetadataSubject.all)
    func pruningReportsOrphans(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        let old = SHA256Digest(of: Array("old".utf8)), new = SHA256Digest(of: Array("new".utf8))
        _ = try store.publish(repositoryID: repo.id, files: [GeneratedFileSpec(path: ["SHA256SUMS"], digest: old, size: 3)], at: Date(), keepGenerations: 1)
        let (generation, orphans) = try store.publish(repositoryID: repo.id, files: [GeneratedFileSpec(path: ["SHA256SUMS"], digest: new, size: 3)],
                                                      at: Date(), keepGenerations: 1)
        #expect(orphans == [old])
        #expect(try store.currentGeneration(repositoryID: repo.id) == generation)
        #expect(try store.referencedDigests() == [new])
        #expect(try store.isReferenced(new))
        #expect(try !store.isReferenced(old))
    }

    // Goal: a directory with packages cannot be removed; an empty one can.
    @Test(arguments: MetadataSubject.all)
    func removeDirectory(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .apt, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        let pool = try store.ensureDirectory(parent: repo.id, name: "pool", kind: .directory, repositoryID: repo.id, at: Date())
        #expect(try store.ensureDirectory(parent: repo.id, name: "pool", kind: .directory, repositoryID: repo.id, at: Date()).id == pool.id)
        let dist = try store.ensureDirectory(parent: pool.id, name: "stable", kind: .dropDirectory, repositoryID: repo.id, at: Date())
        #expect(throws: ArtifactError.notEmpty("directory")) { try store.removeDirectory(id: pool.id) }
        try store.removeDirectory(id: dist.id)
        try store.removeDirectory(id: pool.id)
        #expect(try store.entry(id: pool.id) == nil)
    }

    // Goal: the on-disk catalogue keeps ids and rows across a reopen, and records its migrations.
    @Test func reopenKeepsIds() throws {
        let scratch = ScratchDirectory()
        let path = scratch.file("catalogue.sqlite")
        let id: NodeID
        do {
            let store = try SQLiteMetadataStore(path: path)
            id = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date()).id
        }
        let reopened = try SQLiteMetadataStore(path: path)
        #expect(try reopened.repository(provider: .tar, name: RepositoryName("r"))?.id == id)
        #expect(try reopened.appliedMigrations() == ["v1-tree-packages-generations", "v2-package-identity", "v3-package-sidecars",
                                                     "v4-access-tokens-private"])
    }

    // Goal: a sidecar blob stays referenced while any package holds it and is orphaned with the last one.
    @Test(arguments: MetadataSubject.all)
    func sidecarsLiveWithTheirPackages(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .pypi, name: RepositoryName("r"), allowOverwrite: true, at: Date())
        let shared = SidecarBlob(name: "metadata", digest: SHA256Digest(of: Array("M".utf8)), size: 1)
        var first = try Self.newPackage(repo, "a-1.tar.gz", bytes: "a")
        first.sidecars = [shared]
        var second = try Self.newPackage(repo, "b-1.tar.gz", bytes: "b")
        second.sidecars = [shared]
        guard case .inserted(let a, _) = try store.insertPackage(first, overwrite: false),
              case .inserted(let b, _) = try store.insertPackage(second, overwrite: false) else { Issue.record("not inserted"); return }
        #expect(try store.isReferenced(shared.digest))
        #expect(try store.referencedDigests().contains(shared.digest))
        #expect(try store.deletePackage(id: a.id).orphaned == [SHA256Digest(of: Array("a".utf8))])
        #expect(try store.isReferenced(shared.digest))
        let (_, orphans) = try store.deletePackage(id: b.id)
        #expect(Set(orphans) == [SHA256Digest(of: Array("b".utf8)), shared.digest])
        #expect(try !store.isReferenced(shared.digest))
    }

    // Goal: attribute updates (a yank) change the row in place and can remove keys.
    @Test(arguments: MetadataSubject.all)
    func attributeUpdates(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repo = try store.createRepository(provider: .pypi, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        guard case .inserted(let package, _) = try store.insertPackage(Self.newPackage(repo, "a-1.tar.gz", bytes: "a"), overwrite: false) else { return }
        let yanked = try store.updatePackageAttributes(id: package.id, ["yanked": "broken"])
        #expect(yanked.attributes == ["format": "tar.gz", "yanked": "broken"])
        #expect(yanked.id == package.id)
        let restored = try store.updatePackageAttributes(id: package.id, ["yanked": nil])
        #expect(try store.package(id: package.id)?.attributes == ["format": "tar.gz"])
        #expect(restored.attributes == ["format": "tar.gz"])
        #expect(throws: ArtifactError.self) { try store.updatePackageAttributes(id: 999_999, ["x": "y"]) }
    }

    // Goal: every kind of write raises changeCount by the time it returns, and reads leave it alone.
    @Test(arguments: MetadataSubject.all)
    func changeCountFollowsWrites(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        var last = store.changeCount
        func expectBump(_ what: String, _ write: () throws -> Void) rethrows {
            try write()
            #expect(store.changeCount > last, "\(what) did not raise changeCount")
            last = store.changeCount
        }
        var repo: RepositoryRecord!
        try expectBump("createRepository") { repo = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date()) }
        var package: PackageRecord!
        try expectBump("insertPackage") {
            guard case .inserted(let inserted, _) = try store.insertPackage(Self.newPackage(repo, "a-1.tar.gz", bytes: "a"), overwrite: false) else { return }
            package = inserted
        }
        try expectBump("insertPackages") { _ = try store.insertPackages([Self.newPackage(repo, "b-2.tar.gz", bytes: "b")], overwrite: false) }
        try expectBump("updatePackageAttributes") { _ = try store.updatePackageAttributes(id: package.id, ["yanked": "x"]) }
        try expectBump("setPackageAttributes") { try store.setPackageAttributes(id: package.id, modified: Date(), mode: 0o600) }
        let digest = SHA256Digest(of: Array("sums".utf8))
        try expectBump("publish") {
            _ = try store.publish(repositoryID: repo.id, files: [GeneratedFileSpec(path: ["SHA256SUMS"], digest: digest, size: 4)],
                                  at: Date(), keepGenerations: 2)
        }
        var directory: TreeEntry!
        try expectBump("ensureDirectory") { directory = try store.ensureDirectory(parent: repo.id, name: "d", kind: .directory, repositoryID: repo.id, at: Date()) }
        try expectBump("removeDirectory") { try store.removeDirectory(id: directory.id) }
        try expectBump("deletePackage") { _ = try store.deletePackage(id: package.id) }
        _ = try store.child(of: repo.id, named: "SHA256SUMS", includeHidden: false)
        _ = try store.packages(repository: repo.id)
        _ = try store.referencedDigests()
        #expect(store.changeCount == last, "a read raised changeCount")
        try expectBump("setRepositoryPrivate") { _ = try store.setRepositoryPrivate(id: repo.id, true) }
        try expectBump("addToken") {
            _ = try store.addToken(name: TokenName("t"), secretDigest: SHA256Digest(of: Array("s".utf8)), scope: .allRepositories, at: Date())
        }
        _ = try store.tokens()
        #expect(store.changeCount == last, "reading tokens raised changeCount")
        try expectBump("removeToken") { try store.removeToken(name: TokenName("t")) }
        try expectBump("deleteRepository") { _ = try store.deleteRepository(id: repo.id) }
    }

    // Goal: a token row keeps the digest of its secret (never the secret) and its scope; names and digests are
    // unique; removing a token removes it, and removing one that is not there says so.
    @Test(arguments: MetadataSubject.all)
    func tokens(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let secret = "afs_example-secret"
        let digest = AccessToken.digest(of: secret)
        let scope = TokenScope.repositories([RepositoryKey(.pypi, try RepositoryName("internal")), RepositoryKey(.tar, try RepositoryName("r"))])
        let ci = try store.addToken(name: TokenName("ci"), secretDigest: digest, scope: scope, at: Date())
        _ = try store.addToken(name: TokenName("admin"), secretDigest: SHA256Digest(of: Array("other".utf8)), scope: .allRepositories, at: Date())
        #expect(try store.tokens().map(\.name.rawValue) == ["admin", "ci"])
        #expect(try store.tokens().last == ci)
        #expect(ci.secretDigest == digest && ci.scope == scope)
        #expect(throws: ArtifactError.alreadyExists("token ci")) {
            try store.addToken(name: TokenName("ci"), secretDigest: SHA256Digest(of: Array("third".utf8)), scope: .allRepositories, at: Date())
        }
        #expect(throws: ArtifactError.alreadyExists("token copy")) {
            try store.addToken(name: TokenName("copy"), secretDigest: digest, scope: .allRepositories, at: Date())
        }
        try store.removeToken(name: TokenName("ci"))
        #expect(try store.tokens().map(\.name.rawValue) == ["admin"])
        #expect(throws: ArtifactError.notFound("token ci")) { try store.removeToken(name: TokenName("ci")) }
        // On disk (the database and its WAL), the digest is there and the secret is not.
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path).map { try Data(contentsOf: URL(fileURLWithPath: scratch.file($0))) }
        #expect(!files.contains { $0.range(of: Data(secret.utf8)) != nil }, "the secret itself reached the catalogue")
        if subject.name == "SQLite file" { #expect(files.contains { $0.range(of: Data(digest.hex.utf8)) != nil }) }
    }

    // Goal: a repository is private from its creation when asked, and the flag can be turned off and on.
    @Test(arguments: MetadataSubject.all)
    func privateRepositories(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let hidden = try store.createRepository(provider: .tar, name: RepositoryName("h"), allowOverwrite: false, isPrivate: true, at: Date())
        let open = try store.createRepository(provider: .tar, name: RepositoryName("o"), allowOverwrite: false, at: Date())
        #expect(hidden.isPrivate && !open.isPrivate)
        #expect(try store.repositories().filter(\.isPrivate).map(\.name.rawValue) == ["h"])
        #expect(try store.setRepositoryPrivate(id: hidden.id, false).isPrivate == false)
        #expect(try store.setRepositoryPrivate(id: open.id, true).isPrivate)
        #expect(try store.repository(id: open.id)?.isPrivate == true)
        #expect(throws: ArtifactError.notFound("repository")) { try store.setRepositoryPrivate(id: 999_999, true) }
    }

    // Goal: the overwrite policy and a token's scope can be changed after creation; a missing row is `.notFound`.
    @Test(arguments: MetadataSubject.all)
    func changedPolicyAndScope(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let repository = try store.createRepository(provider: .tar, name: RepositoryName("r"), allowOverwrite: false, at: Date())
        #expect(try store.setRepositoryAllowOverwrite(id: repository.id, true).allowOverwrite)
        #expect(try store.repository(id: repository.id)?.allowOverwrite == true)
        #expect(throws: ArtifactError.notFound("repository")) { try store.setRepositoryAllowOverwrite(id: 999_999, true) }
        let digest = SHA256Digest(of: Array("secret".utf8))
        let a = RepositoryKey(.tar, try RepositoryName("a")), b = RepositoryKey(.apt, try RepositoryName("b"))
        let original = try store.addToken(name: TokenName("ci"), secretDigest: digest, scope: .repositories([a]), at: Date())
        let wider = TokenScope.repositories([a, b])
        let changed = try store.setTokenScope(name: TokenName("ci"), wider)
        #expect(changed.scope == wider && changed.secretDigest == original.secretDigest)
        #expect(try store.tokens().first?.scope == wider)
        #expect(throws: ArtifactError.notFound("token nobody")) { try store.setTokenScope(name: TokenName("nobody"), .allRepositories) }
    }

    // Goal: "delete if empty" deletes a repository without packages, never one with a package, and says which happened.
    @Test(arguments: MetadataSubject.all)
    func deleteRepositoryIfEmpty(subject: MetadataSubject) throws {
        let scratch = ScratchDirectory()
        let store = try subject.make(scratch)
        let empty = try store.createRepository(provider: .tar, name: RepositoryName("empty"), allowOverwrite: false, at: Date())
        _ = try store.ensureDirectory(parent: empty.id, name: "sub", kind: .directory, repositoryID: empty.id, at: Date())
        let full = try store.createRepository(provider: .tar, name: RepositoryName("full"), allowOverwrite: false, at: Date())
        _ = try store.insertPackage(Self.newPackage(full, "tool-1.0.tar.gz", bytes: "x"), overwrite: false)
        #expect(try store.deleteRepositoryIfEmpty(id: full.id) == nil)
        #expect(try store.repository(id: full.id) != nil)
        #expect(try store.packages(repository: full.id).count == 1)
        #expect(try store.deleteRepositoryIfEmpty(id: empty.id) == [])
        #expect(try store.repository(id: empty.id) == nil)
        #expect(try store.deleteRepositoryIfEmpty(id: empty.id) == nil)
    }
}

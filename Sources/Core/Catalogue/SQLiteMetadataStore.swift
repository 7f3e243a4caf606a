// The SQLite catalogue (GRDB): WAL, foreign keys, versioned migrations; node ids are AUTOINCREMENT row ids.
import Foundation
import GRDB
import Synchronization

/// `MetadataStore` over one SQLite file (or an in-memory database for tests). Blocking; thread-safe.
public final class SQLiteMetadataStore: MetadataStore {
    /// Reads go through `db.read`; writes only through `write(_:)`, which keeps `changeCount` true.
    private let db: any DatabaseWriter
    private let changes = Atomic<UInt64>(0)

    /// Opens (creating if needed) the catalogue at `path` in WAL mode and runs pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        // GRDB's WAL default is synchronous=NORMAL, which can lose the last commits on power failure;
        // an acknowledged upload must survive that.
        configuration.prepareDatabase { db in try db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() }
        db = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(db)
    }

    /// An in-memory catalogue (unit tests).
    public init() throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        db = try DatabaseQueue(configuration: configuration)
        try Self.migrator.migrate(db)
    }

    public var changeCount: UInt64 { changes.load(ordering: .acquiring) }

    /// Runs `updates` in a write transaction, then counts the change. The count is bumped after the commit,
    /// never before, so whoever sees the new count also sees the committed rows; a failed transaction
    /// bumps it too, which only costs a reader a needless cache miss.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        defer { changes.add(1, ordering: .releasing) }
        return try db.write(updates)
    }

    /// Runs `reads` in a read transaction (for the extensions in other files, which cannot see `db`).
    func read<T>(_ reads: (Database) throws -> T) throws -> T {
        try db.read(reads)
    }

    /// Names of the migrations applied so far, oldest first.
    public func appliedMigrations() throws -> [String] {
        try db.read { try Self.migrator.appliedMigrations($0) }
    }

    // MARK: - Repositories

    public func createRepository(provider: ProviderKind, name: RepositoryName, allowOverwrite: Bool, isPrivate: Bool,
                                 at date: Date) throws -> RepositoryRecord {
        try write { db in
            let parent = WellKnownNode.provider(provider)
            if try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM nodes WHERE parent_id = ? AND name = ?"), arguments: [parent, name.rawValue]) != nil {
                throw ArtifactError.alreadyExists("repository \(provider)/\(name)")
            }
            try db.cachedStatement(sql: "INSERT INTO nodes (parent_id, name, kind, created_at) VALUES (?, ?, 'repository', ?)").execute(
                           arguments: [parent, name.rawValue, date.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            try Self.touch(db, directory: parent, at: date)
            try db.cachedStatement(sql: "UPDATE nodes SET repository_id = ? WHERE id = ?").execute(arguments: [id, id])
            try db.cachedStatement(sql: """
                INSERT INTO repositories (id, provider, name, allow_overwrite, private, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id, provider.rawValue, name.rawValue, allowOverwrite, isPrivate, date.timeIntervalSince1970])
            return try Self.repository(db, id: id)!
        }
    }

    public func repository(id: NodeID) throws -> RepositoryRecord? {
        try db.read { try Self.repository($0, id: id) }
    }

    public func repository(provider: ProviderKind, name: RepositoryName) throws -> RepositoryRecord? {
        try db.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM repositories WHERE provider = ? AND name = ?"),
                             arguments: [provider.rawValue, name.rawValue]).map(Self.repositoryRecord)
        }
    }

    public func repositories() throws -> [RepositoryRecord] {
        try db.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM repositories ORDER BY provider, name")).map(Self.repositoryRecord)
        }
    }

    public func deleteRepository(id: NodeID) throws -> [SHA256Digest] {
        try write { db in
            guard try Self.repository(db, id: id) != nil else { throw ArtifactError.notFound("repository") }
            return try Self.deleteRepository(db, id: id)
        }
    }

    public func deleteRepositoryIfEmpty(id: NodeID) throws -> [SHA256Digest]? {
        try write { db in
            guard try Self.repository(db, id: id) != nil else { return nil }
            let holdsPackage = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM packages WHERE repository_id = ?)"),
                                                 arguments: [id]) ?? true
            return holdsPackage ? nil : try Self.deleteRepository(db, id: id)
        }
    }

    /// Deletes a repository's node tree; returns the blobs nothing references any more.
    private static func deleteRepository(_ db: Database, id: NodeID) throws -> [SHA256Digest] {
        let candidates = try String.fetchAll(db.cachedStatement(sql: """
            SELECT blob_digest FROM packages WHERE repository_id = ?
            UNION SELECT s.blob_digest FROM package_sidecars s JOIN packages p ON p.id = s.package_id WHERE p.repository_id = ?
            UNION SELECT f.blob_digest FROM generation_files f JOIN generations g ON g.id = f.generation_id
            WHERE g.repository_id = ? AND f.blob_digest IS NOT NULL
            """), arguments: [id, id, id])
        try deleteNode(db, id)
        return try dropUnreferencedBlobs(db, candidates)
    }

    // MARK: - Nodes

    public func entry(id: NodeID) throws -> TreeEntry? {
        try db.read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.entrySelect + " WHERE n.id = ?"), arguments: [id])
                .flatMap { Self.visibleEntry($0, includeHidden: true) }
        }
    }

    public func child(of parent: NodeID, named name: String, includeHidden: Bool) throws -> TreeEntry? {
        try db.read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.entrySelect + " WHERE n.parent_id = ? AND n.name = ?"), arguments: [parent, name])
                .flatMap { Self.visibleEntry($0, includeHidden: includeHidden) }
        }
    }

    public func children(of parent: NodeID, after: NodeID, limit: Int) throws -> [TreeEntry] {
        try db.read { db in
            // Invisible generated nodes (not in the current generation, or hidden) are filtered in SQL so
            // that a page of `limit` rows is a page of visible entries.
            try Row.fetchAll(db.cachedStatement(sql: Self.entrySelect + """
                 WHERE n.parent_id = ? AND n.id > ?
                   AND (n.kind NOT IN ('generatedFile', 'generatedDirectory') OR (g.node_id IS NOT NULL AND g.hidden = 0))
                 ORDER BY n.id LIMIT ?
                """), arguments: [parent, after, limit])
                .compactMap { Self.visibleEntry($0, includeHidden: false) }
        }
    }

    public func ensureDirectory(parent: NodeID, name: String, kind: NodeKind, repositoryID: NodeID, at date: Date) throws -> TreeEntry {
        try write { db in
            let id = try Self.ensureNode(db, parent: parent, name: name, kind: kind, repositoryID: repositoryID, at: date)
            return try Row.fetchOne(db.cachedStatement(sql: Self.entrySelect + " WHERE n.id = ?"), arguments: [id])
                .flatMap { Self.visibleEntry($0, includeHidden: true) }!
        }
    }

    public func removeDirectory(id: NodeID) throws {
        try write { db in
            guard try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM nodes WHERE id = ?"), arguments: [id]) != nil else {
                throw ArtifactError.notFound("directory")
            }
            let userChildren = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) FROM nodes WHERE parent_id = ? AND kind NOT IN ('generatedFile', 'generatedDirectory')
                """), arguments: [id]) ?? 0
            guard userChildren == 0 else { throw ArtifactError.notEmpty("directory") }
            try Self.deleteNode(db, id)
        }
    }

    // MARK: - Packages

    public func insertPackage(_ new: NewPackage, overwrite: Bool) throws -> PackageInsertResult {
        try write { db in try Self.insertPackage(db, new, overwrite: overwrite) }
    }

    public func insertPackages(_ packages: [NewPackage], overwrite: Bool) throws -> [PackageInsertResult] {
        try write { db in try packages.map { try Self.insertPackage(db, $0, overwrite: overwrite) } }
    }

    static func insertPackage(_ db: Database, _ new: NewPackage, overwrite: Bool) throws -> PackageInsertResult {
        var replaced: PackageRecord?
        var replacedDigests: [String] = []
        if let existing = try Self.package(db, directory: new.directoryID, filename: new.filename) {
            if existing.digests.sha256 == new.digests.sha256 { return .unchanged(existing) }
            guard overwrite else {
                throw ArtifactError.conflict(filename: new.filename.rawValue,
                                             reason: "a different file with this name exists (sha256 \(existing.digests.sha256))")
            }
            // A replaced file gets a new node id: its old content may sit in a kernel page cache.
            replacedDigests = try Self.packageDigests(db, existing.id, file: existing.digests.sha256)
            try Self.deleteNode(db, existing.id)
            replaced = existing
        }
        if try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM nodes WHERE parent_id = ? AND name = ?"),
                            arguments: [new.directoryID, new.filename.rawValue]) != nil {
            throw ArtifactError.conflict(filename: new.filename.rawValue, reason: "the name is used by a generated file")
        }
        if let identity = new.identity, let other = try String.fetchOne(db.cachedStatement(sql: """
            SELECT filename FROM packages WHERE directory_id = ? AND identity = ?
            """), arguments: [new.directoryID, identity]) {
            throw ArtifactError.conflict(filename: new.filename.rawValue,
                                         reason: "the same package is already in this directory as \(other)")
        }
        try db.cachedStatement(sql: "INSERT INTO blobs (digest, size) VALUES (?, ?) ON CONFLICT DO NOTHING").execute(
                       arguments: [new.digests.sha256.hex, new.digests.size])
        try db.cachedStatement(sql: "INSERT INTO nodes (parent_id, name, kind, repository_id, created_at) VALUES (?, ?, 'package', ?, ?)").execute(
                       arguments: [new.directoryID, new.filename.rawValue, new.repositoryID, new.uploadedAt.timeIntervalSince1970])
        let id = db.lastInsertedRowID
        try Self.touch(db, directory: new.directoryID, at: new.uploadedAt)
        try db.cachedStatement(sql: """
            INSERT INTO packages (id, repository_id, directory_id, location, filename, name, version, blob_digest,
                size, md5, sha1, sha512, attributes, identity, uploaded_at, modified_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, new.repositoryID, new.directoryID, new.location.joined(separator: "/"),
                             new.filename.rawValue, new.name.rawValue, new.version.rawValue, new.digests.sha256.hex,
                             new.digests.size, new.digests.md5, new.digests.sha1, new.digests.sha512,
                             Self.encodeAttributes(new.attributes), new.identity, new.uploadedAt.timeIntervalSince1970,
                             new.uploadedAt.timeIntervalSince1970])
        for sidecar in new.sidecars {
            try db.cachedStatement(sql: "INSERT INTO blobs (digest, size) VALUES (?, ?) ON CONFLICT DO NOTHING").execute(
                           arguments: [sidecar.digest.hex, sidecar.size])
            try db.cachedStatement(sql: "INSERT INTO package_sidecars (package_id, name, blob_digest, size) VALUES (?, ?, ?, ?)").execute(
                           arguments: [id, sidecar.name, sidecar.digest.hex, sidecar.size])
        }
        if !replacedDigests.isEmpty { _ = try Self.dropUnreferencedBlobs(db, replacedDigests) }
        return .inserted(try Self.package(db, id: id)!, replaced: replaced)
    }

    public func package(id: NodeID) throws -> PackageRecord? {
        try db.read { try Self.package($0, id: id) }
    }

    public func package(directory: NodeID, filename: Filename) throws -> PackageRecord? {
        try db.read { try Self.package($0, directory: directory, filename: filename) }
    }

    public func packages(repository: NodeID) throws -> [PackageRecord] {
        try db.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM packages WHERE repository_id = ? ORDER BY id"), arguments: [repository])
                .map(Self.packageRecord)
        }
    }

    public func packageIDs(repository: NodeID) throws -> [NodeID] {
        try db.read { db in
            try NodeID.fetchAll(db.cachedStatement(sql: "SELECT id FROM packages WHERE repository_id = ? ORDER BY id"), arguments: [repository])
        }
    }

    public func packages(ids: [NodeID]) throws -> [PackageRecord] {
        try db.read { db in
            var records: [PackageRecord] = []
            // SQLite limits bound parameters per statement; 500 is far below every build's limit.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let batch = Array(ids[start..<min(ids.count, start + 500)])
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                records += try Row.fetchAll(db, sql: "SELECT * FROM packages WHERE id IN (\(marks))",
                                            arguments: StatementArguments(batch)).map(Self.packageRecord)
            }
            return records
        }
    }

    public func dropDirectories(repository: NodeID) throws -> [[String]] {
        try db.read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, parent_id, name, kind FROM nodes WHERE repository_id = ? AND kind IN ('directory', 'dropDirectory')
                """), arguments: [repository])
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as NodeID, $0) })
            func path(_ id: NodeID) -> [String] {
                guard id != repository, let row = byID[id] else { return [] }
                return path(row["parent_id"]) + [row["name"]]
            }
            return rows.filter { ($0["kind"] as String) == NodeKind.dropDirectory.rawValue }
                .map { path($0["id"]) }
                .sorted { $0.lexicographicallyPrecedes($1) }
        }
    }

    public func deletePackage(id: NodeID) throws -> (PackageRecord, orphaned: [SHA256Digest]) {
        try write { db in
            guard let record = try Self.package(db, id: id) else { throw ArtifactError.notFound("package") }
            let digests = try Self.packageDigests(db, id, file: record.digests.sha256)
            try Self.deleteNode(db, id)
            return (record, try Self.dropUnreferencedBlobs(db, digests))
        }
    }

    public func updatePackageAttributes(id: NodeID, _ change: [String: String?]) throws -> PackageRecord {
        try write { db in
            guard let record = try Self.package(db, id: id) else { throw ArtifactError.notFound("package") }
            var attributes = record.attributes
            for (key, value) in change { attributes[key] = value }
            try db.cachedStatement(sql: "UPDATE packages SET attributes = ? WHERE id = ?").execute(
                           arguments: [Self.encodeAttributes(attributes), id])
            return try Self.package(db, id: id)!
        }
    }

    public func setPackageAttributes(id: NodeID, modified: Date?, mode: UInt16?) throws {
        try write { db in
            if let modified {
                try db.cachedStatement(sql: "UPDATE packages SET modified_at = ? WHERE id = ?").execute(arguments: [modified.timeIntervalSince1970, id])
            }
            if let mode {
                try db.cachedStatement(sql: "UPDATE packages SET mode = ? WHERE id = ?").execute(arguments: [Int(mode), id])
            }
        }
    }

    // MARK: - Generations

    public func publish(repositoryID: NodeID, files: [GeneratedFileSpec], at date: Date, keepGenerations: Int) throws
        -> (GenerationRecord, orphaned: [SHA256Digest]) {
        try write { db in
            try db.cachedStatement(sql: "INSERT INTO generations (repository_id, created_at) VALUES (?, ?)").execute(
                           arguments: [repositoryID, date.timeIntervalSince1970])
            let generationID = db.lastInsertedRowID
            var directories = Set<NodeID>()
            for file in files {
                var parent = repositoryID
                for component in file.path.dropLast() {
                    parent = try Self.ensureNode(db, parent: parent, name: component, kind: .generatedDirectory,
                                                 repositoryID: repositoryID, at: date)
                    if try Self.kind(db, parent) == .generatedDirectory { directories.insert(parent) }
                }
                let node = try Self.ensureNode(db, parent: parent, name: file.path.last!, kind: .generatedFile,
                                               repositoryID: repositoryID, at: date)
                guard try Self.kind(db, node) == .generatedFile else {
                    throw ArtifactError.conflict(filename: file.path.joined(separator: "/"), reason: "a package already uses this name")
                }
                try db.cachedStatement(sql: "INSERT INTO blobs (digest, size) VALUES (?, ?) ON CONFLICT DO NOTHING").execute(
                               arguments: [file.digest.hex, file.size])
                try db.cachedStatement(sql: """
                    INSERT INTO generation_files (generation_id, node_id, blob_digest, size, hidden) VALUES (?, ?, ?, ?, ?)
                    """).execute(arguments: [generationID, node, file.digest.hex, file.size, file.hidden])
            }
            for directory in directories {
                try db.cachedStatement(sql: "INSERT INTO generation_files (generation_id, node_id, size, hidden) VALUES (?, ?, 0, 0)").execute(
                               arguments: [generationID, directory])
            }
            let previous = try Self.repository(db, id: repositoryID)?.currentGenerationID
            try Self.touchParentsOfChangedVisibility(db, from: previous, to: generationID, at: date)
            try db.cachedStatement(sql: "UPDATE repositories SET current_generation_id = ? WHERE id = ?").execute(arguments: [generationID, repositoryID])
            let orphaned = try Self.pruneGenerations(db, repositoryID: repositoryID, keep: max(1, keepGenerations))
            // Read back as stored (REAL seconds since 1970), so it equals what `currentGeneration` returns.
            let stored = Date(timeIntervalSince1970: date.timeIntervalSince1970)
            return (GenerationRecord(id: generationID, repositoryID: repositoryID, createdAt: stored), orphaned)
        }
    }

    public func currentGeneration(repositoryID: NodeID) throws -> GenerationRecord? {
        try db.read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT g.* FROM generations g JOIN repositories r ON r.current_generation_id = g.id WHERE r.id = ?
                """), arguments: [repositoryID]).map {
                GenerationRecord(id: $0["id"], repositoryID: $0["repository_id"], createdAt: Date(timeIntervalSince1970: $0["created_at"]))
            }
        }
    }

    public func recentGenerations(repositoryID: NodeID, limit: Int) throws -> [[GeneratedFileSpec]] {
        try db.read { db in
            let generations = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM generations WHERE repository_id = ? ORDER BY id DESC LIMIT ?
                """), arguments: [repositoryID, limit])
            guard !generations.isEmpty else { return [] }
            let nodes = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, parent_id, name FROM nodes WHERE repository_id = ? AND kind IN ('generatedFile', 'generatedDirectory')
                """), arguments: [repositoryID])
            let byID = Dictionary(uniqueKeysWithValues: nodes.map { ($0["id"] as NodeID, (parent: $0["parent_id"] as NodeID, name: $0["name"] as String)) })
            func path(_ id: NodeID) -> [String] {
                guard let node = byID[id] else { return [] }
                return path(node.parent) + [node.name]
            }
            return try generations.map { generation in
                try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT node_id, blob_digest, size, hidden FROM generation_files WHERE generation_id = ? AND blob_digest IS NOT NULL
                    """), arguments: [generation]).compactMap { row -> GeneratedFileSpec? in
                    guard let digest = SHA256Digest(hex: row["blob_digest"]) else { return nil }
                    return GeneratedFileSpec(path: path(row["node_id"]), digest: digest, size: row["size"], hidden: row["hidden"])
                }
            }
        }
    }

    public func generatedNodes(generationID: Int64) throws -> [NodeID] {
        try db.read { db in
            try NodeID.fetchAll(db.cachedStatement(sql: "SELECT node_id FROM generation_files WHERE generation_id = ?"), arguments: [generationID])
        }
    }

    // MARK: - Blobs

    public func isReferenced(_ digest: SHA256Digest) throws -> Bool {
        try db.read { try Self.isReferenced($0, digest.hex) }
    }

    public func referencedDigests() throws -> Set<SHA256Digest> {
        try db.read { db in
            Set(try String.fetchAll(db.cachedStatement(sql: """
                SELECT blob_digest FROM packages UNION SELECT blob_digest FROM package_sidecars
                UNION SELECT blob_digest FROM generation_files WHERE blob_digest IS NOT NULL
                """)).compactMap { SHA256Digest(hex: $0) })
        }
    }
}

// Row mapping and the statements shared by several catalogue operations.
import Foundation
import GRDB

extension SQLiteMetadataStore {
    /// Selects a node with what decides its visibility and attributes: its package row, or its file in the
    /// repository's current generation.
    static let entrySelect = """
        SELECT n.id, n.parent_id, n.name, n.kind, n.repository_id, n.created_at, n.changed_at,
               p.size AS p_size, p.blob_digest AS p_digest, p.modified_at AS p_modified, p.mode AS p_mode,
               g.node_id AS g_node, g.blob_digest AS g_digest, g.size AS g_size, g.hidden AS g_hidden,
               gen.created_at AS g_created
        FROM nodes n
        LEFT JOIN packages p ON p.id = n.id
        LEFT JOIN repositories r ON r.id = n.repository_id
        LEFT JOIN generation_files g ON g.node_id = n.id AND g.generation_id = r.current_generation_id
        LEFT JOIN generations gen ON gen.id = g.generation_id
        """

    static func visibleEntry(_ row: Row, includeHidden: Bool) -> TreeEntry? {
        guard let kind = NodeKind(rawValue: row["kind"]) else { return nil }
        let created = Date(timeIntervalSince1970: row["changed_at"] ?? row["created_at"])
        switch kind {
        case .generatedFile, .generatedDirectory:
            guard row["g_node"] as Int64? != nil else { return nil }
            if !includeHidden && (row["g_hidden"] as Bool? ?? false) { return nil }
            return TreeEntry(id: row["id"], parentID: row["parent_id"], name: row["name"], kind: kind,
                             repositoryID: row["repository_id"], size: row["g_size"] ?? 0,
                             digest: (row["g_digest"] as String?).flatMap { SHA256Digest(hex: $0) },
                             modified: Date(timeIntervalSince1970: row["g_created"] ?? 0))
        case .package:
            return TreeEntry(id: row["id"], parentID: row["parent_id"], name: row["name"], kind: kind,
                             repositoryID: row["repository_id"], size: row["p_size"] ?? 0,
                             digest: (row["p_digest"] as String?).flatMap { SHA256Digest(hex: $0) },
                             modified: Date(timeIntervalSince1970: row["p_modified"] ?? 0),
                             mode: (row["p_mode"] as Int?).map { UInt16(truncatingIfNeeded: $0) })
        case .root, .repository, .directory, .dropDirectory:
            return TreeEntry(id: row["id"], parentID: row["parent_id"], name: row["name"], kind: kind,
                             repositoryID: row["repository_id"], modified: created)
        }
    }

    static func repository(_ db: Database, id: NodeID) throws -> RepositoryRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM repositories WHERE id = ?"), arguments: [id]).map(repositoryRecord)
    }

    static func repositoryRecord(_ row: Row) -> RepositoryRecord {
        RepositoryRecord(
            id: row["id"], provider: ProviderKind(rawValue: row["provider"]) ?? .tar,
            // Names were validated on the way in; a row that no longer validates is reported, not trusted.
            name: (try? RepositoryName(row["name"])) ?? (try! RepositoryName("invalid")),
            allowOverwrite: row["allow_overwrite"], isPrivate: row["private"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            currentGenerationID: row["current_generation_id"])
    }

    static func package(_ db: Database, id: NodeID) throws -> PackageRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM packages WHERE id = ?"), arguments: [id]).map(packageRecord)
    }

    static func package(_ db: Database, directory: NodeID, filename: Filename) throws -> PackageRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM packages WHERE directory_id = ? AND filename = ?"),
                         arguments: [directory, filename.rawValue]).map(packageRecord)
    }

    static func packageRecord(_ row: Row) -> PackageRecord {
        let location: String = row["location"]
        let modified: Double = row["modified_at"]
        return PackageRecord(
            id: row["id"], repositoryID: row["repository_id"], directoryID: row["directory_id"],
            location: location.isEmpty ? [] : location.split(separator: "/").map(String.init),
            filename: Filename(catalogued: row["filename"]), name: PackageName(catalogued: row["name"]),
            version: PackageVersion(catalogued: row["version"]),
            digests: FileDigests(size: row["size"], sha256: SHA256Digest(hex: row["blob_digest"])!,
                                 md5: row["md5"], sha1: row["sha1"], sha512: row["sha512"]),
            attributes: decodeAttributes(row["attributes"]),
            uploadedAt: Date(timeIntervalSince1970: row["uploaded_at"]),
            modified: Date(timeIntervalSince1970: modified),
            mode: (row["mode"] as Int?).map { UInt16(truncatingIfNeeded: $0) })
    }

    static func kind(_ db: Database, _ id: NodeID) throws -> NodeKind? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT kind FROM nodes WHERE id = ?"), arguments: [id]).flatMap(NodeKind.init(rawValue:))
    }

    /// Records that `directory`'s entries changed (its mtime/ctime).
    static func touch(_ db: Database, directory: NodeID?, at date: Date = Date()) throws {
        guard let directory else { return }
        try db.cachedStatement(sql: "UPDATE nodes SET changed_at = ? WHERE id = ?").execute(arguments: [date.timeIntervalSince1970, directory])
    }

    /// Touches the directories whose listing a generation flip changes (generated names appearing or vanishing).
    static func touchParentsOfChangedVisibility(_ db: Database, from previous: Int64?, to next: Int64, at date: Date) throws {
        let onlyIn = "SELECT node_id FROM generation_files WHERE generation_id = ? EXCEPT SELECT node_id FROM generation_files WHERE generation_id = ?"
        let changed = try NodeID.fetchAll(db.cachedStatement(sql: onlyIn), arguments: [next, previous ?? -1])
            + NodeID.fetchAll(db.cachedStatement(sql: onlyIn), arguments: [previous ?? -1, next])
        let parents = Set(try changed.compactMap { try NodeID.fetchOne(db.cachedStatement(sql: "SELECT parent_id FROM nodes WHERE id = ?"), arguments: [$0]) })
        for parent in parents { try touch(db, directory: parent, at: date) }
    }

    /// Deletes a node (and, by cascade, everything under it) and touches its parent.
    static func deleteNode(_ db: Database, _ id: NodeID) throws {
        let parent = try NodeID.fetchOne(db.cachedStatement(sql: "SELECT parent_id FROM nodes WHERE id = ?"), arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM nodes WHERE id = ?").execute(arguments: [id])
        try touch(db, directory: parent)
    }

    /// The id of the child `name` of `parent`, inserting a node of `kind` when there is none.
    static func ensureNode(_ db: Database, parent: NodeID, name: String, kind: NodeKind, repositoryID: NodeID, at date: Date) throws -> NodeID {
        if let id = try NodeID.fetchOne(db.cachedStatement(sql: "SELECT id FROM nodes WHERE parent_id = ? AND name = ?"), arguments: [parent, name]) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO nodes (parent_id, name, kind, repository_id, created_at) VALUES (?, ?, ?, ?, ?)").execute(
                       arguments: [parent, name, kind.rawValue, repositoryID, date.timeIntervalSince1970])
        let id = db.lastInsertedRowID
        try touch(db, directory: parent, at: date)
        return id
    }

    static func isReferenced(_ db: Database, _ hex: String) throws -> Bool {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM packages WHERE blob_digest = ? UNION ALL SELECT 1 FROM generation_files WHERE blob_digest = ?
            UNION ALL SELECT 1 FROM package_sidecars WHERE blob_digest = ? LIMIT 1
            """), arguments: [hex, hex, hex]) != nil
    }

    /// Every blob a package row holds: its file and its sidecars.
    static func packageDigests(_ db: Database, _ id: NodeID, file: SHA256Digest) throws -> [String] {
        [file.hex] + (try String.fetchAll(db.cachedStatement(sql: "SELECT blob_digest FROM package_sidecars WHERE package_id = ?"),
                                          arguments: [id]))
    }

    /// Deletes the blob rows among `candidates` that nothing references any more; returns their digests.
    static func dropUnreferencedBlobs(_ db: Database, _ candidates: [String]) throws -> [SHA256Digest] {
        var dropped: [SHA256Digest] = []
        for hex in Set(candidates) {
            let referenced = try isReferenced(db, hex)
            if !referenced {
                try db.cachedStatement(sql: "DELETE FROM blobs WHERE digest = ?").execute(arguments: [hex])
                if let digest = SHA256Digest(hex: hex) { dropped.append(digest) }
            }
        }
        return dropped.sorted()
    }

    /// Drops all but the newest `keep` generations of a repository (the current one is always the newest).
    static func pruneGenerations(_ db: Database, repositoryID: NodeID, keep: Int) throws -> [SHA256Digest] {
        let stale = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM generations WHERE repository_id = ? ORDER BY id DESC LIMIT -1 OFFSET ?
            """), arguments: [repositoryID, keep])
        guard !stale.isEmpty else { return [] }
        var candidates: [String] = []
        var nodes = Set<NodeID>()
        for generation in stale {
            candidates += try String.fetchAll(db.cachedStatement(sql: """
                SELECT blob_digest FROM generation_files WHERE generation_id = ? AND blob_digest IS NOT NULL
                """), arguments: [generation])
            nodes.formUnion(try NodeID.fetchAll(db.cachedStatement(sql: """
                SELECT node_id FROM generation_files WHERE generation_id = ? AND blob_digest IS NOT NULL
                """), arguments: [generation]))
            try db.cachedStatement(sql: "DELETE FROM generations WHERE id = ?").execute(arguments: [generation])
        }
        // Files no kept generation names any more (apt's old by-hash entries) would otherwise pile up as rows.
        for node in nodes where try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM generation_files WHERE node_id = ?"),
                                                 arguments: [node]) == nil {
            try db.cachedStatement(sql: "DELETE FROM nodes WHERE id = ? AND kind = 'generatedFile'").execute(arguments: [node])
        }
        return try dropUnreferencedBlobs(db, candidates)
    }

    static func encodeAttributes(_ attributes: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(attributes)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decodeAttributes(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

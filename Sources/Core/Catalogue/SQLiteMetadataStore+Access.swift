// Catalogue rows of access control: the private flag of repositories and the named tokens (digests only).
import Foundation
import GRDB

extension SQLiteMetadataStore {
    public func setRepositoryPrivate(id: NodeID, _ isPrivate: Bool) throws -> RepositoryRecord {
        try write { db in
            try db.cachedStatement(sql: "UPDATE repositories SET private = ? WHERE id = ?").execute(arguments: [isPrivate, id])
            guard db.changesCount > 0, let record = try Self.repository(db, id: id) else { throw ArtifactError.notFound("repository") }
            return record
        }
    }

    public func setRepositoryAllowOverwrite(id: NodeID, _ allowOverwrite: Bool) throws -> RepositoryRecord {
        try write { db in
            try db.cachedStatement(sql: "UPDATE repositories SET allow_overwrite = ? WHERE id = ?").execute(arguments: [allowOverwrite, id])
            guard db.changesCount > 0, let record = try Self.repository(db, id: id) else { throw ArtifactError.notFound("repository") }
            return record
        }
    }

    public func addToken(name: TokenName, secretDigest: SHA256Digest, scope: TokenScope, at date: Date) throws -> TokenRecord {
        try write { db in
            let taken = try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM tokens WHERE name = ? OR secret_sha256 = ?"),
                                         arguments: [name.rawValue, secretDigest.hex])
            if taken != nil { throw ArtifactError.alreadyExists("token \(name)") }
            try db.cachedStatement(sql: "INSERT INTO tokens (name, secret_sha256, repositories, created_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [name.rawValue, secretDigest.hex, Self.encodeScope(scope), date.timeIntervalSince1970])
            return TokenRecord(name: name, secretDigest: secretDigest, scope: scope, createdAt: Date(timeIntervalSince1970: date.timeIntervalSince1970))
        }
    }

    public func tokens() throws -> [TokenRecord] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM tokens ORDER BY name")).compactMap(Self.tokenRecord)
        }
    }

    public func removeToken(name: TokenName) throws {
        try write { db in
            try db.cachedStatement(sql: "DELETE FROM tokens WHERE name = ?").execute(arguments: [name.rawValue])
            guard db.changesCount > 0 else { throw ArtifactError.notFound("token \(name)") }
        }
    }

    public func setTokenScope(name: TokenName, _ scope: TokenScope) throws -> TokenRecord {
        try write { db in
            try db.cachedStatement(sql: "UPDATE tokens SET repositories = ? WHERE name = ?").execute(arguments: [Self.encodeScope(scope), name.rawValue])
            guard db.changesCount > 0 else { throw ArtifactError.notFound("token \(name)") }
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tokens WHERE name = ?"), arguments: [name.rawValue])
            guard let record = row.flatMap(Self.tokenRecord) else { throw ArtifactError.notFound("token \(name)") }
            return record
        }
    }

    /// NULL for every repository, else a JSON array of `provider/name`, sorted so equal scopes store equal text.
    static func encodeScope(_ scope: TokenScope) -> String? {
        switch scope {
        case .allRepositories:
            return nil
        case .repositories(let keys):
            let data = (try? JSONEncoder().encode(keys.sorted().map(\.description))) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// A token row; one whose name, digest or scope no longer parses is dropped (it can then grant nothing).
    static func tokenRecord(_ row: Row) -> TokenRecord? {
        guard let name = try? TokenName(row["name"]), let digest = SHA256Digest(hex: row["secret_sha256"]) else { return nil }
        let scope: TokenScope
        if let text = row["repositories"] as String? {
            guard let entries = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return nil }
            var keys = Set<RepositoryKey>()
            for entry in entries {
                guard let key = try? RepositoryKey(parsing: entry) else { return nil }
                keys.insert(key)
            }
            scope = .repositories(keys)
        } else {
            scope = .allRepositories
        }
        return TokenRecord(name: name, secretDigest: digest, scope: scope, createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}

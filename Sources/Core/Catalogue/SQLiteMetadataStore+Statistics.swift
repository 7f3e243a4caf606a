// Catalogue totals for /metrics and readiness: repositories and packages per provider, database size.
import Foundation
import GRDB

/// How much the catalogue holds, per provider.
public struct CatalogueStatistics: Sendable, Equatable {
    public struct Totals: Sendable, Equatable {
        public var repositories = 0
        public var packages = 0
        public var packageBytes: Int64 = 0
        public init() {}
    }

    public var byProvider: [ProviderKind: Totals] = [:]
    /// Pages in use times the page size (the WAL not included).
    public var databaseBytes: Int64 = 0
    public init() {}
}

/// One repository's packages: how many, their bytes, the newest upload (nil when empty).
public struct RepositoryTotals: Sendable, Equatable {
    public var packages = 0
    public var bytes: Int64 = 0
    public var lastUpload: Date?
    public init() {}
}

extension SQLiteMetadataStore {
    /// Totals per repository id, in one grouped query (repositories without packages are absent).
    public func repositoryTotals() throws -> [NodeID: RepositoryTotals] {
        try read { db in
            var totals: [NodeID: RepositoryTotals] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT repository_id, COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes, MAX(uploaded_at) AS last
                FROM packages GROUP BY repository_id
                """) {
                var entry = RepositoryTotals()
                entry.packages = row["n"]
                entry.bytes = row["bytes"]
                entry.lastUpload = (row["last"] as Double?).map(Date.init(timeIntervalSince1970:))
                totals[row["repository_id"]] = entry
            }
            return totals
        }
    }

    public func statistics() throws -> CatalogueStatistics {
        try read { db in
            var statistics = CatalogueStatistics()
            for row in try Row.fetchAll(db, sql: "SELECT provider, COUNT(*) AS n FROM repositories GROUP BY provider") {
                guard let provider = ProviderKind(rawValue: row["provider"]) else { continue }
                statistics.byProvider[provider, default: .init()].repositories = row["n"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT r.provider, COUNT(p.id) AS n, COALESCE(SUM(p.size), 0) AS bytes
                FROM packages p JOIN repositories r ON r.id = p.repository_id GROUP BY r.provider
                """) {
                guard let provider = ProviderKind(rawValue: row["provider"]) else { continue }
                statistics.byProvider[provider, default: .init()].packages = row["n"]
                statistics.byProvider[provider, default: .init()].packageBytes = row["bytes"]
            }
            let pages: Int64 = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize: Int64 = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            statistics.databaseBytes = pages * pageSize
            return statistics
        }
    }
}

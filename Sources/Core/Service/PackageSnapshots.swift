// Package rows kept between publishes, so reindexing a large repository reads only the rows that are new.
import Synchronization

/// Per repository, the package records the last publish used. A replaced file gets a new node id; the one
/// in-place change index builders see (an attribute update such as a PyPI yank) goes through `replace`.
final class PackageSnapshots: Sendable {
    private let records = Mutex<[NodeID: [NodeID: PackageRecord]]>([:])

    /// Every package of the repository by ascending id: cached records plus the rows read for new ids.
    func packages(repository: NodeID, metadata: any MetadataStore) throws -> [PackageRecord] {
        let ids = try metadata.packageIDs(repository: repository)
        let cached = records.withLock { $0[repository] ?? [:] }
        let missing = ids.filter { cached[$0] == nil }
        var current = [NodeID: PackageRecord](minimumCapacity: ids.count)
        for record in try metadata.packages(ids: missing) { current[record.id] = record }
        var result: [PackageRecord] = []
        result.reserveCapacity(ids.count)
        for id in ids {
            guard let record = current[id] ?? cached[id] else { continue } // deleted between the two reads
            current[id] = record
            result.append(record)
        }
        records.withLock { $0[repository] = current }
        return result
    }

    /// Puts an updated row in place of the cached one (if that repository is cached at all).
    func replace(_ record: PackageRecord) {
        records.withLock { cache in
            guard cache[record.repositoryID] != nil else { return }
            cache[record.repositoryID]![record.id] = record
        }
    }

    func forget(repository: NodeID) {
        _ = records.withLock { $0.removeValue(forKey: repository) }
    }
}

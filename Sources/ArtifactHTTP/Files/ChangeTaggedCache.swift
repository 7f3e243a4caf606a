// A table of values computed from catalogue reads, answering only while the catalogue has not changed since.
import Core
import Synchronization

/// `Key → Value`, valid while the catalogue's `changeCount` equals the value read before the value was computed.
///
/// Why it never serves data older than a finished write (FUSE close, HTTP upload or delete, a publish flip):
/// every catalogue write bumps `changeCount` after it commits and before its call returns. A computation reads
/// the count *before* its first read and is stored under that tag; the table keeps one tag and answers only
/// while the count still equals it.
/// - A write whose bump comes after the tag was read makes the count differ from the tag from then on, so the
///   value, which may predate that write, is never served once the write has returned.
/// - A write whose bump came before the tag was read had committed before the first read, which saw it.
/// So a request that starts after a write returned sees that write. A request concurrent with a write may see
/// either side, as it may without the cache (a computation is several transactions anyway). The count sees this
/// process's writes only; the data directory lock keeps other processes from writing the catalogue.
final class ChangeTaggedCache<Key: ExactKey, Value: Sendable>: Sendable {
    private struct Table {
        var tag: UInt64 = 0
        var entries: [Key: Value] = [:]
    }

    private let metadata: any MetadataStore
    private let table = Mutex(Table())
    /// Entries kept at most; when full the table starts over (cheaper than tracking use, and refilled in one round).
    let entryCountMax: Int

    init(metadata: any MetadataStore, entryCountMax: Int) {
        self.metadata = metadata
        self.entryCountMax = entryCountMax
    }

    /// The tag for a computation about to start: read it before the first catalogue read.
    func tag() -> UInt64 { metadata.changeCount }

    /// The cached value for `key`, if no write has finished since it was computed.
    func lookup(_ key: Key) -> Value? {
        let now = metadata.changeCount
        return table.withLock { $0.tag == now ? $0.entries[key] : nil }
    }

    /// Keeps `value` under `tag`; a value computed under an older tag than the table's is already stale.
    func store(_ value: Value, for key: Key, tag: UInt64) {
        table.withLock { table in
            // Counts only grow: entries under an older tag can never answer again.
            if tag > table.tag { table = Table(tag: tag) }
            guard tag == table.tag else { return }
            if table.entries.count >= entryCountMax { table.entries.removeAll(keepingCapacity: true) }
            table.entries[key] = value
        }
    }

    /// Entries held, current or not (for tests).
    var count: Int { table.withLock { $0.entries.count } }
}

/// A key whose equality is exact: bytes or numbers. `String` does not conform on purpose: its equality is canonical
/// equivalence, so a table keyed by request text would answer a U+212A KELVIN SIGN spelling with what it computed for
/// `K` (for a private repository's file, or a cached 404 that blanks a public one). Key by `ByteString` instead.
protocol ExactKey: Hashable, Sendable {}

extension ByteString: ExactKey {}
extension Int64: ExactKey {}

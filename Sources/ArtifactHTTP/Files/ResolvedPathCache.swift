// Remembers what request paths resolve to, and answers only while the catalogue has not changed since.
import Core
import Synchronization

/// What a request path resolves to: its entry (nil when nothing is there) and, for a generated directory,
/// the representations a PyPI simple index directory negotiates between.
struct ResolvedPath: Sendable, Equatable {
    let entry: TreeEntry?
    /// The directory's `index.html` and `index.json` that exist, by name; empty for anything else.
    let indexFiles: [String: TreeEntry]

    /// Resolves `components` from the root, in one pass of blocking catalogue reads.
    static func resolve(_ components: [String], in tree: RepositoryTree) throws -> ResolvedPath {
        guard let entry = try tree.resolve(components) else { return ResolvedPath(entry: nil, indexFiles: [:]) }
        guard entry.kind == .generatedDirectory else { return ResolvedPath(entry: entry, indexFiles: [:]) }
        var files: [String: TreeEntry] = [:]
        for name in [SimpleIndexLayout.htmlFile, SimpleIndexLayout.jsonFile] {
            files[name] = try tree.lookup(name, in: entry)
        }
        return ResolvedPath(entry: entry, indexFiles: files)
    }
}

/// `components → ResolvedPath`, valid while the catalogue's `changeCount` equals the value read before resolving.
///
/// Why it never serves a tree older than a finished write (FUSE close, HTTP upload or delete, a publish flip):
/// every catalogue write bumps `changeCount` after it commits and before its call returns. A resolution reads
/// the count *before* its first lookup and is stored under that tag; the table keeps one tag and answers only
/// while the count still equals it.
/// - A write whose bump comes after the tag was read makes the count differ from the tag from then on, so the
///   result, which may predate that write, is never served once the write has returned.
/// - A write whose bump came before the tag was read had committed before the first lookup, which saw it.
/// So a request that starts after a write returned sees that write. A request concurrent with a write may see
/// either side, as it may without the cache (a resolution is several transactions anyway). Only catalogue
/// rows decide a resolution, so "nothing here" is cached under the same argument. The count sees this
/// process's writes only; the data directory lock keeps other processes from writing the catalogue.
final class ResolvedPathCache: Sendable {
    private struct Table {
        var tag: UInt64 = 0
        var entries: [String: ResolvedPath] = [:]
    }

    private let metadata: any MetadataStore
    private let table = Mutex(Table())
    /// Paths kept at most; when full the table starts over (cheaper than tracking use, and refilled in one round).
    let entryCountMax: Int
    /// Longer paths are resolved every time, so that odd requests cannot hold much memory.
    let keyBytesMax: Int

    init(metadata: any MetadataStore, entryCountMax: Int = 4096, keyBytesMax: Int = 1024) {
        self.metadata = metadata
        self.entryCountMax = entryCountMax
        self.keyBytesMax = keyBytesMax
    }

    /// The tag for a resolution about to start: read it before the first lookup.
    func tag() -> UInt64 { metadata.changeCount }

    /// The cached resolution of `components`, if no write has finished since it was resolved.
    func lookup(_ components: [String]) -> ResolvedPath? {
        let key = Self.key(components)
        let now = metadata.changeCount
        return table.withLock { $0.tag == now ? $0.entries[key] : nil }
    }

    /// Keeps `resolved` under `tag`; a result resolved under an older tag than the table's is already stale.
    func store(_ resolved: ResolvedPath, for components: [String], tag: UInt64) {
        let key = Self.key(components)
        guard key.utf8.count <= keyBytesMax else { return }
        table.withLock { table in
            // Counts only grow: entries under an older tag can never answer again.
            if tag > table.tag { table = Table(tag: tag) }
            guard tag == table.tag else { return }
            if table.entries.count >= entryCountMax { table.entries.removeAll(keepingCapacity: true) }
            table.entries[key] = resolved
        }
    }

    /// Paths held, current or not (for tests).
    var count: Int { table.withLock { $0.entries.count } }

    /// Components never contain "/" (RequestPath rejects it), so joining is one-to-one and hashes one string.
    private static func key(_ components: [String]) -> String { components.joined(separator: "/") }
}

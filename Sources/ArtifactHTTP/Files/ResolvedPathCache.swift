// Remembers what request paths resolve to, and answers only while the catalogue has not changed since.
import Core

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

/// `components → ResolvedPath` in a `ChangeTaggedCache` (its comment says why it never serves a tree older than a
/// finished write). Only catalogue rows decide a resolution, so "nothing here" is cached under the same argument.
final class ResolvedPathCache: Sendable {
    private let cache: ChangeTaggedCache<String, ResolvedPath>
    /// Longer paths are resolved every time, so that odd requests cannot hold much memory.
    let keyBytesMax: Int

    init(metadata: any MetadataStore, entryCountMax: Int = 4096, keyBytesMax: Int = 1024) {
        cache = ChangeTaggedCache(metadata: metadata, entryCountMax: entryCountMax)
        self.keyBytesMax = keyBytesMax
    }

    /// The tag for a resolution about to start: read it before the first lookup.
    func tag() -> UInt64 { cache.tag() }

    /// The cached resolution of `components`, if no write has finished since it was resolved.
    func lookup(_ components: [String]) -> ResolvedPath? { cache.lookup(Self.key(components)) }

    /// Keeps `resolved` under `tag`, unless its path is too long to be worth the memory.
    func store(_ resolved: ResolvedPath, for components: [String], tag: UInt64) {
        let key = Self.key(components)
        guard key.utf8.count <= keyBytesMax else { return }
        cache.store(resolved, for: key, tag: tag)
    }

    /// Paths held, current or not (for tests).
    var count: Int { cache.count }

    /// Components never contain "/" (RequestPath rejects it), so joining is one-to-one and hashes one string.
    private static func key(_ components: [String]) -> String { components.joined(separator: "/") }
}

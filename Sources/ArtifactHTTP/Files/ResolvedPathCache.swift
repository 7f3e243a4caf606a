// Remembers what request paths resolve to, and answers only while the catalogue has not changed since.
import Core

/// What a request path resolves to: its entry (nil when nothing is there), the repository it is under, and, for a
/// generated directory, the representations a PyPI simple index directory negotiates between.
struct ResolvedPath: Sendable, Equatable {
    /// `/<provider>/<repo>`: the depth at which a path names its repository.
    static let repositoryDepth = 2

    let entry: TreeEntry?
    /// The repository node the first `repositoryDepth` components name in the catalogue, byte for byte; nil for `/`
    /// and `/<provider>/`, and when no repository has that name. Read access is decided from this row, never from
    /// the request's text, so a look-alike spelling either resolves to the same repository (and is checked like
    /// it) or to nothing.
    let repositoryID: NodeID?
    /// The directory's `index.html` and `index.json` that exist, by their (constant) names; empty for anything else.
    let indexFiles: [String: TreeEntry]

    init(entry: TreeEntry?, repositoryID: NodeID? = nil, indexFiles: [String: TreeEntry]) {
        self.entry = entry
        self.repositoryID = repositoryID
        self.indexFiles = indexFiles
    }

    /// Resolves `components` from the root, in one pass of blocking catalogue reads.
    static func resolve(_ components: [String], in tree: RepositoryTree) throws -> ResolvedPath {
        let base = try tree.resolve(Array(components.prefix(repositoryDepth)))
        let repositoryID = base.flatMap { $0.kind == .repository ? $0.id : nil }
        guard let base, let entry = try tree.resolve(components.dropFirst(repositoryDepth), from: base) else {
            return ResolvedPath(entry: nil, repositoryID: repositoryID, indexFiles: [:])
        }
        guard entry.kind == .generatedDirectory else {
            return ResolvedPath(entry: entry, repositoryID: repositoryID, indexFiles: [:])
        }
        var files: [String: TreeEntry] = [:]
        for name in [SimpleIndexLayout.htmlFile, SimpleIndexLayout.jsonFile] {
            files[name] = try tree.lookup(name, in: entry)
        }
        return ResolvedPath(entry: entry, repositoryID: repositoryID, indexFiles: files)
    }
}

/// `components → ResolvedPath` in a `ChangeTaggedCache` (its comment says why it never serves a tree older than a
/// finished write). Only catalogue rows decide a resolution, so "nothing here" is cached under the same argument.
/// Keys are the path's exact bytes (`ByteString`): the catalogue tells `é` from `e` + U+0301 and `K` from U+212A,
/// so the cache must too, or one spelling would be answered with (or blank) what another resolved to.
final class ResolvedPathCache: Sendable {
    private let cache: ChangeTaggedCache<ByteString, ResolvedPath>
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
        guard key.string.utf8.count <= keyBytesMax else { return }
        cache.store(resolved, for: key, tag: tag)
    }

    /// Paths held, current or not (for tests).
    var count: Int { cache.count }

    /// Components never contain "/" (RequestPath rejects it), so joining is one-to-one and hashes one string.
    private static func key(_ components: [String]) -> ByteString { ByteString(components.joined(separator: "/")) }
}

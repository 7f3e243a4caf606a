// The catalogue: repositories, nodes, packages, blob references and index generations.
import Foundation

/// Persistent metadata. Every call blocks (call from a dedicated thread) and is atomic on its own.
/// Node ids are never reused. Implementations must be safe for concurrent callers and must not assume
/// they are the only process using the data.
public protocol MetadataStore: Sendable {
    /// Increases after every committed write made through this instance, before that write call returns;
    /// never decreases. Views cache lookups under it (a value that still holds means no write has finished
    /// since). It counts this instance's writes only, which is all of them while one process owns the data
    /// directory (its lock). Cheap: no I/O, callable from any thread.
    var changeCount: UInt64 { get }

    /// Repositories, packages and bytes per provider, and the database's size (metrics, readiness).
    func statistics() throws -> CatalogueStatistics

    /// Packages, bytes and newest upload of each repository that has packages (the browse overview).
    func repositoryTotals() throws -> [NodeID: RepositoryTotals]

    // MARK: Repositories
    /// Creates a repository and its directory node; throws `ArtifactError.alreadyExists`. A private repository
    /// is private from its first commit, so no anonymous read can slip in before a flag is set.
    func createRepository(provider: ProviderKind, name: RepositoryName, allowOverwrite: Bool, isPrivate: Bool, at: Date) throws -> RepositoryRecord
    func repository(id: NodeID) throws -> RepositoryRecord?
    func repository(provider: ProviderKind, name: RepositoryName) throws -> RepositoryRecord?
    /// All repositories, ordered by provider then name.
    func repositories() throws -> [RepositoryRecord]
    /// Deletes a repository with everything under it; returns blob digests that lost their last reference.
    func deleteRepository(id: NodeID) throws -> [SHA256Digest]
    /// Deletes a repository only if it holds no package, deciding and deleting in one transaction (so a package
    /// committed concurrently is never deleted with it); returns the orphaned blob digests, or nil when the
    /// repository holds a package or is gone already.
    func deleteRepositoryIfEmpty(id: NodeID) throws -> [SHA256Digest]?

    /// Makes a repository private or public; returns the new row (`.notFound` when it is gone).
    func setRepositoryPrivate(id: NodeID, _ isPrivate: Bool) throws -> RepositoryRecord
    /// Lets a different file replace one of the same name, or not; returns the new row (`.notFound` when it is gone).
    func setRepositoryAllowOverwrite(id: NodeID, _ allowOverwrite: Bool) throws -> RepositoryRecord

    // MARK: Tokens
    /// Records a named token by the digest of its secret; `.alreadyExists` when the name (or digest) is taken.
    func addToken(name: TokenName, secretDigest: SHA256Digest, scope: TokenScope, at: Date) throws -> TokenRecord
    /// Every named token, by name.
    func tokens() throws -> [TokenRecord]
    /// Deletes a named token; `.notFound` when there is none by that name.
    func removeToken(name: TokenName) throws
    /// Replaces a named token's scope (its secret stays); `.notFound` when there is none by that name.
    func setTokenScope(name: TokenName, _ scope: TokenScope) throws -> TokenRecord

    // MARK: Nodes
    func entry(id: NodeID) throws -> TreeEntry?
    /// The child named `name`, if visible: generated nodes only when in the current generation;
    /// hidden generated files only when `includeHidden`.
    func child(of parent: NodeID, named name: String, includeHidden: Bool) throws -> TreeEntry?
    /// Up to `limit` visible children with ids greater than `after`, by ascending id (keyset pagination).
    func children(of parent: NodeID, after: NodeID, limit: Int) throws -> [TreeEntry]
    /// Returns the directory named `name` under `parent`, creating it with `kind` when missing.
    func ensureDirectory(parent: NodeID, name: String, kind: NodeKind, repositoryID: NodeID, at: Date) throws -> TreeEntry
    /// Removes an empty directory node; throws `.notEmpty` or `.notFound`.
    func removeDirectory(id: NodeID) throws

    // MARK: Packages
    /// Records a package in one transaction. Same bytes under the same name: `.unchanged`. Different bytes:
    /// replaces when `overwrite`, else throws `ArtifactError.conflict`. Another file with the same
    /// `identity` in the directory is always a conflict.
    func insertPackage(_ package: NewPackage, overwrite: Bool) throws -> PackageInsertResult
    /// Records many packages in one transaction (bulk import): all of them, or none when one fails.
    func insertPackages(_ packages: [NewPackage], overwrite: Bool) throws -> [PackageInsertResult]
    func package(id: NodeID) throws -> PackageRecord?
    func package(directory: NodeID, filename: Filename) throws -> PackageRecord?
    /// All packages of a repository, ordered by node id.
    func packages(repository: NodeID) throws -> [PackageRecord]
    /// Node ids of every package of a repository, ascending.
    func packageIDs(repository: NodeID) throws -> [NodeID]
    /// The packages with these ids that still exist, in no particular order.
    func packages(ids: [NodeID]) throws -> [PackageRecord]
    /// Every drop directory of a repository as a path relative to it, including empty ones, sorted.
    func dropDirectories(repository: NodeID) throws -> [[String]]
    /// Deletes a package; returns its record and the blob digests (file, sidecars) that lost their last reference.
    func deletePackage(id: NodeID) throws -> (PackageRecord, orphaned: [SHA256Digest])
    /// Sets (or, with a nil value, removes) index attributes of a package, e.g. PyPI's yank; returns the new row.
    func updatePackageAttributes(id: NodeID, _ change: [String: String?]) throws -> PackageRecord
    /// Stores client-set attributes (mtime, mode) of a package file.
    func setPackageAttributes(id: NodeID, modified: Date?, mode: UInt16?) throws

    // MARK: Generations
    /// Records generated files as a new generation and makes it current, in one transaction.
    /// Keeps the newest `keepGenerations` generations; returns blob digests that lost their last reference.
    func publish(repositoryID: NodeID, files: [GeneratedFileSpec], at: Date, keepGenerations: Int) throws
        -> (GenerationRecord, orphaned: [SHA256Digest])
    func currentGeneration(repositoryID: NodeID) throws -> GenerationRecord?
    /// The files of the newest `limit` generations of a repository, newest first.
    func recentGenerations(repositoryID: NodeID, limit: Int) throws -> [[GeneratedFileSpec]]
    /// Node ids of the files and directories of a generation (what a filesystem view must invalidate).
    func generatedNodes(generationID: Int64) throws -> [NodeID]

    // MARK: Blobs
    /// Every digest the catalogue references (packages and retained generations).
    func referencedDigests() throws -> Set<SHA256Digest>
    /// Whether a package or a retained generation references `digest` (one indexed lookup).
    func isReferenced(_ digest: SHA256Digest) throws -> Bool
}

extension MetadataStore {
    /// A public repository (the common case, and the signature callers used before private repositories).
    public func createRepository(provider: ProviderKind, name: RepositoryName, allowOverwrite: Bool, at date: Date) throws -> RepositoryRecord {
        try createRepository(provider: provider, name: name, allowOverwrite: allowOverwrite, isPrivate: false, at: date)
    }
}

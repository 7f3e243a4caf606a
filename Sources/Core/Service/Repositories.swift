// The operations both edges share: create and delete repositories, resolve drop directories, ingest, delete.
import Foundation
import Logging
import Synchronization

/// A drop directory resolved for an ingest: which repository, which directory node, where relative to the repo.
public struct DropTarget: Sendable, Equatable {
    public let repository: RepositoryRecord
    public let directoryID: NodeID
    public let location: [String]
}

/// A generation that just became current, for views that cache generated files.
public struct PublishedGeneration: Sendable {
    public let repositoryID: NodeID
    public let generation: GenerationRecord
    /// Every generated node of the generation (files and directories).
    public let nodes: [NodeID]
}

/// What an ingest did.
public struct IngestOutcome: Sendable, Equatable {
    public let package: PackageRecord
    /// False when identical bytes were already stored under that name.
    public let created: Bool
    /// Pass to `Publisher.waitUntilPublished` to wait for the indexes that include this package.
    public let publishTicket: UInt64
}

/// The repository service over one catalogue and one blob store. Every method blocks: call it from a
/// dedicated thread (FUSE threads, `BlockingExecutor`), never from the cooperative pool.
public final class Repositories: Sendable {
    /// Tunables with their defaults.
    public struct Configuration: Sendable {
        /// Generations kept after a publish, so `by-hash` and in-flight readers still find old index files.
        public var keepGenerations = 5
        /// Short: bursts also coalesce while a publish runs, and apt clients wait for the signed result.
        public var publishQuietDelay: Duration = .milliseconds(50)
        public var publishMaxDelay: Duration = .milliseconds(600)
        /// How long after the last upload marked "publish later" its repository is published anyway (an import
        /// that died before asking for its one publish).
        public var deferredPublishDelay: Duration = .seconds(30)
        public init() {}
    }

    public let metadata: any MetadataStore
    public let blobs: any BlobStore
    public let spool: Spool
    public let tree: RepositoryTree
    let providers: [ProviderKind: any PackageProvider]
    let configuration: Configuration
    let deletionGuard = BlobDeletionGuard()
    let snapshots = PackageSnapshots()
    let publishObservers = Mutex<[@Sendable (PublishedGeneration) -> Void]>([])
    /// Uploads in progress per repository, so one that fails never deletes a repository another one is filling.
    let uploadClaims = UploadClaims()
    let logger: Logger
    /// Set once in `init`; the publisher calls back into `publish(repositoryID:)`.
    nonisolated(unsafe) public private(set) var publisher: Publisher!

    public init(metadata: any MetadataStore, blobs: any BlobStore, spool: Spool, providers: [any PackageProvider],
                configuration: Configuration = .init(), logger: Logger) {
        self.metadata = metadata
        self.blobs = blobs
        self.spool = spool
        self.providers = Dictionary(providers.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
        self.configuration = configuration
        self.logger = logger
        tree = RepositoryTree(metadata: metadata, blobs: blobs, deletionGuard: deletionGuard)
        publisher = Publisher(quietDelay: configuration.publishQuietDelay, maxDelay: configuration.publishMaxDelay,
                              logger: logger) { [weak self] repositoryID in try self?.publish(repositoryID: repositoryID) }
    }

    deinit { publisher.stop() }

    /// The provider serving `kind`; throws `.unsupportedProvider` for formats this build does not serve.
    public func provider(_ kind: ProviderKind) throws(ArtifactError) -> any PackageProvider {
        guard let provider = providers[kind] else { throw .unsupportedProvider(kind) }
        return provider
    }

    /// Formats this build serves.
    public var supportedProviders: [ProviderKind] { ProviderKind.allCases.filter { providers[$0] != nil } }

    // MARK: - Repositories

    /// Creates an empty repository, lets its provider prepare it (apt: a signing key) and publishes its
    /// (empty) indexes; throws `.alreadyExists`. If preparing fails, the repository is deleted again.
    @discardableResult
    public func createRepository(_ kind: ProviderKind, _ name: RepositoryName, options: RepositoryOptions = .init()) throws -> RepositoryRecord {
        let provider = try provider(kind)
        let record = try storage("create repository") {
            try metadata.createRepository(provider: kind, name: name, allowOverwrite: options.allowOverwrite,
                                          isPrivate: options.isPrivate, at: Date())
        }
        do {
            try provider.repositoryCreated(record, options: options)
            try publishNow(repositoryID: record.id)
        } catch {
            _ = try? metadata.deleteRepository(id: record.id)
            provider.repositoryDeleted(record)
            logger.error("repository not created", metadata: ["repo.name": "\(name)", "error": "\(error)"])
            throw error
        }
        logger.info("repository created", metadata: ["repo.provider": "\(kind)", "repo.name": "\(name)",
                                                     "repo.private": "\(options.isPrivate)"])
        return record
    }

    public func repository(_ kind: ProviderKind, _ name: RepositoryName) throws -> RepositoryRecord? {
        try storage("read repository") { try metadata.repository(provider: kind, name: name) }
    }

    /// Deletes a repository. Without `force` it must hold no packages (`.notEmpty`).
    public func deleteRepository(_ kind: ProviderKind, _ name: RepositoryName, force: Bool = false) throws {
        guard let record = try repository(kind, name) else { throw ArtifactError.notFound("repository \(kind)/\(name)") }
        if !force, try !storage("read packages", { try metadata.packages(repository: record.id) }).isEmpty {
            throw ArtifactError.notEmpty("repository \(kind)/\(name)")
        }
        let orphans = try storage("delete repository") { try metadata.deleteRepository(id: record.id) }
        deleteOrphans(orphans)
        snapshots.forget(repository: record.id)
        try provider(kind).repositoryDeleted(record)
        logger.info("repository deleted", metadata: ["repo.provider": "\(kind)", "repo.name": "\(name)"])
    }

    // MARK: - Directories

    /// Resolves the drop directory at `components` below a repository. With `create`, a missing repository
    /// and missing directories are created (as uploads and `mkdir -p` do); otherwise they are `.notFound`.
    public func dropTarget(_ kind: ProviderKind, _ name: RepositoryName, directory components: [String], create: Bool) throws -> DropTarget {
        let provider = try provider(kind)
        let kinds = try provider.directoryKinds(for: components)
        guard provider.acceptsPackages(at: components) else {
            throw ArtifactError.notADropDirectory("/\(([kind.rawValue, name.rawValue] + components).joined(separator: "/"))")
        }
        for component in components {
            do { _ = try Filename(component) } catch { throw ArtifactError.invalidName(error) }
        }
        var repository = try self.repository(kind, name)
        if repository == nil {
            guard create else { throw ArtifactError.notFound("repository \(kind)/\(name)") }
            do { repository = try createRepository(kind, name) } catch ArtifactError.alreadyExists {
                repository = try self.repository(kind, name)
            }
        }
        guard let repository else { throw ArtifactError.notFound("repository \(kind)/\(name)") }
        let (directory, _) = try resolveDirectories(components, kinds: kinds, in: repository, create: create)
        return DropTarget(repository: repository, directoryID: directory, location: components)
    }

    /// Walks (and with `create`, makes) the directories `components` below a repository; returns the last one and
    /// the ids of those this call created, in creation order.
    func resolveDirectories(_ components: [String], kinds: [NodeKind], in repository: RepositoryRecord,
                            create: Bool) throws -> (NodeID, created: [NodeID]) {
        var directory = repository.id
        var created: [NodeID] = []
        for (component, nodeKind) in zip(components, kinds) {
            if let existing = try storage("lookup", { try metadata.child(of: directory, named: component, includeHidden: true) }) {
                guard existing.kind == nodeKind else { throw ArtifactError.notADropDirectory(component) }
                directory = existing.id
            } else {
                guard create else { throw ArtifactError.notFound("directory \(components.joined(separator: "/"))") }
                directory = try storage("mkdir") {
                    try metadata.ensureDirectory(parent: directory, name: component, kind: nodeKind, repositoryID: repository.id, at: Date()).id
                }
                created.append(directory)
            }
        }
        return (directory, created)
    }

    // MARK: - Helpers

    /// Runs a catalogue or blob store call, turning unknown failures into `.storageUnavailable`.
    func storage<T>(_ context: String, _ body: () throws -> T) throws(ArtifactError) -> T {
        do { return try body() } catch { throw ArtifactError.fromStorage(error, context) }
    }

    func deleteOrphans(_ digests: [SHA256Digest]) {
        for failure in deletionGuard.deleteOrphans(digests, blobs: blobs, metadata: metadata) {
            logger.warning("orphaned blob not deleted; fsck will find it", metadata: ["error": "\(failure)"])
        }
    }
}

// Publishing: build every index from rows, store each as a blob, then flip the generation in one transaction.
import Foundation

extension Repositories {
    /// Publishes a repository now on the calling thread (fsync, repository creation, tests).
    public func publishNow(repositoryID: NodeID) throws {
        try publisher.publishNow(repositoryID)
    }

    /// Calls `observer` after each publish (on the publishing thread: keep it short, never block on a view).
    public func observePublishes(_ observer: @escaping @Sendable (PublishedGeneration) -> Void) {
        publishObservers.withLock { $0.append(observer) }
    }

    /// Writes all index blobs first, then commits the generation: readers see the old or the new set, never a mix.
    func publish(repositoryID: NodeID) throws {
        guard let repository = try metadata.repository(id: repositoryID) else { return }
        let started = ContinuousClock.now
        do {
            try publish(repository)
            ArtifactMetrics.recordPublish(provider: repository.provider, succeeded: true, since: started)
        } catch {
            ArtifactMetrics.recordPublish(provider: repository.provider, succeeded: false, since: started)
            throw error
        }
    }

    private func publish(_ repository: RepositoryRecord) throws {
        let repositoryID = repository.id
        let provider = try provider(repository.provider)
        let now = Date()
        let clock = ContinuousClock()
        let started = clock.now
        let packages = try snapshots.packages(repository: repositoryID, metadata: metadata)
        let input = IndexInput(repository: repository, packages: packages,
                               dropDirectories: try metadata.dropDirectories(repository: repositoryID),
                               recentGenerations: try metadata.recentGenerations(repositoryID: repositoryID,
                                                                                 limit: configuration.keepGenerations),
                               now: now)
        let read = clock.now
        let files = try provider.buildIndexes(input)
        let built = clock.now
        let digests = files.map { file -> SHA256Digest in
            switch file.content {
            case .bytes(let bytes): return file.knownDigest ?? SHA256Digest(of: bytes)
            case .stored(let digest, _): return digest
            }
        }
        // Index blobs are shared between repositories (an empty SHA256SUMS is the same everywhere): hold them
        // against orphan deletion from the blob write until the generation that references them commits.
        let (generation, orphans) = try deletionGuard.referencing(digests) { () throws -> (GenerationRecord, orphaned: [SHA256Digest]) in
            var specs: [GeneratedFileSpec] = []
            for (file, digest) in zip(files, digests) {
                switch file.content {
                case .bytes(let bytes):
                    if try !blobs.contains(digest) { _ = try blobs.put(bytes) }
                    specs.append(GeneratedFileSpec(path: file.path, digest: digest, size: Int64(bytes.count), hidden: file.hidden))
                case .stored(_, let size):
                    specs.append(GeneratedFileSpec(path: file.path, digest: digest, size: size, hidden: file.hidden))
                }
            }
            CrashPoint.publishWritten.reached()
            return try metadata.publish(repositoryID: repositoryID, files: specs, at: now, keepGenerations: configuration.keepGenerations)
        }
        CrashPoint.publishFlipped.reached()
        let stored = clock.now
        deleteOrphans(orphans)
        let observers = publishObservers.withLock { $0 }
        if !observers.isEmpty {
            let published = PublishedGeneration(repositoryID: repositoryID, generation: generation,
                                                nodes: try metadata.generatedNodes(generationID: generation.id))
            observers.forEach { $0(published) }
        }
        logger.debug("published", metadata: ["repo.name": "\(repository.name)", "generation": "\(generation.id)",
                                             "packages": "\(packages.count)", "files": "\(files.count)",
                                             "ms.read": "\(Self.milliseconds(read - started))", "ms.build": "\(Self.milliseconds(built - read))",
                                             "ms.store": "\(Self.milliseconds(stored - built))"])
    }

    static func milliseconds(_ duration: Duration) -> Int64 { duration.nanoseconds / 1_000_000 }
}

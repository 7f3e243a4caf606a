// Uploads over HTTP into repositories and directories that may not exist yet: they are created only for a valid file.
import Foundation
import Synchronization

/// How many uploads are at work on each repository in this process.
final class UploadClaims: Sendable {
    private let counts = Mutex<[RepositoryKey: Int]>([:])

    func claim(_ key: RepositoryKey) {
        counts.withLock { $0[key, default: 0] += 1 }
    }

    func release(_ key: RepositoryKey) {
        counts.withLock { counts in
            let left = (counts[key] ?? 1) - 1
            counts[key] = left > 0 ? left : nil
        }
    }

    /// Whether an upload besides the caller's (which holds one claim) is at work on `key`.
    func othersHold(_ key: RepositoryKey) -> Bool {
        counts.withLock { ($0[key] ?? 0) > 1 }
    }
}

extension Repositories {
    /// What an upload created on its way to its drop directory, to take back if its ingest fails.
    struct CreatedForUpload {
        var repository: RepositoryRecord?
        var directories: [NodeID] = []
    }

    /// Checks, creating nothing, that a file named `filename` (when known) may be uploaded into `directory` of a
    /// `kind` repository: a drop directory of that format, valid names, not a generated file's name. Throws what
    /// the ingest would (`.notADropDirectory`, `.invalidName`, `.readOnly`, `.unsupportedProvider`), so an upload
    /// can be refused before its body is read.
    public func checkUploadTarget(_ kind: ProviderKind, directory: [String], filename: String? = nil) throws(ArtifactError) {
        let provider = try provider(kind)
        _ = try provider.directoryKinds(for: directory)
        guard provider.acceptsPackages(at: directory) else { throw .notADropDirectory("/" + ([kind.rawValue] + directory).joined(separator: "/")) }
        var name: Filename?
        do throws(IdentifierError) {
            for component in directory { _ = try Filename(component) }
            if let filename { name = try Filename(filename) }
        } catch {
            throw .invalidName(error)
        }
        if let name, provider.isReserved(name, at: directory) { throw .readOnly(name.rawValue) }
    }

    /// Ingests an uploaded file into `directory` of repository `kind`/`name`, creating the repository (with its
    /// signing key) and the directories that are missing, but only after the file passed validation: a refused
    /// upload leaves nothing behind. If the ingest fails after that (a storage failure, a concurrent upload of the
    /// same name), what this call created is deleted again when it still holds no package and no other upload in
    /// this process is at work on the repository; the catalogue decides emptiness and deletes in one transaction, so
    /// a package committed meanwhile is never lost. The staged file is consumed either way. Blocks: call it on an
    /// executor thread.
    public func ingestUpload(_ staged: StagedFile, into kind: ProviderKind, _ name: RepositoryName, directory: [String],
                             filename: String, declared: DeclaredIdentity?, publish: PublishTiming = .soon) throws -> (IngestOutcome, DropTarget) {
        defer { staged.discard() }
        let key = RepositoryKey(kind, name)
        uploadClaims.claim(key)
        defer { uploadClaims.release(key) }
        if let target = try existingTarget(kind, name, directory) {
            return (try ingest(staged, into: target, filename: filename, declared: declared, publish: publish), target)
        }
        let description = try validateBeforeCreating(staged, kind, name, directory: directory, filename: filename, declared: declared)
        let (target, created) = try createTarget(kind, name, directory: directory, key: key)
        do {
            let outcome = try ingest(staged, into: target, filename: filename, declared: declared, publish: publish, inspected: description)
            return (outcome, target)
        } catch {
            undo(created, key: key)
            throw error
        }
    }

    /// The drop directory when the repository and every directory exist; nil when something is missing.
    private func existingTarget(_ kind: ProviderKind, _ name: RepositoryName, _ directory: [String]) throws -> DropTarget? {
        do { return try dropTarget(kind, name, directory: directory, create: false) } catch ArtifactError.notFound { return nil }
    }

    /// What `ingest` checks about the file itself, done before anything is created; logged and counted as a
    /// refusal when it fails, as `ingest` does.
    private func validateBeforeCreating(_ staged: StagedFile, _ kind: ProviderKind, _ name: RepositoryName, directory: [String],
                                        filename: String, declared: DeclaredIdentity?) throws(ArtifactError) -> PackageDescription {
        let started = ContinuousClock.now
        do throws(ArtifactError) {
            try checkUploadTarget(kind, directory: directory, filename: filename)
            let file: Filename
            do { file = try Filename(filename) } catch { throw ArtifactError.invalidName(error) }
            _ = try staged.finish()
            return try provider(kind).inspect(fileAt: staged.path, filename: file, location: directory, declared: declared)
        } catch {
            ArtifactMetrics.recordIngest(provider: kind, outcome: ArtifactMetrics.outcome(of: error), since: started)
            logger.warning("package rejected", metadata: [
                "repo.name": "\(name)", "file.name": "\(IdentifierError.printable(filename))", "reason": "\(error)",
            ])
            throw error
        }
    }

    /// Creates what is missing of the repository and its directories, remembering what this call created.
    private func createTarget(_ kind: ProviderKind, _ name: RepositoryName, directory: [String],
                              key: RepositoryKey) throws -> (DropTarget, CreatedForUpload) {
        var created = CreatedForUpload()
        var repository = try self.repository(kind, name)
        if repository == nil {
            do {
                repository = try createRepository(kind, name)
                created.repository = repository
            } catch ArtifactError.alreadyExists {
                repository = try self.repository(kind, name)
            }
        }
        guard let repository else { throw ArtifactError.notFound("repository \(kind)/\(name)") }
        do {
            let kinds = try provider(kind).directoryKinds(for: directory)
            let (directoryID, made) = try resolveDirectories(directory, kinds: kinds, in: repository, create: true)
            created.directories = made
            return (DropTarget(repository: repository, directoryID: directoryID, location: directory), created)
        } catch {
            undo(created, key: key)
            throw error
        }
    }

    /// Deletes what a failed upload created, unless another upload is at work on the repository or it holds a package.
    private func undo(_ created: CreatedForUpload, key: RepositoryKey) {
        guard !uploadClaims.othersHold(key) else { return }
        for id in created.directories.reversed() { try? metadata.removeDirectory(id: id) }
        guard let record = created.repository else { return }
        do {
            guard let orphans = try metadata.deleteRepositoryIfEmpty(id: record.id) else { return }
            deleteOrphans(orphans)
            snapshots.forget(repository: record.id)
            try provider(record.provider).repositoryDeleted(record)
            logger.info("repository removed again: the upload that created it failed", metadata: [
                "repo.provider": "\(record.provider)", "repo.name": "\(record.name)",
            ])
        } catch {
            logger.warning("repository created by a failed upload not removed", metadata: ["repo.name": "\(record.name)", "error": "\(error)"])
        }
    }
}

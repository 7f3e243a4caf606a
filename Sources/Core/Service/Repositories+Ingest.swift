// Ingestion: validate a staged file, store its blob, commit its row, schedule the reindex.
import Foundation
import Logging

/// When an ingest's repository is published: `soon` (debounced, the default), or `later`, for bulk imports
/// that publish once at their end.
public enum PublishTiming: Sendable {
    case soon, later
}

extension Repositories {
    /// Ingests a finished staged file under `filename` into `target`. On success the package is durable
    /// (blob flushed, row committed) and a publish is scheduled. On failure nothing is recorded, the staged
    /// file is discarded and the error says why (`.invalidPackage`, `.invalidName`, `.conflict`, `.outOfSpace`,
    /// `.storageUnavailable`). Identical bytes under an existing name succeed with `created == false`.
    /// `publish: .later` (bulk imports over HTTP) waits `deferredPublishDelay` instead of publishing soon.
    public func ingest(_ staged: StagedFile, into target: DropTarget, filename rawName: String,
                       declared: DeclaredIdentity? = nil, publish: PublishTiming = .soon) throws(ArtifactError) -> IngestOutcome {
        try ingest(staged, into: target, filename: rawName, declared: declared, publish: publish, inspected: nil)
    }

    /// `ingest`, with the provider's reading of the file when the caller already has it (an upload validated
    /// before its repository was created), so the file is not read twice.
    func ingest(_ staged: StagedFile, into target: DropTarget, filename rawName: String, declared: DeclaredIdentity?,
                publish: PublishTiming, inspected: PackageDescription?) throws(ArtifactError) -> IngestOutcome {
        defer { staged.discard() }
        let started = ContinuousClock.now
        do {
            let outcome = try ingestStaged(staged, into: target, filename: rawName, declared: declared, publish: publish,
                                           inspected: inspected)
            ArtifactMetrics.recordIngest(provider: target.repository.provider, outcome: outcome.created ? "stored" : "unchanged", since: started)
            logger.info(outcome.created ? "package stored" : "package unchanged", metadata: [
                "repo.name": "\(target.repository.name)", "file.name": "\(outcome.package.filename)",
                "file.sha256": "\(outcome.package.digests.sha256)", "file.size": "\(outcome.package.digests.size)",
            ])
            return outcome
        } catch {
            ArtifactMetrics.recordIngest(provider: target.repository.provider, outcome: ArtifactMetrics.outcome(of: error), since: started)
            logger.warning("package rejected", metadata: [
                "repo.name": "\(target.repository.name)", "file.name": "\(IdentifierError.printable(rawName))",
                "reason": "\(error)",
            ])
            throw error
        }
    }

    private func ingestStaged(_ staged: StagedFile, into target: DropTarget, filename rawName: String,
                              declared: DeclaredIdentity?, publish: PublishTiming,
                              inspected: PackageDescription?) throws(ArtifactError) -> IngestOutcome {
        let filename: Filename
        do { filename = try Filename(rawName) } catch { throw .invalidName(error) }
        let provider = try provider(target.repository.provider)
        if provider.isReserved(filename, at: target.location) {
            throw .readOnly(filename.rawValue)
        }
        let digests = try staged.finish()
        CrashPoint.ingestStaged.reached()
        // Same name, same bytes: nothing to validate or store again (rsync re-runs, retried uploads).
        if let existing = try storage("lookup", { try metadata.package(directory: target.directoryID, filename: filename) }) {
            if existing.digests.sha256 == digests.sha256 {
                return IngestOutcome(package: existing, created: false, publishTicket: 0)
            }
            if !target.repository.allowOverwrite {
                throw .conflict(filename: filename.rawValue,
                                reason: "a different file with this name exists (sha256 \(existing.digests.sha256))")
            }
        }
        let description: PackageDescription
        if let inspected {
            description = inspected
        } else {
            description = try provider.inspect(fileAt: staged.path, filename: filename, location: target.location, declared: declared)
        }
        let sidecars = description.preparedSidecars()
        let held = [digests.sha256] + sidecars.map(\.blob.digest)
        let result = try deletionGuard.referencing(held) { () throws(ArtifactError) -> PackageInsertResult in
            _ = try storage("blob store") { try blobs.adopt(staged) }
            try storeSidecars(sidecars)
            CrashPoint.ingestStored.reached()
            return try storage("catalogue") {
                try metadata.insertPackage(NewPackage(
                    repositoryID: target.repository.id, directoryID: target.directoryID, location: target.location,
                    filename: filename, name: description.name, version: description.version, digests: digests,
                    attributes: description.recordedAttributes(sidecars), identity: description.identity,
                    sidecars: sidecars.map(\.blob), uploadedAt: Date()), overwrite: target.repository.allowOverwrite)
            }
        }
        CrashPoint.ingestCommitted.reached()
        switch result {
        case .unchanged(let record):
            return IngestOutcome(package: record, created: false, publishTicket: 0)
        case .inserted(let record, let replaced):
            if let replaced { deleteOrphans([replaced.digests.sha256] + replaced.sidecarDigests) }
            let ticket = switch publish {
            case .soon: publisher.schedule(target.repository.id)
            case .later: publisher.scheduleLater(target.repository.id, delay: configuration.deferredPublishDelay)
            }
            return IngestOutcome(package: record, created: true, publishTicket: ticket)
        }
    }

    /// Stores sidecar blobs that are not stored yet (identical core metadata is shared between wheels).
    func storeSidecars(_ sidecars: [PreparedSidecar]) throws(ArtifactError) {
        try storage("blob store") {
            for sidecar in sidecars where try !blobs.contains(sidecar.blob.digest) {
                _ = try blobs.put(sidecar.bytes)
            }
        }
    }

    /// Deletes a package file and schedules the reindex; returns the deleted record.
    @discardableResult
    public func deletePackage(id: NodeID) throws(ArtifactError) -> (PackageRecord, publishTicket: UInt64) {
        let (record, orphans) = try storage("delete package") { try metadata.deletePackage(id: id) }
        deleteOrphans(orphans)
        logger.info("package deleted", metadata: ["file.name": "\(record.filename)", "repo.id": "\(record.repositoryID)"])
        return (record, publisher.schedule(record.repositoryID))
    }
}

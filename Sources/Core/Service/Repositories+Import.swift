// Bulk import: many files into one drop directory, validated like uploads, stored with one sync per batch,
// recorded in batched transactions and published once.
import Foundation

/// What happened to one file of an import.
public struct ImportResult: Sendable {
    public enum Outcome: Sendable {
        case stored
        /// The same bytes were already there under that name.
        case unchanged
        case rejected(ArtifactError)
    }

    public let path: String
    public let outcome: Outcome
}

extension Repositories {
    /// Files staged and validated per batch; bounds open spool files and makes one filesystem sync cover many.
    static let importBatchSize = 256

    /// Imports files (by path) into `target`. Each is checked as an upload would be (name, overwrite rules,
    /// identity, the provider's validation); the accepted ones of a batch become durable with one
    /// `adoptAll` and are recorded in one transaction (row by row when a row conflicts). The repository is
    /// published once at the end. `progress` gets the files and bytes done so far.
    public func importFiles(_ paths: [String], into target: DropTarget,
                            progress: (_ files: Int, _ bytes: Int64) -> Void = { _, _ in }) throws -> [ImportResult] {
        let provider = try provider(target.repository.provider)
        var results: [ImportResult] = []
        var seen = ImportBatchNames()
        var bytesDone: Int64 = 0
        for start in stride(from: 0, to: paths.count, by: Self.importBatchSize) {
            var accepted: [ImportedFile] = []
            for path in paths[start..<min(paths.count, start + Self.importBatchSize)] {
                do {
                    let (staged, row, sidecars) = try stageForImport(path, into: target, provider: provider, seen: &seen)
                    if let staged, let row { accepted.append(ImportedFile(path: path, staged: staged, row: row, sidecars: sidecars)) } else {
                        results.append(ImportResult(path: path, outcome: .unchanged))
                    }
                } catch {
                    results.append(ImportResult(path: path, outcome: .rejected(error)))
                    logger.warning("package rejected", metadata: ["file.path": "\(path)", "reason": "\(error)"])
                }
                bytesDone += Int64((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
                progress(results.count + accepted.count, bytesDone)
            }
            results += try recordImported(accepted, into: target)
        }
        for result in results { Self.countImported(result, provider: target.repository.provider) }
        try publishNow(repositoryID: target.repository.id)
        return results
    }

    /// Copies a file into the spool and validates it; nil when identical bytes are already stored under its name.
    private func stageForImport(_ path: String, into target: DropTarget, provider: any PackageProvider,
                                seen: inout ImportBatchNames) throws(ArtifactError) -> (StagedFile?, NewPackage?, [PreparedSidecar]) {
        let rawName = (path as NSString).lastPathComponent
        let filename: Filename
        do { filename = try Filename(rawName) } catch { throw .invalidName(error) }
        if provider.isReserved(filename, at: target.location) { throw .readOnly(filename.rawValue) }
        guard seen.names.insert(filename).inserted else {
            throw .conflict(filename: filename.rawValue, reason: "the import lists two files with this name")
        }
        let staged = try spool.create(digestKinds: provider.digestKinds)
        do throws(ArtifactError) {
            try Self.copy(path, into: staged)
            let digests = try staged.finish()
            if let existing = try storage("lookup", { try metadata.package(directory: target.directoryID, filename: filename) }) {
                if existing.digests.sha256 == digests.sha256 { staged.discard(); return (nil, nil, []) }
                if !target.repository.allowOverwrite {
                    throw ArtifactError.conflict(filename: filename.rawValue,
                                                 reason: "a different file with this name exists (sha256 \(existing.digests.sha256))")
                }
            }
            let description = try provider.inspect(fileAt: staged.path, filename: filename, location: target.location, declared: nil)
            if let identity = description.identity, !seen.identities.insert(ByteString(identity)).inserted {
                throw ArtifactError.conflict(filename: filename.rawValue, reason: "the same package is also in another file of the import")
            }
            let sidecars = description.preparedSidecars()
            return (staged, NewPackage(
                repositoryID: target.repository.id, directoryID: target.directoryID, location: target.location,
                filename: filename, name: description.name, version: description.version, digests: digests,
                attributes: description.recordedAttributes(sidecars), identity: description.identity,
                sidecars: sidecars.map(\.blob), uploadedAt: Date()), sidecars)
        } catch {
            staged.discard()
            throw error
        }
    }

    /// Makes a batch durable and records it; a row that conflicts is rejected alone.
    private func recordImported(_ accepted: [ImportedFile], into target: DropTarget) throws -> [ImportResult] {
        guard !accepted.isEmpty else { return [] }
        defer { accepted.forEach { $0.staged.discard() } }
        let overwrite = target.repository.allowOverwrite
        let sidecars = accepted.flatMap(\.sidecars)
        return try deletionGuard.referencing(accepted.map(\.row.digests.sha256) + sidecars.map(\.blob.digest)) { () throws -> [ImportResult] in
            _ = try storage("blob store") { try blobs.adoptAll(accepted.map(\.staged)) }
            try storeSidecars(sidecars)
            if let inserted = try? metadata.insertPackages(accepted.map(\.row), overwrite: overwrite) {
                deleteOrphans(Self.replacedDigests(inserted))
                return accepted.map { ImportResult(path: $0.path, outcome: .stored) }
            }
            return accepted.map { item in
                do throws(ArtifactError) {
                    let result = try storage("catalogue") { try metadata.insertPackage(item.row, overwrite: overwrite) }
                    deleteOrphans(Self.replacedDigests([result]))
                    return ImportResult(path: item.path, outcome: .stored)
                } catch {
                    return ImportResult(path: item.path, outcome: .rejected(error))
                }
            }
        }
    }

    /// Imports count as ingests (without a duration: files of a batch are validated and stored together).
    private static func countImported(_ result: ImportResult, provider: ProviderKind) {
        let outcome: String
        switch result.outcome {
        case .stored: outcome = "stored"
        case .unchanged: outcome = "unchanged"
        case .rejected(let error): outcome = ArtifactMetrics.outcome(of: error)
        }
        ArtifactMetrics.countIngest(provider: provider, outcome: outcome)
    }

    private static func replacedDigests(_ results: [PackageInsertResult]) -> [SHA256Digest] {
        results.flatMap { if case .inserted(_, let replaced?) = $0 { return [replaced.digests.sha256] + replaced.sidecarDigests } else { return [] } }
    }

    private static func copy(_ path: String, into staged: StagedFile) throws(ArtifactError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .badRequest("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .badRequest("cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { return }
            try staged.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}

/// A file of an import batch that passed validation, waiting to be stored.
struct ImportedFile {
    let path: String
    let staged: StagedFile
    let row: NewPackage
    let sidecars: [PreparedSidecar]
}

/// Names and identities already taken within one import, told apart by bytes as the catalogue does.
struct ImportBatchNames {
    var names = Set<Filename>()
    var identities = Set<ByteString>()
}

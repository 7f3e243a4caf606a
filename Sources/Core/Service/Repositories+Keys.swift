// Signing keys of apt repositories: show, import (then re-sign at once).

extension Repositories {
    /// The signing key of an apt repository; `.notFound` when the repository does not exist.
    public func signingKey(_ name: RepositoryName) throws -> SigningKeySummary? {
        let (keys, record) = try aptRepository(name)
        return try keys.keySummary(for: record)
    }

    /// Replaces an apt repository's signing key and republishes its indexes signed with it.
    public func importSigningKey(_ name: RepositoryName, bytes: [UInt8]) throws -> SigningKeySummary {
        let (keys, record) = try aptRepository(name)
        let summary = try keys.importKey(for: record, bytes: bytes)
        logger.notice("signing key imported", metadata: ["repo.name": "\(name)", "key.fingerprint": "\(summary.fingerprint)"])
        try publishNow(repositoryID: record.id)
        return summary
    }

    private func aptRepository(_ name: RepositoryName) throws -> (any SigningKeyStore, RepositoryRecord) {
        guard let keys = try provider(.apt).signingKeys else { throw ArtifactError.unsupportedProvider(.apt) }
        guard let record = try repository(.apt, name) else { throw ArtifactError.notFound("repository apt/\(name)") }
        return (keys, record)
    }
}

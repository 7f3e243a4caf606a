// Access control over the catalogue: private repositories, and named tokens (made here, stored as digests).
import Foundation

/// A token just made: its record and the secret, which exists nowhere else and is shown once.
public struct NewTokenSecret: Sendable {
    public let record: TokenRecord
    public let secret: String
}

/// Named tokens of one catalogue. The `token` commands use it on a stopped server's data directory, and
/// `Repositories.tokens()` reads through it for the HTTP exporter.
public struct AccessTokens: Sendable {
    let metadata: any MetadataStore

    public init(metadata: any MetadataStore) {
        self.metadata = metadata
    }

    /// Makes a named token with a fresh secret; only the secret's digest is stored. `.alreadyExists` when taken.
    public func add(_ name: TokenName, scope: TokenScope) throws -> NewTokenSecret {
        let secret = AccessToken.generate()
        let record = try metadata.addToken(name: name, secretDigest: AccessToken.digest(of: secret), scope: scope, at: Date())
        return NewTokenSecret(record: record, secret: secret)
    }

    /// Every named token, by name (digests and scopes; the secrets are not kept anywhere).
    public func list() throws -> [TokenRecord] {
        try metadata.tokens()
    }

    /// Deletes a token: requests presenting its secret fail from the next catalogue read on.
    public func remove(_ name: TokenName) throws {
        try metadata.removeToken(name: name)
    }
}

extension Repositories {
    /// Makes a repository private (HTTP reads need a covering token) or public again.
    @discardableResult
    public func setPrivate(_ kind: ProviderKind, _ name: RepositoryName, _ isPrivate: Bool) throws -> RepositoryRecord {
        guard let record = try repository(kind, name) else { throw ArtifactError.notFound("repository \(kind)/\(name)") }
        let updated = try storage("set private") { try metadata.setRepositoryPrivate(id: record.id, isPrivate) }
        logger.notice("repository access changed", metadata: ["repo.provider": "\(kind)", "repo.name": "\(name)",
                                                             "repo.private": "\(isPrivate)"])
        return updated
    }

    /// The named tokens in force.
    public func tokens() throws -> [TokenRecord] {
        try storage("read tokens") { try AccessTokens(metadata: metadata).list() }
    }
}

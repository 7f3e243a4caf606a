// Access control over the catalogue: private repositories, and named tokens (made here, stored as digests).
import Foundation
import Logging

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
        try changeRepository(kind, name, "repository access changed", ["repo.private": "\(isPrivate)"]) { id in
            try metadata.setRepositoryPrivate(id: id, isPrivate)
        }
    }

    /// Looks the repository up (`.notFound` when missing), applies `change` to its row and logs `message` with `detail`.
    private func changeRepository(_ kind: ProviderKind, _ name: RepositoryName, _ message: Logger.Message, _ detail: Logger.Metadata,
                                  _ change: (NodeID) throws -> RepositoryRecord) throws -> RepositoryRecord {
        guard let record = try repository(kind, name) else { throw ArtifactError.notFound("repository \(kind)/\(name)") }
        let updated = try storage("\(message)") { try change(record.id) }
        logger.notice(message, metadata: detail.merging(["repo.provider": "\(kind)", "repo.name": "\(name)"]) { own, _ in own })
        return updated
    }

    /// The named tokens in force.
    public func tokens() throws -> [TokenRecord] {
        try storage("read tokens") { try AccessTokens(metadata: metadata).list() }
    }
}

extension Repositories {
    /// Lets a different file replace one of the same name in this repository (or stops it).
    @discardableResult
    public func setAllowOverwrite(_ kind: ProviderKind, _ name: RepositoryName, _ allowOverwrite: Bool) throws -> RepositoryRecord {
        try changeRepository(kind, name, "repository overwrite policy changed", ["repo.allow_overwrite": "\(allowOverwrite)"]) { id in
            try metadata.setRepositoryAllowOverwrite(id: id, allowOverwrite)
        }
    }

    /// Widens a named token's scope to cover `repository` (a token for every repository already does); never narrows it.
    /// `.notFound` when no token has that name.
    public func grant(_ token: TokenName, _ repository: RepositoryKey) throws {
        guard let record = try tokens().first(where: { $0.name == token }) else { throw ArtifactError.notFound("token \(token)") }
        guard case .repositories(let keys) = record.scope, !keys.contains(repository) else { return }
        _ = try storage("grant token") { try metadata.setTokenScope(name: token, .repositories(keys.union([repository]))) }
        logger.notice("token scope widened", metadata: ["token.name": "\(token)", "repo": "\(repository)"])
    }
}

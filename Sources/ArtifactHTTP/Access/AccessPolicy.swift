// The tokens and private repositories in force, kept in memory while the catalogue is unchanged.
import Core
import HTTPTypes
import Synchronization

/// What access decisions read: the named tokens (digests only) and every repository, by node id, with its key and
/// whether it is private.
struct AccessSnapshot: Sendable {
    /// What a read decision needs of one repository row.
    struct Repository: Sendable {
        let key: RepositoryKey
        let isPrivate: Bool
    }

    let tokens: [TokenRecord]
    /// By node id: reads are decided for the repository a path *resolved* to, never for a name parsed from the
    /// request's text (which a look-alike spelling could make differ from what was resolved).
    let repositories: [NodeID: Repository]
    /// `--upload-token`'s digest: an extra token for every repository, not stored in the catalogue.
    let uploadTokenDigest: SHA256Digest?

    /// With no token of any kind, writes need none: the embedded default, so a fresh server accepts uploads.
    var writesOpen: Bool { tokens.isEmpty && uploadTokenDigest == nil }

    /// The credential a presented secret amounts to. Every token's digest is compared, each in constant time
    /// and without stopping at a match, so the time taken depends on the number of tokens only.
    func credential(for secret: String?) -> Caller.Credential {
        guard let secret else { return .none }
        let presented = AccessToken.digest(of: secret)
        var match: Caller.Credential?
        if let uploadTokenDigest, AccessToken.equal(presented, uploadTokenDigest) {
            match = .token(name: "upload-token", scope: .allRepositories)
        }
        for token in tokens where AccessToken.equal(presented, token.secretDigest) && match == nil {
            match = .token(name: token.name.rawValue, scope: token.scope)
        }
        return match ?? .invalid
    }
}

/// Decides who a request comes from. The snapshot is reloaded (on the executor) only when the catalogue's
/// `changeCount` has moved since it was read, so a hot GET still makes no catalogue call. Token and private
/// flag changes are catalogue writes, so the first request that starts after one returned sees it (the
/// argument of `ResolvedPathCache`).
final class AccessPolicy: Sendable {
    private struct Cached {
        var tag: UInt64
        var snapshot: AccessSnapshot
    }

    private let repositories: Repositories
    private let executor: BlockingExecutor
    private let uploadTokenDigest: SHA256Digest?
    private let cached = Mutex<Cached?>(nil)

    init(repositories: Repositories, executor: BlockingExecutor, uploadToken: String?) {
        self.repositories = repositories
        self.executor = executor
        uploadTokenDigest = uploadToken.flatMap { $0.isEmpty ? nil : AccessToken.digest(of: $0) }
    }

    /// The caller behind `headers`: a token, an invalid secret, or nobody.
    func caller(_ headers: HTTPFields) async throws -> Caller {
        let snapshot = try await current()
        return Caller(credential: snapshot.credential(for: Credentials.presentedSecret(headers[.authorization])), access: snapshot)
    }

    /// The snapshot for the catalogue as it is now.
    func current() async throws -> AccessSnapshot {
        let now = repositories.metadata.changeCount
        if let hit = cached.withLock({ $0?.tag == now ? $0?.snapshot : nil }) { return hit }
        let repositories = self.repositories, uploadTokenDigest = self.uploadTokenDigest
        let snapshot = try await executor.run { () throws -> AccessSnapshot in
            let tokens = try repositories.tokens()
            let rows = try repositories.metadata.repositories()
            let byID = Dictionary(rows.map { ($0.id, AccessSnapshot.Repository(key: $0.key, isPrivate: $0.isPrivate)) },
                                  uniquingKeysWith: { first, _ in first })
            return AccessSnapshot(tokens: tokens, repositories: byID, uploadTokenDigest: uploadTokenDigest)
        }
        cached.withLock { cached in
            // Counts only grow; a snapshot read under an older count must not replace a newer one.
            if cached == nil || cached!.tag < now { cached = Cached(tag: now, snapshot: snapshot) }
        }
        return snapshot
    }

    /// The repository key a path's text names (`/<provider>/<repo>/…`), for *write* checks, whose handlers then
    /// look the repository up by exactly that validated key. Reads never use it: they decide from the repository
    /// the path resolved to (`Caller.require(.read(_:))`), so no spelling can reach an unchecked entry.
    static func repositoryKey(_ components: [String]) -> RepositoryKey? {
        guard components.count >= 2, let kind = ProviderKind(pathComponent: components[0]),
              let name = try? RepositoryName(components[1]) else { return nil }
        return RepositoryKey(kind, name)
    }
}

// What a named token may do: the repositories it covers, and the catalogue row that records it.
import Foundation

/// The repositories a token covers. Only an all-repositories token may administer the server (create or
/// delete repositories, import signing keys, make a repository private or public).
public enum TokenScope: Sendable, Equatable {
    case allRepositories
    case repositories(Set<RepositoryKey>)

    /// Whether the token may read (when private) and write `repository`.
    public func covers(_ repository: RepositoryKey) -> Bool {
        switch self {
        case .allRepositories: return true
        case .repositories(let keys): return keys.contains(repository)
        }
    }

    public var coversAll: Bool { self == .allRepositories }

    /// `all`, or the repositories as `provider/name`, sorted and comma-separated (what `token list` prints).
    public var summary: String {
        switch self {
        case .allRepositories: return "all"
        case .repositories(let keys): return keys.sorted().map(\.description).joined(separator: ",")
        }
    }
}

/// A named token as the catalogue keeps it: never the secret, only its digest.
public struct TokenRecord: Sendable, Equatable {
    public let name: TokenName
    public let secretDigest: SHA256Digest
    public let scope: TokenScope
    public let createdAt: Date

    public init(name: TokenName, secretDigest: SHA256Digest, scope: TokenScope, createdAt: Date) {
        self.name = name
        self.secretDigest = secretDigest
        self.scope = scope
        self.createdAt = createdAt
    }
}

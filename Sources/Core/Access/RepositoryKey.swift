// A repository named by format and name (`pypi/internal`): what token scopes and private flags refer to.

/// A repository as an administrator names it. Scopes hold keys, not node ids, so a token can be granted a
/// repository its first upload will create, and keeps it when the repository is deleted and made again.
public struct RepositoryKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let provider: ProviderKind
    public let name: RepositoryName

    public init(_ provider: ProviderKind, _ name: RepositoryName) {
        self.provider = provider
        self.name = name
    }

    /// Parses `PROVIDER/REPO` (`tar/releases`), as the CLI's `--repo` takes it.
    public init(parsing text: String) throws(ArtifactError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let provider = ProviderKind(pathComponent: parts[0]) else {
            throw .badRequest("expected PROVIDER/REPO with PROVIDER one of apt, pypi, tar (got '\(IdentifierError.printable(text))')")
        }
        do { self.init(provider, try RepositoryName(parts[1])) } catch { throw .invalidName(error) }
    }

    /// `provider/name`.
    public var description: String { "\(provider)/\(name)" }
    /// Byte order of `provider/name` (equality and hashing are byte-exact through `RepositoryName`).
    public static func < (a: Self, b: Self) -> Bool { a.description.bytesPrecede(b.description) }
}

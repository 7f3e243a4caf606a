// The one protocol every repository format implements: where packages go, how one is read, what is published.
import Foundation

/// What a provider read out of a valid package file.
public struct PackageDescription: Sendable, Equatable {
    public var name: PackageName
    public var version: PackageVersion
    /// Stored with the package and given back to `buildIndexes` (so indexes never re-read blobs).
    public var attributes: [String: String]
    /// What makes the package unique within its drop directory besides the file name (apt: name, version as
    /// dpkg compares it, architecture): a second file with the same identity is a conflict. Nil when only
    /// names matter.
    public var identity: String?
    /// Extra files to store as blobs with the package, by name (PyPI: `metadata`, the core metadata). Ingestion
    /// stores each and records `<name>.sha256` and `<name>.size` in the attributes, so index builders can
    /// publish them (`GeneratedFile(stored:)`) without reading the package again.
    public var sidecars: [String: [UInt8]]

    public init(name: PackageName, version: PackageVersion, attributes: [String: String] = [:], identity: String? = nil,
                sidecars: [String: [UInt8]] = [:]) {
        self.name = name
        self.version = version
        self.attributes = attributes
        self.identity = identity
        self.sidecars = sidecars
    }
}

/// Name and version a client stated next to the file (the older `/addpkg` API's `name=` and `version=`).
public struct DeclaredIdentity: Sendable, Equatable {
    public var name: String?
    public var version: String?
    public init(name: String? = nil, version: String? = nil) {
        self.name = name
        self.version = version
    }
}

/// An index file produced by publishing, relative to the repository directory.
public struct GeneratedFile: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// New bytes, stored as a blob by the publish.
        case bytes([UInt8])
        /// A blob an earlier generation stored, or an earlier `.bytes` file of the same publish (apt's `by-hash`).
        case stored(SHA256Digest, size: Int64)
    }

    public let path: [String]
    public let content: Content
    /// Reachable by name but not listed.
    public let hidden: Bool

    /// The SHA-256 of `.bytes` content when the builder already computed it (saves hashing it again).
    public let knownDigest: SHA256Digest?

    public init(path: [String], bytes: [UInt8], hidden: Bool = false, digest: SHA256Digest? = nil) {
        self.path = path
        self.content = .bytes(bytes)
        self.hidden = hidden
        self.knownDigest = digest
    }

    public init(path: [String], stored digest: SHA256Digest, size: Int64, hidden: Bool = false) {
        self.path = path
        self.content = .stored(digest, size: size)
        self.hidden = hidden
        self.knownDigest = digest
    }
}

/// What an index builder reads: catalogue rows only, never package blobs.
public struct IndexInput: Sendable {
    public let repository: RepositoryRecord
    /// Every package of the repository, by ascending node id.
    public let packages: [PackageRecord]
    /// Every drop directory of the repository relative to it, including empty ones (apt's new components).
    public let dropDirectories: [[String]]
    /// Files of the most recent generations, newest first (what `by-hash` keeps reachable).
    public let recentGenerations: [[GeneratedFileSpec]]
    public let now: Date

    public init(repository: RepositoryRecord, packages: [PackageRecord], dropDirectories: [[String]] = [],
                recentGenerations: [[GeneratedFileSpec]] = [], now: Date) {
        self.repository = repository
        self.packages = packages
        self.dropDirectories = dropDirectories
        self.recentGenerations = recentGenerations
        self.now = now
    }
}

/// Choices made when a repository is created (from the API or the CLI; `mkdir` uses the defaults).
public struct RepositoryOptions: Sendable, Equatable {
    public var allowOverwrite: Bool
    /// Signing key type for formats that sign their indexes; nil is the provider's default.
    public var keyAlgorithm: KeyAlgorithm?
    /// HTTP reads need a token covering the repository.
    public var isPrivate: Bool

    public init(allowOverwrite: Bool = false, keyAlgorithm: KeyAlgorithm? = nil, isPrivate: Bool = false) {
        self.allowOverwrite = allowOverwrite
        self.keyAlgorithm = keyAlgorithm
        self.isPrivate = isPrivate
    }
}

/// A repository format. Implementations are stateless and pure apart from reading the file given to `inspect`.
public protocol PackageProvider: Sendable {
    var kind: ProviderKind { get }
    /// Digests besides SHA-256 that indexes list (computed while bytes arrive).
    var digestKinds: DigestKinds { get }

    /// The node kinds to create for a directory path below the repository (mkdir -p, or an upload into it);
    /// throws `.notADropDirectory` when the format has no such directory.
    func directoryKinds(for components: [String]) throws(ArtifactError) -> [NodeKind]
    /// Whether packages may be dropped into this directory (relative to the repository).
    func acceptsPackages(at components: [String]) -> Bool
    /// Whether a file name in that drop directory is taken by a generated file.
    func isReserved(_ filename: Filename, at components: [String]) -> Bool

    /// Validates the file by reading it; returns name, version and index attributes, or throws
    /// `ArtifactError.invalidPackage` saying why.
    func inspect(fileAt path: String, filename: Filename, location: [String], declared: DeclaredIdentity?)
        throws(ArtifactError) -> PackageDescription

    /// Builds every generated file of a repository from its catalogue rows. Pure apart from signing:
    /// same rows, same bytes.
    func buildIndexes(_ input: IndexInput) throws -> [GeneratedFile]

    /// Prepares per-repository state (apt's signing key) right after the repository row is created;
    /// a failure deletes the repository again.
    func repositoryCreated(_ repository: RepositoryRecord, options: RepositoryOptions) throws
    /// Drops per-repository state after the repository is deleted.
    func repositoryDeleted(_ repository: RepositoryRecord)
    /// The per-repository signing keys of a format that signs its indexes (apt); nil for the others.
    var signingKeys: (any SigningKeyStore)? { get }
}

extension PackageProvider {
    public func repositoryCreated(_ repository: RepositoryRecord, options: RepositoryOptions) throws {}
    public func repositoryDeleted(_ repository: RepositoryRecord) {}
    public var signingKeys: (any SigningKeyStore)? { nil }
}

/// A sidecar with its digest computed, ready to be stored and recorded.
public struct PreparedSidecar: Sendable {
    public let blob: SidecarBlob
    public let bytes: [UInt8]
}

extension PackageDescription {
    /// The sidecars with their digests, by name.
    public func preparedSidecars() -> [PreparedSidecar] {
        sidecars.keys.sorted().map { name in
            let bytes = sidecars[name]!
            return PreparedSidecar(blob: SidecarBlob(name: name, digest: SHA256Digest(of: bytes), size: Int64(bytes.count)), bytes: bytes)
        }
    }

    /// The attributes to record: the provider's plus `<name>.sha256` and `<name>.size` of each sidecar.
    public func recordedAttributes(_ sidecars: [PreparedSidecar]) -> [String: String] {
        var result = attributes
        for sidecar in sidecars {
            result[sidecar.blob.name + ".sha256"] = sidecar.blob.digest.hex
            result[sidecar.blob.name + ".size"] = String(sidecar.blob.size)
        }
        return result
    }
}

extension PackageRecord {
    /// The digests of the package's sidecars, read back from the attributes `recordedAttributes` wrote.
    public var sidecarDigests: [SHA256Digest] {
        attributes.filter { $0.key.hasSuffix(".sha256") }.compactMap { SHA256Digest(hex: $0.value) }
    }
}

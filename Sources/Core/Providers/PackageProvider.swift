// The one protocol every repository format implements: where packages go, how one is read, what is published.
import Foundation

/// What a provider read out of a valid package file.
public struct PackageDescription: Sendable, Equatable {
    public var name: PackageName
    public var version: PackageVersion
    /// Stored with the package and given back to `buildIndexes` (so indexes never re-read blobs).
    public var attributes: [String: String]

    public init(name: PackageName, version: PackageVersion, attributes: [String: String] = [:]) {
        self.name = name
        self.version = version
        self.attributes = attributes
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
    public let path: [String]
    public let bytes: [UInt8]
    /// Reachable by name but not listed.
    public let hidden: Bool

    public init(path: [String], bytes: [UInt8], hidden: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.hidden = hidden
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

    /// Builds every generated file of a repository from its catalogue rows. Pure: same rows, same bytes.
    func buildIndexes(repository: RepositoryRecord, packages: [PackageRecord], at: Date) throws -> [GeneratedFile]
}

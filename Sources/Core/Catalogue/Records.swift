// The catalogue's rows as value types: what the tree, the ingestor and the index builders exchange.
import Foundation

/// A node of the tree. Catalogue row ids: stable across restarts and never reused.
public typealias NodeID = Int64

/// What a node is; it decides who may write it and how it is listed.
public enum NodeKind: String, Sendable, Codable {
    /// `/` and the provider directories `/apt`, `/pypi`, `/tar`.
    case root
    /// `/<provider>/<repo>/`.
    case repository
    /// A directory created with mkdir inside a repository (apt's `pool/<dist>`).
    case directory
    /// A directory that accepts packages and is not the repository itself (apt's `pool/<dist>/<component>`).
    case dropDirectory
    /// A package file.
    case package
    /// A directory that exists because publishing put files in it.
    case generatedDirectory
    /// An index, checksum list or key file written by publishing.
    case generatedFile

    public var isDirectory: Bool {
        switch self {
        case .root, .repository, .directory, .dropDirectory, .generatedDirectory: return true
        case .package, .generatedFile: return false
        }
    }

    public var isGenerated: Bool { self == .generatedFile || self == .generatedDirectory }
}

/// Well-known node ids created by the first migration.
public enum WellKnownNode {
    public static let root: NodeID = 1
    /// The node of `/<provider>`.
    public static func provider(_ kind: ProviderKind) -> NodeID {
        switch kind {
        case .apt: return 2
        case .pypi: return 3
        case .tar: return 4
        }
    }
}

/// One visible entry of the tree with the attributes both views show.
public struct TreeEntry: Sendable, Equatable {
    public let id: NodeID
    public let parentID: NodeID?
    public let name: String
    public let kind: NodeKind
    /// The repository the node belongs to (nil for root and provider directories).
    public let repositoryID: NodeID?
    /// Bytes of a file; 0 for directories.
    public let size: Int64
    /// Content address of a file; nil for directories.
    public let digest: SHA256Digest?
    public let modified: Date
    /// Permission bits set by a client (rsync -a); nil means the default for the kind.
    public let mode: UInt16?

    public init(id: NodeID, parentID: NodeID?, name: String, kind: NodeKind, repositoryID: NodeID?,
                size: Int64 = 0, digest: SHA256Digest? = nil, modified: Date, mode: UInt16? = nil) {
        self.id = id
        self.parentID = parentID
        self.name = name
        self.kind = kind
        self.repositoryID = repositoryID
        self.size = size
        self.digest = digest
        self.modified = modified
        self.mode = mode
    }

    public var isDirectory: Bool { kind.isDirectory }
}

/// A repository row.
public struct RepositoryRecord: Sendable, Equatable {
    public let id: NodeID
    public let provider: ProviderKind
    public let name: RepositoryName
    /// When true, a different file under an existing name replaces it instead of failing with a conflict.
    public let allowOverwrite: Bool
    /// When true, HTTP reads need a token covering the repository (the mount is governed by file modes instead).
    public let isPrivate: Bool
    public let createdAt: Date
    public let currentGenerationID: Int64?

    public var key: RepositoryKey { RepositoryKey(provider, name) }
}

/// A stored package file and what its provider read out of it.
public struct PackageRecord: Sendable, Equatable {
    /// The package file's node id.
    public let id: NodeID
    public let repositoryID: NodeID
    /// The drop directory's node id.
    public let directoryID: NodeID
    /// The drop directory relative to the repository (`[]` for tar and pypi, `["pool", dist, component]` for apt).
    public let location: [String]
    public let filename: Filename
    public let name: PackageName
    public let version: PackageVersion
    public let digests: FileDigests
    /// Provider-specific fields (format, architecture, control paragraph, …).
    public let attributes: [String: String]
    public let uploadedAt: Date
    public let modified: Date
    public let mode: UInt16?
}

/// A package about to be recorded.
public struct NewPackage: Sendable {
    public var repositoryID: NodeID
    public var directoryID: NodeID
    public var location: [String]
    public var filename: Filename
    public var name: PackageName
    public var version: PackageVersion
    public var digests: FileDigests
    public var attributes: [String: String]
    /// Unique within the drop directory when set (see `PackageDescription.identity`).
    public var identity: String?
    /// Blobs already stored for this package besides its file (they live and die with the row).
    public var sidecars: [SidecarBlob]
    public var uploadedAt: Date

    public init(repositoryID: NodeID, directoryID: NodeID, location: [String], filename: Filename, name: PackageName,
                version: PackageVersion, digests: FileDigests, attributes: [String: String], identity: String? = nil,
                sidecars: [SidecarBlob] = [], uploadedAt: Date) {
        self.repositoryID = repositoryID
        self.directoryID = directoryID
        self.location = location
        self.filename = filename
        self.name = name
        self.version = version
        self.digests = digests
        self.attributes = attributes
        self.identity = identity
        self.sidecars = sidecars
        self.uploadedAt = uploadedAt
    }
}

/// A stored blob that belongs to a package row (PyPI's core metadata file), named within the package.
public struct SidecarBlob: Sendable, Equatable {
    public let name: String
    public let digest: SHA256Digest
    public let size: Int64

    public init(name: String, digest: SHA256Digest, size: Int64) {
        self.name = name
        self.digest = digest
        self.size = size
    }
}

/// What recording a package did.
public enum PackageInsertResult: Sendable, Equatable {
    /// A new package (and, on an allowed overwrite, the one it replaced).
    case inserted(PackageRecord, replaced: PackageRecord?)
    /// The same bytes were already there under that name: nothing changed.
    case unchanged(PackageRecord)
}

/// One file of a publish, relative to the repository directory.
public struct GeneratedFileSpec: Sendable, Equatable {
    public let path: [String]
    public let digest: SHA256Digest
    public let size: Int64
    /// Reachable by name but not listed (PEP 658 `.metadata`).
    public let hidden: Bool

    public init(path: [String], digest: SHA256Digest, size: Int64, hidden: Bool = false) {
        self.path = path
        self.digest = digest
        self.size = size
        self.hidden = hidden
    }
}

/// A published generation of a repository's generated files.
public struct GenerationRecord: Sendable, Equatable {
    public let id: Int64
    public let repositoryID: NodeID
    public let createdAt: Date
}

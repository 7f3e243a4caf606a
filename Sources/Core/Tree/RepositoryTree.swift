// The single read model of the tree: the FUSE adapter and the HTTP exporter both present exactly this.
import Foundation

/// Lookups, listings and reads over the catalogue and blob store. Blocking; thread-safe.
public struct RepositoryTree: Sendable {
    let metadata: any MetadataStore
    let blobs: any BlobStore
    /// Holds the blob of every open reader, so deleting its file meanwhile does not break the read.
    let deletionGuard: BlobDeletionGuard

    public init(metadata: any MetadataStore, blobs: any BlobStore, deletionGuard: BlobDeletionGuard = BlobDeletionGuard()) {
        self.metadata = metadata
        self.blobs = blobs
        self.deletionGuard = deletionGuard
    }

    /// The root directory.
    public func root() throws -> TreeEntry {
        guard let root = try metadata.entry(id: WellKnownNode.root) else { throw ArtifactError.storageUnavailable("catalogue has no root") }
        return root
    }

    /// The entry with this node id, if it still exists and is visible.
    public func entry(id: NodeID) throws -> TreeEntry? { try metadata.entry(id: id) }

    /// Looks up one name in a directory. `.` and `..` resolve to the directory and its parent; hidden
    /// generated files (PEP 658 metadata) are found by name although listings omit them.
    /// Names match byte for byte (the catalogue's BINARY collation): `é` and `e` + U+0301 are two names.
    public func lookup(_ name: String, in directory: TreeEntry) throws -> TreeEntry? {
        if name.bytesEqual(".") { return directory }
        if name.bytesEqual("..") { return try directory.parentID.flatMap { try metadata.entry(id: $0) } ?? directory }
        return try metadata.child(of: directory.id, named: name, includeHidden: true)
    }

    /// Looks up a name other than `.`/`..` in the directory with id `directory`, in one catalogue read
    /// (the FUSE lookup path, where the directory's own row is not needed).
    public func lookup(_ name: String, inDirectory directory: NodeID) throws -> TreeEntry? {
        try metadata.child(of: directory, named: name, includeHidden: true)
    }

    /// Walks `components` from the root; nil when any step is missing or not a directory.
    public func resolve(_ components: [String]) throws -> TreeEntry? {
        try resolve(components, from: try root())
    }

    /// Walks `components` from `start`; nil when any step is missing or not a directory.
    public func resolve(_ components: some Collection<String>, from start: TreeEntry) throws -> TreeEntry? {
        var current = start
        for component in components {
            guard current.isDirectory, let next = try lookup(component, in: current) else { return nil }
            current = next
        }
        return current
    }

    /// A page of a directory's visible entries with ids greater than `after` (0 for the first page).
    public func list(_ directory: TreeEntry, after: NodeID = 0, limit: Int = 1024) throws -> [TreeEntry] {
        try metadata.children(of: directory.id, after: after, limit: limit)
    }

    /// Opens a file for reading: its bytes as they were at open, until `close()`, even if the file is deleted or
    /// replaced meanwhile (the blob's deletion waits for the reader).
    public func open(_ file: TreeEntry) throws -> any BlobReader {
        guard let digest = file.digest, !file.isDirectory else { throw ArtifactError.notFound(file.name) }
        deletionGuard.hold(digest)
        do {
            return HeldBlobReader(try blobs.open(digest), digest: digest, deletionGuard: deletionGuard, blobs: blobs, metadata: metadata)
        } catch {
            deletionGuard.release(digest, blobs: blobs, metadata: metadata)
            throw error
        }
    }

    /// The path components of an entry from the root (for links and logs).
    public func path(of entry: TreeEntry) throws -> [String] {
        var components: [String] = []
        var current: TreeEntry? = entry
        while let node = current, let parent = node.parentID {
            components.append(node.name)
            current = try metadata.entry(id: parent)
        }
        return components.reversed()
    }
}

// The filesystem over the repository tree, without libfuse: inodes, handles, staging and errno decisions.
import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// Every method blocks and may be called from any FUSE worker thread. Errors are `ArtifactError` or
/// `ErrnoError`; `Errno.of` turns either into the errno the adapter replies with.
///
/// Inode numbers are catalogue node ids, except for files being written, which get numbers from
/// `stagedInodeBase` up until they are ingested (then their name leads to the package's node id).
public final class ArtifactFileSystem: Sendable {
    /// Settings of the mount.
    public struct Configuration: Sendable {
        public var ownership = Ownership()
        /// Entries per readdir reply page fetched from the catalogue.
        public var readdirBatchCountMax = 512
        public init() {}
    }

    /// First inode number of staged files: far above any catalogue id, so the two never meet.
    public static let stagedInodeBase: UInt64 = 1 << 48
    /// Readdir cookies 1 and 2 are `.` and `..`; entry cookies are inode + 2.
    static let cookieOffset: UInt64 = 2

    /// A staged name in a directory. By bytes (`ByteString`), as the kernel and the catalogue tell names apart:
    /// `é` written as U+00E9 and as `e` + U+0301 are two files, as on ext4, never one inode serving both.
    struct NameKey: Hashable {
        let parent: NodeID
        let name: ByteString

        init(parent: NodeID, name: String) {
            self.parent = parent
            self.name = ByteString(name)
        }
    }

    struct State: ~Copyable {
        var staged: [UInt64: StagedNode] = [:]
        var stagedByName: [NameKey: UInt64] = [:]
        var handles: [UInt64: OpenHandle] = [:]
        var nextHandle: UInt64 = 1
        var nextStagedInode = ArtifactFileSystem.stagedInodeBase
    }

    public let repositories: Repositories
    let configuration: Configuration
    let logger: Logger
    let state = Mutex(State())
    /// Called (off the request thread) with (parent, name) of names whose target changed.
    let invalidations = Mutex<EntryChangedCallback?>(nil)

    public init(repositories: Repositories, configuration: Configuration = .init(), logger: Logger) {
        self.repositories = repositories
        self.configuration = configuration
        self.logger = logger
    }

    var tree: RepositoryTree { repositories.tree }

    /// Sets the callback the adapter uses to drop kernel dentries after an ingest renamed what a name means.
    public func onEntryChanged(_ callback: @escaping @Sendable (UInt64, String) -> Void) {
        invalidations.withLock { $0 = EntryChangedCallback(call: callback) }
    }

    // MARK: - Lookup and attributes

    /// Resolves `name` in directory `parent` and counts one kernel reference to the result.
    public func lookup(parent: UInt64, name: String) throws -> NodeAttributes {
        if let attributes = state.withLock({ s -> NodeAttributes? in
            guard let inode = s.stagedByName[NameKey(parent: NodeID(parent), name: name)] else { return nil }
            s.staged[inode]!.lookups += 1
            return attributes(of: s.staged[inode]!)
        }) { return attributes }
        if parent >= Self.stagedInodeBase { throw ErrnoError(ENOTDIR) }
        let entry = name.bytesEqual(".") || name.bytesEqual("..")
            ? try tree.lookup(name, in: try directoryEntry(parent))
            : try tree.lookup(name, inDirectory: NodeID(parent))
        guard let entry else { throw ArtifactError.notFound(name) }
        return attributes(of: entry)
    }

    /// Counts a reference the kernel took without a lookup (readdirplus entries).
    public func noteLookup(_ inode: UInt64) {
        state.withLock { s in s.staged[inode]?.lookups += 1 }
    }

    /// The kernel dropped `count` references to `inode`.
    public func forget(_ inode: UInt64, count: UInt64) {
        state.withLock { s in
            guard var node = s.staged[inode] else { return }
            node.lookups -= min(node.lookups, count)
            s.staged[inode] = node
            Self.dropIfUnused(&s, inode)
        }
    }

    /// The attributes of `inode`. A file deleted while open keeps answering, with the attributes it was opened
    /// with and no links, until its last handle is released: the kernel asks again when its cached attributes
    /// expire (each read, with `auto_inval_data`), and an error there would fail reads SEMANTICS.md promises.
    public func getattr(_ inode: UInt64) throws -> NodeAttributes {
        if let staged = stagedSnapshot(inode) {
            if let package = staged.ingestedAs {
                guard let entry = try tree.entry(id: package) else { return try openedAttributes(inode, missing: staged.name) }
                var attributes = attributes(of: entry)
                attributes.inode = inode
                return attributes
            }
            return attributes(of: staged)
        }
        guard let entry = try tree.entry(id: NodeID(inode)) else { return try openedAttributes(inode, missing: "inode \(inode)") }
        return attributes(of: entry)
    }

    /// The attributes an open blob handle of `inode` was opened with, unlinked; `.notFound` when none is open.
    private func openedAttributes(_ inode: UInt64, missing: String) throws -> NodeAttributes {
        let opened = state.withLock { s in
            s.handles.values.lazy.compactMap { handle -> NodeAttributes? in
                guard case .blob(_, let attributes) = handle, attributes.inode == inode else { return nil }
                return attributes
            }.first
        }
        guard var attributes = opened else { throw ArtifactError.notFound(missing) }
        attributes.linkCount = 0
        return attributes
    }

    /// Block counts and free space of the disk that holds the data directory.
    public func statfs(path: String) -> statvfs {
        var info = Glibc.statvfs()
        // `statvfs(path, &info)` is ambiguous with the struct's initializer in Swift; fstatvfs is not.
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return info }
        defer { Glibc.close(fd) }
        _ = fstatvfs(fd, &info)
        return info
    }

    // MARK: - Directories

    /// Up to `limit` entries after `cookie` (0 = from the start), `.` and `..` first. Cookies are stable:
    /// a listing resumes from any cookie it handed out, even after entries were added or removed.
    public func readdir(_ inode: UInt64, after cookie: UInt64, limit: Int) throws -> [DirectoryEntry] {
        let directory = try directoryEntry(inode)
        var result: [DirectoryEntry] = []
        if cookie < 1 { result.append(DirectoryEntry(name: ".", attributes: attributes(of: directory), cookie: 1)) }
        if cookie < 2 {
            let parent = try directory.parentID.flatMap { try tree.entry(id: $0) } ?? directory
            result.append(DirectoryEntry(name: "..", attributes: attributes(of: parent), cookie: 2))
        }
        let after = cookie > Self.cookieOffset ? cookie - Self.cookieOffset : 0
        let stagedHere = state.withLock { s in
            s.staged.values.filter { $0.linked && $0.parent == directory.id }.sorted { $0.inode < $1.inode }
        }
        let shadowed = Set(stagedHere.map { ByteString($0.name) })
        var last = after
        if after < Self.stagedInodeBase {
            while result.count < limit {
                let page = try tree.list(directory, after: NodeID(last), limit: min(configuration.readdirBatchCountMax, limit))
                guard !page.isEmpty else { last = Self.stagedInodeBase - 1; break }
                for entry in page where !shadowed.contains(ByteString(entry.name)) && result.count < limit {
                    result.append(DirectoryEntry(name: entry.name, attributes: attributes(of: entry), cookie: UInt64(entry.id) + Self.cookieOffset))
                }
                last = UInt64(page.last!.id)
                if result.count >= limit { return result }
            }
        }
        for node in stagedHere where node.inode > last && result.count < limit {
            result.append(DirectoryEntry(name: node.name, attributes: attributes(of: node), cookie: node.inode + Self.cookieOffset))
        }
        return result
    }

    /// `mkdir`: a repository under `/<provider>/`, or a directory the repository's format has.
    public func mkdir(parent: UInt64, name: String) throws -> NodeAttributes {
        let directory = try directoryEntry(parent)
        return attributes(of: try repositories.makeDirectory(named: name, in: directory))
    }

    /// `rmdir`: an empty directory, or a repository without packages.
    public func rmdir(parent: UInt64, name: String) throws {
        let directory = try directoryEntry(parent)
        guard let entry = try tree.lookup(name, in: directory) else { throw ArtifactError.notFound(name) }
        guard entry.isDirectory else { throw ErrnoError(ENOTDIR) }
        if state.withLock({ s in s.staged.values.contains { $0.linked && $0.parent == entry.id } }) {
            throw ArtifactError.notEmpty(name)
        }
        try repositories.removeDirectory(entry)
    }

    // MARK: - Helpers

    func directoryEntry(_ inode: UInt64) throws -> TreeEntry {
        if inode >= Self.stagedInodeBase { throw ErrnoError(ENOTDIR) }
        guard let entry = try tree.entry(id: NodeID(inode)) else { throw ArtifactError.notFound("inode \(inode)") }
        guard entry.isDirectory else { throw ErrnoError(ENOTDIR) }
        return entry
    }

    func stagedSnapshot(_ inode: UInt64) -> StagedNode? {
        guard inode >= Self.stagedInodeBase else { return nil }
        return state.withLock { $0.staged[inode] }
    }

    func attributes(of entry: TreeEntry) -> NodeAttributes {
        let permissions: UInt16
        switch entry.kind {
        case .root, .repository, .directory, .dropDirectory: permissions = 0o755
        case .generatedDirectory: permissions = 0o555
        case .generatedFile: permissions = 0o444
        case .package: permissions = (entry.mode ?? 0o644) & 0o7777
        }
        return NodeAttributes(inode: UInt64(entry.id), isDirectory: entry.isDirectory, permissions: permissions,
                              linkCount: entry.isDirectory ? 2 : 1, size: entry.size, modified: entry.modified,
                              uid: configuration.ownership.uid, gid: configuration.ownership.gid)
    }

    func attributes(of node: StagedNode) -> NodeAttributes {
        NodeAttributes(inode: node.inode, isDirectory: false, permissions: node.permissions, linkCount: node.linked ? 1 : 0,
                       size: node.file.size, modified: node.modified,
                       uid: configuration.ownership.uid, gid: configuration.ownership.gid)
    }

    /// Forgets a staged inode nobody can reach any more (no name, no handle, no kernel reference).
    static func dropIfUnused(_ s: inout State, _ inode: UInt64) {
        guard let node = s.staged[inode], !node.linked, node.openHandles == 0, node.lookups == 0, !node.ingesting else { return }
        s.staged[inode] = nil
        node.file.discard()
    }

    func notifyEntryChanged(parent: NodeID, name: String) {
        guard let callback = invalidations.withLock({ $0 }) else { return }
        callback.call(UInt64(parent), name)
    }
}

/// The entry-changed callback in a class box. A function value stored in a `Mutex` directly was wrapped in
/// two more reabstraction thunks on every `withLock` (it passes through a generic `inout`), so each ingest
/// made later calls slower; a class reference passes through unchanged.
final class EntryChangedCallback: Sendable {
    let call: @Sendable (UInt64, String) -> Void
    init(call: @escaping @Sendable (UInt64, String) -> Void) { self.call = call }
}

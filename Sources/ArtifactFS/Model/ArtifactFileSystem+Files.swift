// Opening, reading and writing files: staging on create, ingesting on flush/release/rename.
import Core
import Foundation

extension ArtifactFileSystem {
    // MARK: - Create

    /// `create`: a new staged file in a drop directory, opened for writing by process `opener` (when known).
    public func create(parent: UInt64, name: String, permissions: UInt16, opener: Int32? = nil) throws -> (NodeAttributes, OpenedFile) {
        let inode = try stage(parent: parent, name: name, permissions: permissions, lookups: 1)
        let handle = state.withLock { s -> UInt64 in
            s.staged[inode]!.openHandles += 1
            s.staged[inode]!.writers += 1
            return Self.addHandle(&s, .staged(inode, writable: true, opener: opener))
        }
        let attributes = try getattr(inode)
        return (attributes, OpenedFile(handle: handle, directIO: false, keepCache: false))
    }

    /// `mknod` of a regular file (how NFS servers create files): staged, not opened.
    public func mknod(parent: UInt64, name: String, permissions: UInt16, isRegularFile: Bool) throws -> NodeAttributes {
        guard isRegularFile else { throw ErrnoError(EPERM) }
        return try getattr(try stage(parent: parent, name: name, permissions: permissions, lookups: 1))
    }

    private func stage(parent: UInt64, name: String, permissions: UInt16, lookups: UInt64) throws -> UInt64 {
        let directory = try directoryEntry(parent)
        let target = try repositories.dropTarget(forDirectory: directory)
        let provider = try repositories.provider(target.repository.provider)
        try Self.validateName(name, provider: provider, location: target.location)
        let file = try repositories.spool.create(digestKinds: provider.digestKinds)
        return state.withLock { s in
            let key = NameKey(parent: directory.id, name: name)
            if let existing = s.stagedByName[key] {
                // O_CREAT on a file still being written: same inode, emptied.
                file.discard()
                try? s.staged[existing]!.file.truncate(to: 0)
                s.staged[existing]!.dirty = true
                s.staged[existing]!.lookups += lookups
                return existing
            }
            let inode = s.nextStagedInode
            s.nextStagedInode += 1
            s.staged[inode] = StagedNode(inode: inode, parent: directory.id, name: name, file: file,
                                         permissions: permissions & 0o7777, lookups: lookups)
            s.stagedByName[key] = inode
            return inode
        }
    }

    /// Final names must be valid file names and not generated ones; temporary names only need to be safe.
    static func validateName(_ name: String, provider: any PackageProvider, location: [String]) throws {
        do {
            if Filename.isTemporaryName(name) {
                _ = try Filename("t" + name.dropFirst())
            } else {
                let filename = try Filename(name)
                if provider.isReserved(filename, at: location) { throw ArtifactError.readOnly(name) }
            }
        } catch let error as IdentifierError {
            throw ArtifactError.invalidName(error)
        }
    }

    // MARK: - Open, read, write

    /// `open` by process `opener` (when known). Writing a stored package starts a replacement (staged under the
    /// same name): it ends as "unchanged" when the bytes are the same, or as a conflict unless the repository
    /// allows overwrite.
    public func open(_ inode: UInt64, flags: Int32, opener: Int32? = nil) throws -> OpenedFile {
        let writing = (flags & O_ACCMODE) != O_RDONLY
        let truncate = (flags & O_TRUNC) != 0
        if let staged = stagedSnapshot(inode), staged.ingestedAs == nil {
            // A staged file no longer under its name (rejected, discarded or unlinked) can still be reached through
            // a dentry the kernel cached. Writing it would be lost without an error, since nothing ingests an
            // unlinked file. ESTALE makes the kernel look the name up again and, with O_CREAT, create a new file.
            guard staged.linked else { throw ErrnoError(ESTALE) }
            return try state.withLock { s throws -> OpenedFile in
                guard s.staged[inode] != nil else { throw ArtifactError.notFound(staged.name) }
                if truncate && writing { try s.staged[inode]!.file.truncate(to: 0); s.staged[inode]!.dirty = true }
                s.staged[inode]!.openHandles += 1
                if writing { s.staged[inode]!.writers += 1 }
                // direct_io: the bytes change while the file is open, so the page cache must not serve old ones.
                return OpenedFile(handle: Self.addHandle(&s, .staged(inode, writable: writing, opener: opener)), directIO: true, keepCache: false)
            }
        }
        let id = stagedSnapshot(inode)?.ingestedAs ?? NodeID(inode)
        guard let entry = try tree.entry(id: id) else { throw ArtifactError.notFound("inode \(inode)") }
        if entry.isDirectory { throw ErrnoError(EISDIR) }
        if writing {
            guard entry.kind == .package else { throw ArtifactError.readOnly(entry.name) }
            return try openForReplacement(entry, truncate: truncate, opener: opener)
        }
        let reader = try tree.open(entry)
        var opened = attributes(of: entry)
        opened.inode = inode
        let handle = state.withLock { Self.addHandle(&$0, .blob(reader, opened)) }
        return OpenedFile(handle: handle, directIO: entry.kind == .generatedFile, keepCache: entry.kind == .package)
    }

    private func openForReplacement(_ entry: TreeEntry, truncate: Bool, opener: Int32?) throws -> OpenedFile {
        guard let parent = entry.parentID, let package = try repositories.metadata.package(id: entry.id) else {
            throw ArtifactError.notFound(entry.name)
        }
        let copy = try repositories.stageCopy(of: package)
        if truncate { try copy.truncate(to: 0) }
        return state.withLock { s in
            let inode = s.nextStagedInode
            s.nextStagedInode += 1
            var node = StagedNode(inode: inode, parent: parent, name: entry.name, file: copy, permissions: (entry.mode ?? 0o644) & 0o7777)
            node.openHandles = 1
            node.writers = 1
            node.dirty = truncate
            node.modified = entry.modified
            if let old = s.stagedByName[NameKey(parent: parent, name: entry.name)] { s.staged[old]?.linked = false }
            s.staged[inode] = node
            s.stagedByName[NameKey(parent: parent, name: entry.name)] = inode
            return OpenedFile(handle: Self.addHandle(&s, .staged(inode, writable: true, opener: opener)), directIO: false, keepCache: false)
        }
    }

    /// `read` from an open handle.
    public func read(handle: UInt64, offset: Int64, size: Int) throws -> [UInt8] {
        switch try openHandle(handle) {
        case .blob(let reader, _):
            return try reader.read(at: offset, count: size)
        case .staged(let inode, _, _):
            guard let node = stagedSnapshot(inode) else { throw ArtifactError.notFound("inode \(inode)") }
            var bytes = [UInt8](repeating: 0, count: size)
            let n = try bytes.withUnsafeMutableBytes { try node.file.read(into: $0, at: offset) }
            bytes.removeLast(size - n)
            return bytes
        }
    }

    /// `write` into a staged file.
    public func write(handle: UInt64, bytes: UnsafeRawBufferPointer, offset: Int64) throws -> Int {
        guard case .staged(let inode, writable: true, _) = try openHandle(handle), let node = stagedSnapshot(inode) else {
            throw ErrnoError(EBADF)
        }
        if node.ingestedAs != nil { throw ArtifactError.readOnly(node.name) }
        try node.file.write(bytes, at: offset)
        state.withLock { s in s.staged[inode]?.dirty = true }
        return bytes.count
    }

    // MARK: - Close

    /// `flush` (every close, by process `closer` when known): when the last writer closes a changed, non-empty
    /// file under a final name, it is ingested now, so the error reaches close(). Closing a reader, or one of
    /// several writers, ingests nothing. An empty file waits for release: a shell redirection (`> file`) opens,
    /// dup2s and closes the first descriptor before any byte is written, and that close must not ingest (and
    /// reject) an empty file. A close by another process than the opener ingests nothing either: a child that
    /// inherited the descriptor through fork closes it first, often before the parent finished writing, and
    /// ingesting then would reject (or store) a partial file while the parent's close reported success.
    /// `closer` is evaluated only for such a file (it reads /proc).
    public func flush(handle: UInt64, closer: @autoclosure () -> Int32? = nil) throws {
        guard case .staged(let inode, writable: true, let opener) = try openHandle(handle), isLastWriter(inode),
              (stagedSnapshot(inode)?.file.size ?? 0) > 0 else { return }
        if let opener, let closer = closer(), closer != opener { return }
        try ingestIfNeeded(inode)
    }

    private func isLastWriter(_ inode: UInt64) -> Bool {
        state.withLock { $0.staged[inode]?.writers == 1 }
    }

    /// `release` (last close): ingests if no flush did (NFS and Samba servers may never flush); errors are
    /// only logged, the kernel ignores them.
    public func release(handle: UInt64) {
        let removed = state.withLock { s -> OpenHandle? in s.handles.removeValue(forKey: handle) }
        switch removed {
        case .blob(let reader, _):
            reader.close()
        case .staged(let inode, let writable, _):
            let lastWriter = state.withLock { s -> Bool in
                guard writable, s.staged[inode] != nil else { return false }
                s.staged[inode]!.writers -= 1
                return s.staged[inode]!.writers == 0
            }
            if lastWriter {
                do { try ingestIfNeeded(inode) } catch {
                    logger.warning("ingest at release failed", metadata: ["fuse.op": "release", "error": "\(error)"])
                }
            }
            state.withLock { s in
                s.staged[inode]?.openHandles -= 1
                Self.dropIfUnused(&s, inode)
            }
        case nil:
            return
        }
    }

    /// `fsync`: ingest if needed, then publish the repository's indexes now.
    public func fsync(handle: UInt64) throws {
        guard case .staged(let inode, writable: true, _) = try openHandle(handle), isLastWriter(inode) else { return }
        try ingestIfNeeded(inode)
        if let package = stagedSnapshot(inode)?.ingestedAs, let record = try repositories.metadata.package(id: package) {
            try repositories.publishNow(repositoryID: record.repositoryID)
        }
    }

    /// `fsyncdir`: publish the repository the directory belongs to.
    public func fsyncDirectory(_ inode: UInt64) throws {
        let directory = try directoryEntry(inode)
        if let repositoryID = directory.repositoryID { try repositories.publishNow(repositoryID: repositoryID) }
    }

    // MARK: - Helpers

    static func addHandle(_ s: inout State, _ handle: OpenHandle) -> UInt64 {
        let id = s.nextHandle
        s.nextHandle += 1
        s.handles[id] = handle
        return id
    }

    func openHandle(_ handle: UInt64) throws -> OpenHandle {
        guard let open = state.withLock({ $0.handles[handle] }) else { throw ErrnoError(EBADF) }
        return open
    }
}

// Ingest, setattr, rename and unlink: the operations that change what a name means.
import Core
import Foundation

extension ArtifactFileSystem {
    // MARK: - Ingest

    /// Ingests a staged inode under its final name when it changed since the last attempt.
    func ingestIfNeeded(_ inode: UInt64) throws {
        let claimed = state.withLock { s -> StagedNode? in
            guard let node = s.staged[inode], node.linked, node.dirty, !node.isTemporary, !node.ingesting,
                  node.ingestedAs == nil else { return nil }
            s.staged[inode]!.ingesting = true
            return node
        }
        guard let node = claimed else { return }
        try ingest(node, as: node.name)
    }

    /// Ingests `node` (already claimed) as `name` in its directory. Success or failure, the name stops
    /// leading to the staged inode: to the package after success, to nothing after a rejection.
    func ingest(_ node: StagedNode, as name: String) throws {
        defer {
            state.withLock { s in
                s.staged[node.inode]?.ingesting = false
                s.staged[node.inode]?.dirty = false
                Self.dropIfUnused(&s, node.inode)
            }
            notifyEntryChanged(parent: node.parent, name: node.name)
            if !name.bytesEqual(node.name) { notifyEntryChanged(parent: node.parent, name: name) }
        }
        let result: Result<IngestOutcome, any Error>
        do {
            let directory = try directoryEntry(UInt64(node.parent))
            let target = try repositories.dropTarget(forDirectory: directory)
            result = .success(try repositories.ingest(node.file, into: target, filename: name))
        } catch {
            result = .failure(error)
        }
        state.withLock { s in
            let key = NameKey(parent: node.parent, name: node.name)
            if s.stagedByName[key] == node.inode { s.stagedByName[key] = nil }
            s.staged[node.inode]?.linked = false
            if case .success(let outcome) = result { s.staged[node.inode]?.ingestedAs = outcome.package.id }
        }
        let outcome = try result.get()
        try repositories.setPackageAttributes(id: outcome.package.id, modified: node.modified, mode: node.permissions)
    }

    // MARK: - setattr

    /// `setattr`: size, mode and times of staged files; mode and times of packages (rsync -a, cp -p).
    /// Generated nodes are read-only; directories accept and ignore times and modes.
    public func setattr(_ inode: UInt64, _ changes: AttributeChanges) throws -> NodeAttributes {
        if let node = stagedSnapshot(inode), node.ingestedAs == nil {
            if let size = changes.size { try node.file.truncate(to: size) }
            state.withLock { s in
                guard s.staged[inode] != nil else { return }
                if changes.size != nil { s.staged[inode]!.dirty = true }
                if let permissions = changes.permissions { s.staged[inode]!.permissions = permissions & 0o7777 }
                if let modified = changes.modified { s.staged[inode]!.modified = modified }
            }
            return try getattr(inode)
        }
        let id = stagedSnapshot(inode)?.ingestedAs ?? NodeID(inode)
        guard let entry = try tree.entry(id: id) else { throw ArtifactError.notFound("inode \(inode)") }
        switch entry.kind {
        case .generatedFile, .generatedDirectory:
            if changes.size != nil || changes.permissions != nil || changes.modified != nil { throw ArtifactError.readOnly(entry.name) }
        case .package:
            if let size = changes.size, size != entry.size { throw ErrnoError(EPERM) }
            if changes.permissions != nil || changes.modified != nil {
                try repositories.setPackageAttributes(id: entry.id, modified: changes.modified, mode: changes.permissions.map { $0 & 0o7777 })
            }
        case .root, .repository, .directory, .dropDirectory:
            if changes.size != nil { throw ErrnoError(EISDIR) }
        }
        return try getattr(inode)
    }

    // MARK: - rename

    /// `rename` within one drop directory. A staged file renamed to a final name is ingested (rsync's
    /// `.name.XXXXXX` → `name`); a stored package is re-ingested under the new name. Across directories: EXDEV.
    public func rename(parent: UInt64, name: String, newParent: UInt64, newName: String, noReplace: Bool, exchange: Bool) throws {
        if exchange { throw ErrnoError(EINVAL) }
        let directory = try directoryEntry(parent)
        if newParent != parent {
            _ = try directoryEntry(newParent)
            throw ArtifactError.crossDirectory(name)
        }
        // Bytes: renaming `é` (NFC) to `é` (NFD) is a real rename, as on ext4, not a no-op.
        if name.bytesEqual(newName) { return }
        if noReplace, try exists(newName, in: directory) { throw ArtifactError.alreadyExists(newName) }
        let target = try repositories.dropTarget(forDirectory: directory)
        let provider = try repositories.provider(target.repository.provider)
        try Self.validateName(newName, provider: provider, location: target.location)
        if let claimed = claimStaged(parent: directory.id, name: name) {
            if Filename.isTemporaryName(newName) {
                renameStaged(claimed, to: newName)
            } else {
                try ingest(claimed, as: newName)
            }
            return
        }
        guard let entry = try tree.lookup(name, in: directory) else { throw ArtifactError.notFound(name) }
        switch entry.kind {
        case .package:
            guard !Filename.isTemporaryName(newName), let package = try repositories.metadata.package(id: entry.id) else {
                throw ErrnoError(EINVAL)
            }
            let copy = try repositories.stageCopy(of: package)
            _ = try repositories.ingest(copy, into: target, filename: newName)
            try repositories.deletePackage(id: entry.id)
            notifyEntryChanged(parent: directory.id, name: name)
        case .generatedFile, .generatedDirectory:
            throw ArtifactError.readOnly(name)
        case .root, .repository, .directory, .dropDirectory:
            throw ErrnoError(EPERM)
        }
    }

    private func exists(_ name: String, in directory: TreeEntry) throws -> Bool {
        if state.withLock({ $0.stagedByName[NameKey(parent: directory.id, name: name)] != nil }) { return true }
        return try tree.lookup(name, in: directory) != nil
    }

    /// Takes a staged node for a rename (marks it ingesting so a concurrent close does not ingest it too).
    private func claimStaged(parent: NodeID, name: String) -> StagedNode? {
        state.withLock { s in
            guard let inode = s.stagedByName[NameKey(parent: parent, name: name)], !s.staged[inode]!.ingesting else { return nil }
            s.staged[inode]!.ingesting = true
            return s.staged[inode]!
        }
    }

    private func renameStaged(_ node: StagedNode, to newName: String) {
        state.withLock { s in
            let newKey = NameKey(parent: node.parent, name: newName)
            if let replaced = s.stagedByName[newKey] {
                s.staged[replaced]?.linked = false
                Self.dropIfUnused(&s, replaced)
            }
            s.stagedByName[NameKey(parent: node.parent, name: node.name)] = nil
            s.stagedByName[newKey] = node.inode
            s.staged[node.inode]!.name = newName
            s.staged[node.inode]!.ingesting = false
        }
    }

    // MARK: - unlink

    /// `unlink`: discards a staged file, or deletes a package (and reindexes). Generated files are read-only.
    public func unlink(parent: UInt64, name: String) throws {
        let directory = try directoryEntry(parent)
        let removedStaged = state.withLock { s -> Bool in
            guard let inode = s.stagedByName.removeValue(forKey: NameKey(parent: directory.id, name: name)) else { return false }
            s.staged[inode]!.linked = false
            Self.dropIfUnused(&s, inode)
            return true
        }
        if removedStaged { return }
        guard let entry = try tree.lookup(name, in: directory) else { throw ArtifactError.notFound(name) }
        switch entry.kind {
        case .package: try repositories.deletePackage(id: entry.id)
        case .generatedFile, .generatedDirectory: throw ArtifactError.readOnly(name)
        case .root, .repository, .directory, .dropDirectory: throw ErrnoError(EISDIR)
        }
    }
}

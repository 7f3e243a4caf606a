// Tree-shaped operations for the filesystem view: directories by entry, renames, client-set attributes.
import Foundation

extension Repositories {
    /// Where an entry sits: its repository and its path below the repository directory.
    public func location(of entry: TreeEntry) throws(ArtifactError) -> (RepositoryRecord, [String])? {
        guard let repositoryID = entry.repositoryID else { return nil }
        guard let repository = try storage("read repository", { try metadata.repository(id: repositoryID) }) else { return nil }
        var components: [String] = []
        var current = entry
        while current.id != repositoryID {
            components.append(current.name)
            guard let parentID = current.parentID,
                  let parent = try storage("lookup", { try metadata.entry(id: parentID) }) else { return nil }
            current = parent
        }
        return (repository, components.reversed())
    }

    /// The drop target a directory entry is, or `.notADropDirectory` / `.readOnly`.
    public func dropTarget(forDirectory entry: TreeEntry) throws(ArtifactError) -> DropTarget {
        if entry.kind.isGenerated { throw .readOnly(entry.name) }
        guard entry.isDirectory, let (repository, components) = try location(of: entry) else {
            throw .notADropDirectory(entry.name.isEmpty ? "/" : entry.name)
        }
        guard try provider(repository.provider).acceptsPackages(at: components) else {
            throw .notADropDirectory(([repository.name.rawValue] + components).joined(separator: "/"))
        }
        return DropTarget(repository: repository, directoryID: entry.id, location: components)
    }

    /// Creates the directory `name` in `parent`: a repository under a provider directory, or a directory the
    /// repository's format has (apt's `pool/<dist>/<component>`). Throws `.alreadyExists`, `.notADropDirectory`.
    @discardableResult
    public func makeDirectory(named name: String, in parent: TreeEntry) throws(ArtifactError) -> TreeEntry {
        if parent.kind == .root, let kind = ProviderKind(rawValue: parent.name), parent.parentID == WellKnownNode.root {
            let repositoryName: RepositoryName
            do { repositoryName = try RepositoryName(name) } catch { throw .invalidName(error) }
            let record: RepositoryRecord
            do { record = try createRepository(kind, repositoryName) } catch {
                throw ArtifactError.fromStorage(error, "create repository")
            }
            guard let entry = try storage("lookup", { try metadata.entry(id: record.id) }) else { throw .notFound(name) }
            return entry
        }
        if parent.kind.isGenerated { throw .readOnly(parent.name) }
        guard let (repository, components) = try location(of: parent) else { throw .notADropDirectory(parent.name) }
        do { _ = try Filename(name) } catch { throw .invalidName(error) }
        let path = components + [name]
        let kinds = try provider(repository.provider).directoryKinds(for: path)
        if try storage("lookup", { try metadata.child(of: parent.id, named: name, includeHidden: true) }) != nil {
            throw .alreadyExists(name)
        }
        return try storage("mkdir") {
            try metadata.ensureDirectory(parent: parent.id, name: name, kind: kinds.last ?? .directory, repositoryID: repository.id, at: Date())
        }
    }

    /// Removes an empty directory, or a repository without packages. Generated directories are read-only.
    public func removeDirectory(_ entry: TreeEntry) throws(ArtifactError) {
        switch entry.kind {
        case .repository:
            guard let (repository, _) = try location(of: entry) else { throw .notFound(entry.name) }
            do { try deleteRepository(repository.provider, repository.name) } catch { throw ArtifactError.fromStorage(error, "rmdir") }
        case .directory, .dropDirectory:
            try storage("rmdir") { try metadata.removeDirectory(id: entry.id) }
        case .generatedDirectory:
            throw .readOnly(entry.name)
        case .root:
            throw .notADropDirectory(entry.name)
        case .package, .generatedFile:
            throw .badRequest("not a directory")
        }
    }

    /// Copies a stored package into a new staged file (a rename through the mount re-ingests under the new name,
    /// since the name is part of what a provider validates).
    public func stageCopy(of package: PackageRecord) throws(ArtifactError) -> StagedFile {
        guard let repository = try storage("lookup", { try metadata.repository(id: package.repositoryID) }) else {
            throw .notFound(package.filename.rawValue)
        }
        let provider = try provider(repository.provider)
        let staged = try spool.create(digestKinds: provider.digestKinds, followed: false)
        do {
            let reader = try blobs.open(package.digests.sha256)
            defer { reader.close() }
            var offset: Int64 = 0
            while offset < reader.size {
                let chunk = try reader.read(at: offset, count: 1 << 20)
                if chunk.isEmpty { break }
                try chunk.withUnsafeBytes { try staged.append($0) }
                offset += Int64(chunk.count)
            }
            return staged
        } catch {
            staged.discard()
            throw ArtifactError.fromStorage(error, "copy package")
        }
    }

    /// Stores times and mode set by a client (rsync -a, cp -p).
    public func setPackageAttributes(id: NodeID, modified: Date?, mode: UInt16?) throws(ArtifactError) {
        try storage("setattr") { try metadata.setPackageAttributes(id: id, modified: modified, mode: mode) }
    }
}

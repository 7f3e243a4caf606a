// Serves files and directory listings of the RepositoryTree: the HTTP view of the one read model.
import Core
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// GET/HEAD over the tree. File semantics (validators, Range, HEAD) live in `FileRequestPlan`. Resolutions are
/// cached while the catalogue is unchanged (`ResolvedPathCache`); small blobs are answered from memory
/// (`SmallBlobCache`), larger ones streamed from the blob store in chunks read on the blocking executor.
/// Access is decided from what the path resolved to, never from its text: the repository its first two components
/// name byte for byte (`ResolvedPath.repositoryID`). A private one needs a covering token before anything below it
/// is looked at, so neither a redirect nor a 404 says more about its contents than a 401 does; a path whose
/// repository segment names no repository is a 404 whatever follows.
struct TreeFileServer: Sendable {
    let repositories: Repositories
    let executor: BlockingExecutor
    let access: AccessPolicy
    let paths: ResolvedPathCache
    let smallBlobs: SmallBlobCache
    let browse: BrowsePages
    /// Bytes per blob read while streaming a response.
    var chunkBytes = 256 << 10

    init(repositories: Repositories, executor: BlockingExecutor, access: AccessPolicy, smallBlobs: SmallBlobCache = SmallBlobCache()) {
        self.repositories = repositories
        self.executor = executor
        self.access = access
        paths = ResolvedPathCache(metadata: repositories.metadata)
        self.smallBlobs = smallBlobs
        browse = BrowsePages(repositories: repositories, executor: executor)
    }

    /// pip and uv read a repository directory as a flat link page (`--find-links URL`): they get every file in the
    /// plain listing, not one page of the browse table.
    static func isPackageTool(_ userAgent: String?) -> Bool {
        guard let userAgent else { return false }
        return userAgent.hasPrefix("pip/") || userAgent.hasPrefix("uv/")
    }

    func serve(_ path: RequestPath, request: Request) async throws -> Response {
        let tree = repositories.tree
        let components = path.components
        let resolved = try await resolve(components)
        let caller = try await authorize(resolved, components: components, headers: request.headers)
        if let normalized = Self.normalizedProjectPath(components) {
            let location = RequestPath.urlPath(normalized, alias: path.usedAlias, trailingSlash: true)
            return Response(status: .movedPermanently, headers: [.location: location])
        }
        guard let entry = resolved.entry else {
            if path.hasTrailingSlash, let project = Self.legacyProjectPath(components) {
                let location = RequestPath.urlPath(project, alias: path.usedAlias, trailingSlash: true)
                return Response(status: .movedPermanently, headers: [.location: location])
            }
            throw HTTPFailure(.notFound, "not found")
        }
        let view = BrowsePages.View(query: request.uri.query)
        if entry.isDirectory {
            guard path.hasTrailingSlash || components.isEmpty else {
                let location = RequestPath.urlPath(components, alias: path.usedAlias, trailingSlash: true)
                return Response(status: .movedPermanently, headers: [.location: location])
            }
            if view != .files, !Self.isPackageTool(request.headers[.userAgent]) {
                if entry.kind == .repository { return try await browse.repositoryPage(entry, request: request, caller: caller) }
                if entry.id == WellKnownNode.root { return try await browse.overviewPage(provider: nil, request: request, caller: caller) }
                if entry.kind == .root, entry.parentID == WellKnownNode.root, let kind = ProviderKind(pathComponent: entry.name) {
                    return try await browse.overviewPage(provider: kind, request: request, caller: caller)
                }
            }
            if entry.kind == .generatedDirectory, let index = try await simpleIndex(resolved, request: request) {
                return index
            }
            return DirectoryListing(tree: tree, executor: executor)
                .response(for: entry, path: path, head: request.method == .head, hidden: Self.hiddenRepositories(in: entry, for: caller))
        }
        if entry.kind == .package, view == .package {
            return try await browse.packagePage(entry, request: request, caller: caller)
        }
        return try await file(entry, request: request)
    }

    /// The caller, once it may read what `components` resolved to. Below `/<provider>/` there are only repositories,
    /// so a path of two or more components that reached no repository names nothing: 404 before any redirect.
    private func authorize(_ resolved: ResolvedPath, components: [String], headers: HTTPFields) async throws -> Caller {
        let caller = try await access.caller(headers)
        guard let repositoryID = resolved.repositoryID else {
            if components.count >= ResolvedPath.repositoryDepth { throw HTTPFailure(.notFound, "not found") }
            return caller
        }
        try caller.require(.read(repositoryID))
        return caller
    }

    /// What `components` resolves to: from the cache while no write has finished since, else from the catalogue
    /// on the executor, tagged with the change count read before the first lookup (see `ResolvedPathCache`).
    private func resolve(_ components: [String]) async throws -> ResolvedPath {
        if let cached = paths.lookup(components) { return cached }
        let tag = paths.tag()
        let tree = repositories.tree
        let resolved = try await executor.run { try ResolvedPath.resolve(components, in: tree) }
        paths.store(resolved, for: components, tag: tag)
        return resolved
    }

    /// In a provider directory (`/tar/`), the node ids of the repositories `caller` may not read: they are not listed.
    static func hiddenRepositories(in directory: TreeEntry, for caller: Caller) -> Set<NodeID> {
        guard directory.kind == .root, directory.parentID == WellKnownNode.root,
              ProviderKind(pathComponent: directory.name) != nil else { return [] }
        return Set(caller.access.repositories.keys.filter { !caller.mayRead($0) })
    }

    /// `/pypi/<repo>/simple/<Name>/` with a name that is not PEP 503-normalized: the normalized path to redirect to.
    /// Only ASCII letters are folded (`PythonProjectName.normalize`), so no look-alike spelling redirects to a project.
    static func normalizedProjectPath(_ components: [String]) -> [String]? {
        guard components.count == 4, components[0].bytesEqual(ProviderKind.pypi.rawValue),
              components[2].bytesEqual(SimpleIndexLayout.simple) else {
            return nil
        }
        let normalized = PythonProjectName.normalize(components[3])
        return normalized.bytesEqual(components[3]) ? nil : Array(components.prefix(3)) + [normalized]
    }

    /// The older service served project pages at `/repo/pypi/<repo>/<project>/` (its users run
    /// `pip install -i http://host/repo/pypi/<repo>/`): such a path, when nothing is there, moves to `simple/`.
    static func legacyProjectPath(_ components: [String]) -> [String]? {
        guard components.count == 3, components[0].bytesEqual(ProviderKind.pypi.rawValue),
              !components[2].bytesEqual(SimpleIndexLayout.simple) else {
            return nil
        }
        return [components[0], components[1], SimpleIndexLayout.simple, PythonProjectName.normalize(components[2])]
    }

    /// A PyPI simple index directory answers with the representation `Accept` asks for (PEP 691), or 406.
    private func simpleIndex(_ directory: ResolvedPath, request: Request) async throws -> Response? {
        guard directory.indexFiles[SimpleIndexLayout.htmlFile] != nil else { return nil }
        guard let choice = SimpleIndexNegotiation.choose(accept: request.headers[.accept]) else {
            throw HTTPFailure(.notAcceptable, "this index is served as \(SimpleIndexNegotiation.supported)")
        }
        guard let file = directory.indexFiles[choice.file] else { return nil }
        var response = try await self.file(file, request: request, contentType: choice.contentType)
        response.headers[.vary] = "Accept"
        return response
    }

    private func file(_ entry: TreeEntry, request: Request, contentType: String? = nil) async throws -> Response {
        guard let digest = entry.digest else { throw HTTPFailure(.notFound, "not found") }
        let plan = FileRequestPlan(requestHeaders: request.headers, size: entry.size, etag: "\"\(digest.hex)\"",
                                   modified: entry.modified, contentType: contentType ?? ContentType.of(entry.name))
        switch plan.outcome {
        case .notModified:
            return Response(status: .notModified, headers: plan.headers)
        case .rangeNotSatisfiable:
            return Response(status: .rangeNotSatisfiable, headers: plan.headers)
        case .full, .partial:
            let range: ClosedRange<Int64>? = if case .partial(let r) = plan.outcome { r } else { nil }
            let status: HTTPResponse.Status = range == nil ? .ok : .partialContent
            if request.method == .head { return Response(status: status, headers: plan.headers) }
            guard entry.size > 0 else { return Response(status: status, headers: plan.headers) }
            let span = range ?? 0...(entry.size - 1)
            if entry.size <= smallBlobs.entryBytesMax {
                let whole = try await smallBlob(entry, digest: digest)
                let body = range == nil ? whole : whole.getSlice(at: Int(span.lowerBound), length: Int(span.count))!
                return Response(status: status, headers: plan.headers, body: ResponseBody(byteBuffer: body))
            }
            let tree = repositories.tree
            let reader = try await executor.run { try tree.open(entry) }
            return Response(status: status, headers: plan.headers, body: stream(reader, range: span))
        }
    }

    /// A small blob's verified bytes: from memory, or read whole and checked on the executor, then kept.
    /// A blob that fails the check fails the request before any byte is sent, and is not kept.
    private func smallBlob(_ entry: TreeEntry, digest: SHA256Digest) async throws -> ByteBuffer {
        if let cached = smallBlobs.bytes(of: digest) { return cached }
        let tree = repositories.tree
        let bytes = try await executor.run { try SmallBlobCache.readVerified(entry, from: tree) }
        guard Int64(bytes.readableBytes) == entry.size else {
            throw HTTPFailure(.internalServerError, "blob size differs from the catalogue")
        }
        smallBlobs.insert(bytes, for: digest)
        return bytes
    }

    /// Streams `range` of a blob; a read error (including a digest mismatch at the end) aborts the connection,
    /// so a client never receives a complete-looking response with wrong bytes.
    private func stream(_ reader: any BlobReader, range: ClosedRange<Int64>) -> ResponseBody {
        let executor = self.executor
        let chunk = chunkBytes
        return ResponseBody(contentLength: Int(range.count)) { writer in
            defer { reader.close() }
            var offset = range.lowerBound
            while offset <= range.upperBound {
                let count = Int(min(Int64(chunk), range.upperBound - offset + 1))
                let start = offset
                let bytes = try await executor.run { try reader.read(at: start, count: count) }
                guard !bytes.isEmpty else { throw HTTPFailure(.internalServerError, "blob shorter than recorded") }
                try await writer.write(ByteBuffer(bytes: bytes))
                offset += Int64(bytes.count)
            }
            try await writer.finish(nil)
        }
    }
}

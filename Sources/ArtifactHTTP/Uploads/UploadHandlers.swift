// Writes over HTTP: PUT of a file into a drop directory, DELETE of a package, the older POST /addpkg.
import Core
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON describing a stored package (the answer to every upload).
struct StoredPackage: Codable, Sendable {
    let provider: String
    let repository: String
    let path: String
    let filename: String
    let name: String
    let version: String
    let size: Int64
    let sha256: String
    let created: Bool
    /// Whether the indexes that list the package were published before the response was sent.
    let published: Bool
}

/// Upload and delete handlers. Each one authorizes and checks the target and the declared length before it reads
/// the body (a refused client cannot fill the spool, and is answered without reading the rest), stages the body,
/// validates and ingests on the ingest executor (never the one reads use), creating a missing repository or
/// directory only for a valid file, then waits (bounded) for the publish that includes the change.
struct UploadHandlers: Sendable {
    let repositories: Repositories
    let executor: BlockingExecutor
    /// Validation and ingestion: libarchive reading a hostile archive may take long, and must not hold up reads.
    let ingestExecutor: BlockingExecutor
    let access: AccessPolicy
    let uploadBytesMax: Int64

    /// `PUT /<provider>/<repo>/<dirs…>/<filename>`: the same as copying the file to that path of the mount.
    func put(_ path: RequestPath, request: Request, context: ArtifactRequestContext) async throws -> Response {
        let caller = try await access.caller(request.headers)
        let components = path.components
        guard components.count >= 3, let filename = components.last else {
            throw HTTPFailure(.methodNotAllowed, "PUT a file into a repository: /<provider>/<repo>/<filename>")
        }
        let (kind, name) = try Self.repository(components)
        try caller.require(.write(RepositoryKey(kind, name)))
        let directory = Array(components[2..<(components.count - 1)])
        let publish = try Self.publishTiming(request)  // before staging: a refusal must leave nothing in the spool
        try repositories.checkUploadTarget(kind, directory: directory, filename: filename)
        let staged = try await BodyStager.stage(request, context: context, setup: try staging(kind))
        return try await ingest(staged, kind, name, directory: directory, filename: filename, declared: nil, publish: publish)
    }

    /// Where an upload of `kind` is staged, with the digests its provider needs (and `extra` ones to check).
    func staging(_ kind: ProviderKind, extra: DigestKinds = []) throws -> BodyStager.Setup {
        BodyStager.Setup(executor: executor, spool: repositories.spool,
                         digestKinds: try repositories.provider(kind).digestKinds.union(extra), uploadBytesMax: uploadBytesMax)
    }

    /// `?publish=later` (bulk imports, which end with `POST /api/<provider>/<repo>/publish`): answer as soon as the
    /// package is stored, and publish only after a quiet period, instead of waiting for a publish per file.
    static func publishTiming(_ request: Request) throws -> PublishTiming {
        switch request.uri.queryParameters["publish"].map(String.init) {
        case nil, "soon": return .soon
        case "later": return .later
        case let other?: throw HTTPFailure(.badRequest, "publish must be 'soon' or 'later' (got '\(IdentifierError.printable(other))')")
        }
    }

    /// `POST /addpkg?provider=P&reponame=R[&name=N&version=V&dist=D&component=C]` with the file in field `f`.
    func addpkg(_ request: Request, context: ArtifactRequestContext) async throws -> Response {
        let caller = try await access.caller(request.headers)
        let query = request.uri.queryParameters
        guard let providerName = query["provider"].map(String.init), let kind = ProviderKind(pathComponent: providerName) else {
            throw HTTPFailure(.badRequest, "query parameter 'provider' must be one of apt, pypi, tar")
        }
        guard let repoName = query["reponame"].map(String.init) else { throw HTTPFailure(.badRequest, "query parameter 'reponame' is required") }
        let name: RepositoryName
        do { name = try RepositoryName(repoName) } catch { throw ArtifactError.invalidName(error) }
        try caller.require(.write(RepositoryKey(kind, name)))
        let directory = try Self.addpkgLocation(kind, dist: query["dist"].map(String.init), component: query["component"].map(String.init))
        try repositories.checkUploadTarget(kind, directory: directory)
        let upload = try await MultipartUpload.parse(request, context: context, fileField: "f", keptFields: [],
                                                     staging: try staging(kind))
        guard let staged = upload.file else { throw HTTPFailure(.badRequest, "multipart field 'f' (the package file) is missing") }
        guard let filename = upload.fileName, !filename.isEmpty else {
            staged.discard()
            throw HTTPFailure(.badRequest, "the 'f' part has no filename")
        }
        let declared = DeclaredIdentity(name: query["name"].map(String.init), version: query["version"].map(String.init))
        return try await ingest(staged, kind, name, directory: directory, filename: filename, declared: declared)
    }

    /// `DELETE /<provider>/<repo>/…/<filename>` of a package file.
    func delete(_ path: RequestPath, request: Request) async throws -> Response {
        let caller = try await access.caller(request.headers)
        let repositories = self.repositories
        let components = path.components
        // Outside any repository nothing can be deleted here; asking for administration keeps the answer 401/403 first.
        if let key = AccessPolicy.repositoryKey(components) { try caller.require(.write(key)) } else { try caller.require(.administer) }
        guard let entry = try await executor.run({ try repositories.tree.resolve(components) }) else {
            throw HTTPFailure(.notFound, "not found")
        }
        switch entry.kind {
        case .package:
            let (record, ticket) = try await executor.run { try repositories.deletePackage(id: entry.id) }
            let published = await repositories.publisher.waitUntilPublished(record.repositoryID, ticket: ticket)
            return try jsonResponse(["deleted": "/" + components.joined(separator: "/"), "published": published ? "true" : "false"])
        case .generatedFile, .generatedDirectory:
            throw ArtifactError.readOnly("/" + components.joined(separator: "/"))
        default:
            throw HTTPFailure(.methodNotAllowed, "only package files are deleted here; delete a repository with DELETE /api/<provider>/<repo>")
        }
    }

    /// Validates and ingests a staged upload on the ingest executor (creating what is missing of its target only
    /// for a valid file), then waits for the publish; the staged file is consumed. A full ingest queue is a 503.
    func ingest(_ staged: StagedFile, _ kind: ProviderKind, _ name: RepositoryName, directory: [String], filename: String,
                declared: DeclaredIdentity?, publish: PublishTiming = .soon) async throws -> Response {
        let repositories = self.repositories
        let (outcome, target): (IngestOutcome, DropTarget)
        do {
            (outcome, target) = try await ingestExecutor.run {
                try repositories.ingestUpload(staged, into: kind, name, directory: directory, filename: filename,
                                              declared: declared, publish: publish)
            }
        } catch {
            staged.discard()  // when the queue was full the job never ran
            throw error
        }
        let published = outcome.created && publish == .later ? false : outcome.created
            ? await repositories.publisher.waitUntilPublished(target.repository.id, ticket: outcome.publishTicket)
            : true
        return try Self.stored(outcome, in: target, published: published)
    }

    /// The answer to a stored (or unchanged) package: JSON, 201 with a Location when it was created.
    static func stored(_ outcome: IngestOutcome, in target: DropTarget, published: Bool) throws -> Response {
        let package = outcome.package
        let path = "/" + ([target.repository.provider.rawValue, target.repository.name.rawValue] + target.location + [package.filename.rawValue])
            .joined(separator: "/")
        let body = StoredPackage(provider: target.repository.provider.rawValue, repository: target.repository.name.rawValue,
                                 path: path, filename: package.filename.rawValue, name: package.name.rawValue,
                                 version: package.version.rawValue, size: package.digests.size,
                                 sha256: package.digests.sha256.hex, created: outcome.created, published: published)
        var response = try jsonResponse(body, status: outcome.created ? .created : .ok)
        if outcome.created {
            let location: String = RequestPath.urlPath(path.split(separator: "/").map(String.init), alias: false, trailingSlash: false)
            response.headers[HTTPField.Name.location] = location
        }
        return response
    }

    /// The provider and repository named by the first two path components; 404 for an unknown provider.
    static func repository(_ components: [String]) throws -> (ProviderKind, RepositoryName) {
        guard components.count >= 2 else { throw HTTPFailure(.notFound, "not found") }
        guard let kind = ProviderKind(pathComponent: components[0]) else {
            throw HTTPFailure(.notFound, "no such provider '\(IdentifierError.printable(String(components[0].prefix(64))))'")
        }
        do { return (kind, try RepositoryName(components[1])) } catch { throw ArtifactError.invalidName(error) }
    }

    /// Where /addpkg puts a file: apt into `pool/<dist>/<component or main>`, the others at the repository root.
    static func addpkgLocation(_ kind: ProviderKind, dist: String?, component: String?) throws -> [String] {
        switch kind {
        case .apt:
            guard let dist else { throw HTTPFailure(.badRequest, "query parameter 'dist' is required for apt") }
            return ["pool", dist, component ?? "main"]
        case .pypi, .tar:
            return []
        }
    }
}

/// Encodes a value as a JSON response.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

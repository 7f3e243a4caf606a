// The JSON API: list, create, change and delete repositories; list a repository's packages; keys and yanks.
import Core
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A repository as the API shows it.
struct RepositorySummary: Codable, Sendable {
    let provider: String
    let name: String
    let packages: Int
    let allowOverwrite: Bool
    /// Reading it over HTTP needs a token that covers it.
    let `private`: Bool
    let created: Date
    let url: String
}

/// A package as the API shows it.
struct PackageSummary: Codable, Sendable {
    let filename: String
    let name: String
    let version: String
    let size: Int64
    let sha256: String
    let path: String
    let uploaded: Date
    let attributes: [String: String]
}

/// Body of `POST /api/repos`.
struct CreateRepositoryRequest: Codable, Sendable {
    let provider: String
    let name: String
    var allowOverwrite: Bool?
    /// apt only: `ed25519` (default) or `rsa4096`.
    var keyAlgorithm: String?
    var `private`: Bool?
}

/// Body of `PATCH /api/<provider>/<repo>`: the settings to change.
struct UpdateRepositoryRequest: Codable, Sendable {
    var `private`: Bool?
}

/// Body of `POST /api/pypi/<repo>/yank` and `/unyank`: one file, or every file of a release.
struct YankRequest: Codable, Sendable {
    var filename: String?
    var project: String?
    var version: String?
    var reason: String?

    var selection: YankSelection? {
        switch (filename, project, version) {
        case (let file?, nil, nil): return .file(file)
        case (nil, let project?, let version?): return .release(project: project, version: version)
        default: return nil
        }
    }
}

/// Answer of a yank or unyank: the files whose state changed.
struct YankResponse: Codable, Sendable {
    let changed: [String]
    let yanked: Bool
    let published: Bool
}

/// Answer of `POST /api/<provider>/<repo>/publish`.
struct PublishResponse: Codable, Sendable {
    let published: Bool
    let generation: Int64?
}

/// `/api/…` routes.
struct RepositoryAPI: Sendable {
    let repositories: Repositories
    let executor: BlockingExecutor
    let access: AccessPolicy

    func handle(_ components: [String], request: Request, context: ArtifactRequestContext) async throws -> Response {
        let repositories = self.repositories
        let caller = try await access.caller(request.headers)
        switch (request.method, components.count) {
        case (.get, 1) where components[0].bytesEqual("repos"), (.head, 1) where components[0].bytesEqual("repos"):
            // Private repositories the caller may not read are left out, as in directory listings.
            let summaries = try await executor.run {
                try repositories.metadata.repositories().filter { caller.mayRead($0.id) }.map { try Self.summary($0, repositories) }
            }
            return try jsonResponse(summaries)
        case (.post, 1) where components[0].bytesEqual("repos"):
            try caller.require(.administer)
            let body = try await context.collectBody(of: request, upTo: Self.jsonBytesMax, what: "the JSON body")
            guard let create = try? JSONDecoder().decode(CreateRepositoryRequest.self, from: Data(buffer: body)) else {
                throw HTTPFailure(.badRequest, #"expected JSON {"provider": "tar", "name": "…"}"#)
            }
            let (kind, name) = try UploadHandlers.repository([create.provider, create.name])
            var options = RepositoryOptions(allowOverwrite: create.allowOverwrite ?? false, isPrivate: create.private ?? false)
            if let algorithm = create.keyAlgorithm {
                guard let parsed = KeyAlgorithm(rawValue: algorithm) else {
                    throw HTTPFailure(.badRequest, "keyAlgorithm must be one of: \(KeyAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                options.keyAlgorithm = parsed
            }
            let chosen = options
            let record = try await executor.run { try repositories.createRepository(kind, name, options: chosen) }
            return try jsonResponse(try await executor.run { try Self.summary(record, repositories) }, status: .created)
        case (.delete, 2):
            try caller.require(.administer)
            let (kind, name) = try UploadHandlers.repository(components)
            let force = request.uri.queryParameters["force"].map { $0 == "true" || $0 == "1" } ?? false
            try await executor.run { try repositories.deleteRepository(kind, name, force: force) }
            return try jsonResponse(["deleted": "/\(kind)/\(name)"])
        case (.patch, 2):
            try caller.require(.administer)
            let (kind, name) = try UploadHandlers.repository(components)
            let body = try await context.collectBody(of: request, upTo: Self.jsonBytesMax, what: "the JSON body")
            guard let update = try? JSONDecoder().decode(UpdateRepositoryRequest.self, from: Data(buffer: body)), let makePrivate = update.private else {
                throw HTTPFailure(.badRequest, #"expected JSON {"private": true} or {"private": false}"#)
            }
            let record = try await executor.run { try repositories.setPrivate(kind, name, makePrivate) }
            return try jsonResponse(try await executor.run { try Self.summary(record, repositories) })
        case (.get, 3) where components[2].bytesEqual("packages"), (.head, 3) where components[2].bytesEqual("packages"):
            let record = try await readableRepository(components, caller: caller)
            let packages = try await executor.run { () throws -> [PackageSummary] in
                try repositories.metadata.packages(repository: record.id).map { Self.summary($0, record) }
            }
            return try jsonResponse(packages)
        case (.get, 3) where components[2].bytesEqual("key"), (.head, 3) where components[2].bytesEqual("key"):
            let record = try await readableRepository(components, caller: caller)
            guard record.provider == .apt else { throw HTTPFailure(.notFound, "only apt repositories have signing keys") }
            guard let summary = try await executor.run({ try repositories.signingKey(record.name) }) else {
                throw HTTPFailure(.notFound, "repository apt/\(record.name) has no signing key")
            }
            return try jsonResponse(summary)
        case (.put, 3) where components[2].bytesEqual("key"):
            try caller.require(.administer)
            let name = try Self.aptRepositoryName(components)
            let body = try await context.collectBody(of: request, upTo: Self.keySizeMax, what: "the key")
            let bytes = Array(buffer: body)
            let summary = try await executor.run { try repositories.importSigningKey(name, bytes: bytes) }
            return try jsonResponse(summary)
        case (.post, 3) where components[2].bytesEqual("publish"):
            // The end of a bulk import that uploaded with ?publish=later: one publish, now, for the whole import.
            let (kind, name) = try UploadHandlers.repository(components)
            try caller.require(.write(RepositoryKey(kind, name)))
            let generation = try await executor.run { () throws -> Int64? in
                guard let record = try repositories.repository(kind, name) else { throw ArtifactError.notFound("repository \(kind)/\(name)") }
                try repositories.publishNow(repositoryID: record.id)
                return try repositories.metadata.currentGeneration(repositoryID: record.id)?.id
            }
            return try jsonResponse(PublishResponse(published: true, generation: generation))
        case (.post, 3) where components[2].bytesEqual("yank") || components[2].bytesEqual("unyank"):
            let (kind, name) = try UploadHandlers.repository(components)
            try caller.require(.write(RepositoryKey(kind, name)))
            return try await yank(components, request: request, context: context)
        default:
            throw HTTPFailure(.notFound, "no such API endpoint")
        }
    }

    /// `POST /api/pypi/<repo>/yank` (or `unyank`) with `{"filename": F}` or `{"project": P, "version": V}`, and
    /// for a yank an optional `"reason"`. Answers after the publish that shows the change.
    private func yank(_ components: [String], request: Request, context: ArtifactRequestContext) async throws -> Response {
        let (kind, name) = try UploadHandlers.repository(components)
        guard kind == .pypi else { throw HTTPFailure(.notFound, "only PyPI repositories have yanked files") }
        let body = try await context.collectBody(of: request, upTo: Self.jsonBytesMax, what: "the JSON body")
        guard let yank = try? JSONDecoder().decode(YankRequest.self, from: Data(buffer: body)), let selection = yank.selection else {
            throw HTTPFailure(.badRequest, #"expected JSON {"filename": "…"} or {"project": "…", "version": "…"}, optionally with "reason""#)
        }
        let reason = components[2].bytesEqual("yank") ? (yank.reason ?? "") : nil
        let repositories = self.repositories
        let (changed, ticket) = try await executor.run { try repositories.setYanked(name, selection, reason: reason) }
        let published = changed.isEmpty ? true : await repositories.publisher.waitUntilPublished(changed[0].repositoryID, ticket: ticket)
        return try jsonResponse(YankResponse(changed: changed.map(\.filename.rawValue), yanked: reason != nil, published: published))
    }

    /// The repository `/<provider>/<repo>` names, found by exactly those bytes, once `caller` may read it: read access
    /// is decided from the catalogue row, not from the request's text. A name that is not a valid repository name
    /// cannot be one, so it is a 404 as a missing repository is (never a path around the check); a private
    /// repository without a covering token is 401 or 403 before anything of it is read.
    private func readableRepository(_ components: [String], caller: Caller) async throws -> RepositoryRecord {
        guard let kind = ProviderKind(pathComponent: components[0]), let name = try? RepositoryName(components[1]) else {
            throw HTTPFailure(.notFound, "no such repository")
        }
        let repositories = self.repositories
        guard let record = try await executor.run({ try repositories.repository(kind, name) }) else {
            throw HTTPFailure(.notFound, "no such repository")
        }
        try caller.require(.read(record.id))
        return record
    }

    /// The API's JSON bodies are a few hundred bytes; a larger one is refused (413) before or while it is read.
    static let jsonBytesMax = 64 << 10

    /// An OpenPGP secret key with subkeys is a few KiB; anything near this is not a key.
    static let keySizeMax = 1 << 20

    static func aptRepositoryName(_ components: [String]) throws -> RepositoryName {
        let (kind, name) = try UploadHandlers.repository(components)
        guard kind == .apt else { throw HTTPFailure(.notFound, "only apt repositories have signing keys") }
        return name
    }

    static func summary(_ record: RepositoryRecord, _ repositories: Repositories) throws -> RepositorySummary {
        RepositorySummary(provider: record.provider.rawValue, name: record.name.rawValue,
                          packages: try repositories.metadata.packages(repository: record.id).count,
                          allowOverwrite: record.allowOverwrite, private: record.isPrivate, created: record.createdAt,
                          url: "/\(record.provider)/\(record.name)/")
    }

    static func summary(_ package: PackageRecord, _ repository: RepositoryRecord) -> PackageSummary {
        PackageSummary(filename: package.filename.rawValue, name: package.name.rawValue, version: package.version.rawValue,
                       size: package.digests.size, sha256: package.digests.sha256.hex,
                       path: "/" + ([repository.provider.rawValue, repository.name.rawValue] + package.location + [package.filename.rawValue]).joined(separator: "/"),
                       uploaded: package.uploadedAt, attributes: package.attributes)
    }
}

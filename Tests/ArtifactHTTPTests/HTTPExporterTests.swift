// The exporter driven in-process: uploads, file semantics, aliases, listings, bad input, tokens, /addpkg, the JSON API.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A request the exporter must refuse, with the status and (part of) the message it must answer with.
struct RefusedRequest: Sendable, CustomTestStringConvertible {
    enum Body: Sendable {
        case none, text, truncatedTarGz, empty, tarXz, tarGz
    }

    let label: String
    let method: HTTPRequest.Method
    let uri: String
    let body: Body
    let status: HTTPResponse.Status
    let messageContains: String?

    var testDescription: String { label }

    /// The request body, made fresh (tarballs with /usr/bin/tar).
    func bytes() throws -> [UInt8]? {
        switch body {
        case .none: return nil
        case .text: return Fixtures.text
        case .truncatedTarGz: return try Fixtures.truncatedTarGz(seed: 11)
        case .empty: return []
        case .tarXz: return try Fixtures.tarXz(seed: 12)
        case .tarGz: return try Fixtures.tarGz(seed: 13)
        }
    }

    static let all: [RefusedRequest] = [
        RefusedRequest(label: "text file named .tar.gz", method: .put, uri: "/tar/r2/x-1.0.tar.gz", body: .text,
                       status: .badRequest, messageContains: "not a valid package"),
        RefusedRequest(label: "truncated tarball", method: .put, uri: "/tar/r2/t-1.0.tar.gz", body: .truncatedTarGz,
                       status: .badRequest, messageContains: "not a valid package"),
        RefusedRequest(label: "empty body", method: .put, uri: "/tar/r2/e-1.0.tar.gz", body: .empty,
                       status: .badRequest, messageContains: "not a valid package"),
        RefusedRequest(label: "xz content named .tar.gz", method: .put, uri: "/tar/r2/z-1.0.tar.gz", body: .tarXz,
                       status: .badRequest, messageContains: "compression"),
        RefusedRequest(label: "name without a version", method: .put, uri: "/tar/r2/noversion.tar.gz", body: .tarGz,
                       status: .badRequest, messageContains: "version"),
        RefusedRequest(label: "unknown publish timing", method: .put, uri: "/tar/r2/p-1.0.tar.gz?publish=never", body: .tarGz,
                       status: .badRequest, messageContains: "publish must be"),
        RefusedRequest(label: "publish of a missing repository", method: .post, uri: "/api/tar/nothere/publish", body: .none,
                       status: .notFound, messageContains: "not found"),
        RefusedRequest(label: "unknown extension", method: .put, uri: "/tar/r2/x-1.0.rar", body: .tarGz,
                       status: .badRequest, messageContains: "extension"),
        RefusedRequest(label: "encoded ../ in the name", method: .put, uri: "/tar/r2/..%2Fx-1.0.tar.gz", body: .tarGz,
                       status: .badRequest, messageContains: nil),
        RefusedRequest(label: "leading dot", method: .put, uri: "/tar/r2/.hidden-1.0.tar.gz", body: .tarGz,
                       status: .badRequest, messageContains: "must not start with"),
        RefusedRequest(label: "invalid repository name", method: .put, uri: "/tar/bad%20name/x-1.0.tar.gz", body: .tarGz,
                       status: .badRequest, messageContains: "repository name"),
        RefusedRequest(label: "generated file", method: .put, uri: "/tar/r2/SHA256SUMS", body: .text,
                       status: .forbidden, messageContains: "read-only"),
        RefusedRequest(label: "subdirectory of a flat repository", method: .put, uri: "/tar/r2/sub/x-1.0.tar.gz", body: .tarGz,
                       status: .forbidden, messageContains: "does not accept packages"),
        RefusedRequest(label: "PUT into a provider directory", method: .put, uri: "/tar/x-1.0.tar.gz", body: .tarGz,
                       status: .methodNotAllowed, messageContains: nil),
        RefusedRequest(label: "provider this build does not serve", method: .put, uri: "/pypi/r/x-1.0-py3-none-any.whl", body: .text,
                       status: .notImplemented, messageContains: "not supported"),
        RefusedRequest(label: "unknown path", method: .get, uri: "/nothing/here", body: .none,
                       status: .notFound, messageContains: nil),
        RefusedRequest(label: "bad percent-encoding", method: .get, uri: "/tar/%zz", body: .none,
                       status: .badRequest, messageContains: nil),
        RefusedRequest(label: "PATCH", method: .patch, uri: "/", body: .none,
                       status: .methodNotAllowed, messageContains: nil),
    ]
}

@Suite struct HTTPExporterTests {
    static let file = "/tar/r1/tool-1.0.tar.gz"

    // Goal: a PUT tarball is stored and served byte for byte with validators; re-PUT, conflict, Range and 304 behave.
    @Test func putThenServe() async throws {
        let tarball = try Fixtures.tarGz(seed: 1)
        let other = try Fixtures.tarGz(seed: 2)
        let sha256 = SHA256Digest(of: tarball).hex
        try await TestServer.run { _, client in
            let put = try await client.put(Self.file, tarball)
            #expect(put.status == .created)
            let stored = try put.decode(StoredPackage.self)
            #expect(stored.created)
            #expect(stored.sha256 == sha256)
            #expect(stored.name == "tool")
            #expect(stored.version == "1.0")
            #expect(stored.published)
            #expect(stored.size == Int64(tarball.count))
            #expect(stored.path == Self.file)
            #expect(put.headers[.location] == Self.file)

            let get = try await client.get(Self.file)
            #expect(get.status == .ok)
            #expect(get.bytes == tarball)
            #expect(get.headers[.contentType] == "application/gzip")
            #expect(get.headers[.eTag] == "\"\(sha256)\"")
            #expect(get.headers[.acceptRanges] == "bytes")
            #expect(get.headers[.lastModified].flatMap(HTTPDate.parse) != nil)

            let head = try await client.send(.head, Self.file)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(tarball.count))
            #expect(head.headers[.eTag] == "\"\(sha256)\"")
            #expect(head.body.readableBytes == 0)

            let again = try await client.put(Self.file, tarball)
            #expect(again.status == .ok)
            let unchanged = try again.decode(StoredPackage.self)
            #expect(!unchanged.created)
            #expect(unchanged.sha256 == sha256)

            let conflict = try await client.put(Self.file, other)
            #expect(conflict.status == .conflict)
            let afterConflict = try await client.get(Self.file)
            #expect(afterConflict.bytes == tarball)

            let range = try await client.get(Self.file, headers: [.range: "bytes=0-9"])
            #expect(range.status == .partialContent)
            #expect(range.bytes == Array(tarball.prefix(10)))
            #expect(range.headers[.contentRange] == "bytes 0-9/\(tarball.count)")

            let tail = try await client.get(Self.file, headers: [.range: "bytes=-5"])
            #expect(tail.status == .partialContent)
            #expect(tail.bytes == Array(tarball.suffix(5)))

            let beyond = try await client.get(Self.file, headers: [.range: "bytes=\(tarball.count)-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */\(tarball.count)")

            let cached = try await client.get(Self.file, headers: [.ifNoneMatch: "\"\(sha256)\""])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)

            let stale = try await client.get(Self.file, headers: [.ifNoneMatch: "\"\(SHA256Digest(of: other).hex)\""])
            #expect(stale.status == .ok)
            #expect(stale.bytes == tarball)
        }
    }

    // Goal: SHA256SUMS lists the upload, the /repo alias serves the same bytes, and directories redirect and list.
    @Test func checksumsAliasesAndListings() async throws {
        let tarball = try Fixtures.tarGz(seed: 3)
        let sha256 = SHA256Digest(of: tarball).hex
        try await TestServer.run { _, client in
            let put = try await client.put(Self.file, tarball)
            #expect(put.status == .created)

            let sums = try await client.get("/tar/r1/SHA256SUMS")
            #expect(sums.status == .ok)
            #expect(sums.text.contains("\(sha256)  tool-1.0.tar.gz\n"))
            #expect(sums.headers[.contentType] == "text/plain; charset=utf-8")

            let alias = try await client.get("/repo/tar/r1/tool-1.0.tar.gz")
            #expect(alias.status == .ok)
            #expect(alias.bytes == tarball)

            let bare = try await client.get("/tar/r1")
            #expect(bare.status == .movedPermanently)
            #expect(bare.headers[.location] == "/tar/r1/")

            let listing = try await client.get("/tar/r1/")
            #expect(listing.status == .ok)
            #expect(listing.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(listing.text.contains("tool-1.0.tar.gz"))
            #expect(listing.text.contains("SHA256SUMS"))
            #expect(listing.text.contains("<h1>tar/r1</h1>"), "a repository directory is its browse page (docs/BROWSE.md)")

            let aliasBare = try await client.get("/repo/tar/r1")
            #expect(aliasBare.status == .movedPermanently)
            #expect(aliasBare.headers[.location] == "/repo/tar/r1/")

            let aliasListing = try await client.get("/repo/tar/r1/")
            #expect(aliasListing.status == .ok)
            #expect(aliasListing.text.contains("tool-1.0.tar.gz"))

            let root = try await client.get("/")
            #expect(root.status == .ok)
            #expect(root.text.contains("tar/"))
        }
    }

    // Goal: each kind of bad request gets its status and message, and leaves nothing stored or staged.
    @Test(arguments: RefusedRequest.all)
    func refuses(_ refused: RefusedRequest) async throws {
        let body = try refused.bytes()
        try await TestServer.run { server, client in
            let response = try await client.send(refused.method, refused.uri, body: body)
            #expect(response.status == refused.status)
            #expect(response.headers[.contentType] == "application/json")
            if let fragment = refused.messageContains {
                #expect(response.errorMessage.contains(fragment), "error was: \(response.errorMessage)")
            }
            try await Self.expectNothingStored(server, client, body: body)
        }
    }

    // Goal: after every bad request in a row, the same server still lists repositories and accepts a good upload.
    @Test func survivesAllRefusedRequests() async throws {
        let bodies = try RefusedRequest.all.map { try $0.bytes() }
        let tarball = try Fixtures.tarGz(seed: 4)
        try await TestServer.run { server, client in
            for (refused, body) in zip(RefusedRequest.all, bodies) {
                let response = try await client.send(refused.method, refused.uri, body: body)
                #expect(response.status == refused.status, "\(refused.label)")
            }
            try await Self.expectNothingStored(server, client, body: nil)
            let put = try await client.put("/tar/r2/good-1.0.tar.gz", tarball)
            #expect(put.status == .created)
            let repos = try await client.get("/api/repos")
            #expect(repos.status == .ok)
        }
    }

    // Goal: with a token configured, writes need it (Bearer or Basic password) and reads stay anonymous.
    @Test func uploadTokenGuardsWrites() async throws {
        let first = try Fixtures.tarGz(seed: 5)
        let second = try Fixtures.tarGz(seed: 6)
        try await TestServer.run(uploadToken: "s3cret") { _, client in
            let anonymous = try await client.put("/tar/tok/tool-1.0.tar.gz", first)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] != nil)
            #expect(anonymous.errorMessage.contains("token"))
            let nothing = try await client.get("/api/tar/tok/packages")
            #expect(nothing.status == .notFound)

            let wrong = try await client.put("/tar/tok/tool-1.0.tar.gz", first, headers: [.authorization: "Bearer wrong"])
            #expect(wrong.status == .unauthorized)

            let bearer = try await client.put("/tar/tok/tool-1.0.tar.gz", first, headers: [.authorization: "Bearer s3cret"])
            #expect(bearer.status == .created)

            let badBasic = "Basic " + Data("__token__:nope".utf8).base64EncodedString()
            let rejected = try await client.put("/tar/tok/tool-2.0.tar.gz", second, headers: [.authorization: badBasic])
            #expect(rejected.status == .unauthorized)

            let basic = "Basic " + Data("__token__:s3cret".utf8).base64EncodedString()
            let accepted = try await client.put("/tar/tok/tool-2.0.tar.gz", second, headers: [.authorization: basic])
            #expect(accepted.status == .created)

            let read = try await client.get("/tar/tok/tool-1.0.tar.gz")
            #expect(read.status == .ok)
            #expect(read.bytes == first)

            let deletePackage = try await client.send(.delete, "/tar/tok/tool-1.0.tar.gz")
            #expect(deletePackage.status == .unauthorized)
            let createRepo = try await client.send(.post, "/api/repos", headers: [.contentType: "application/json"],
                                                   body: Array(#"{"provider":"tar","name":"other"}"#.utf8))
            #expect(createRepo.status == .unauthorized)
            let deleteRepo = try await client.send(.delete, "/api/tar/tok?force=true")
            #expect(deleteRepo.status == .unauthorized)
            let still = try await client.get("/tar/tok/tool-1.0.tar.gz")
            #expect(still.status == .ok)
        }
    }

    // Goal: the older POST /addpkg stores the multipart 'f' part under its filename with the declared identity.
    @Test func addpkgStoresTheFilePart() async throws {
        let tarball = try Fixtures.tarGz(seed: 7)
        try await TestServer.run { _, client in
            let response = try await Self.addpkg(client, query: "provider=tar&reponame=cpython&name=cpython&version=3.8.0b1",
                                                 parts: [(name: "f", filename: "cpython-3.8.0b1.tar.gz", bytes: tarball)])
            #expect(response.status == .created)
            let stored = try response.decode(StoredPackage.self)
            #expect(stored.name == "cpython")
            #expect(stored.version == "3.8.0b1")
            #expect(stored.path == "/tar/cpython/cpython-3.8.0b1.tar.gz")
            #expect(stored.sha256 == SHA256Digest(of: tarball).hex)

            let get = try await client.get("/tar/cpython/cpython-3.8.0b1.tar.gz")
            #expect(get.status == .ok)
            #expect(get.bytes == tarball)
        }
    }

    // Goal: /addpkg refuses a disagreeing declared version, a missing file part and an unknown provider, storing nothing.
    @Test func addpkgRefusesBadForms() async throws {
        let tarball = try Fixtures.tarGz(seed: 8)
        try await TestServer.run { server, client in
            let mismatch = try await Self.addpkg(client, query: "provider=tar&reponame=mismatch&name=cpython&version=9.9",
                                                 parts: [(name: "f", filename: "cpython-3.8.0b1.tar.gz", bytes: tarball)])
            #expect(mismatch.status == .badRequest)
            #expect(mismatch.errorMessage.contains("does not match"))

            let missing = try await Self.addpkg(client, query: "provider=tar&reponame=mismatch&name=cpython&version=3.8.0b1",
                                                parts: [(name: "other", filename: nil, bytes: Array("hello".utf8))])
            #expect(missing.status == .badRequest)
            #expect(missing.errorMessage.contains("'f'"))

            let bogus = try await Self.addpkg(client, query: "provider=bogus&reponame=mismatch",
                                              parts: [(name: "f", filename: "cpython-3.8.0b1.tar.gz", bytes: tarball)])
            #expect(bogus.status == .badRequest)
            #expect(bogus.errorMessage.contains("provider"))

            let noRepo = try await Self.addpkg(client, query: "provider=tar",
                                               parts: [(name: "f", filename: "cpython-3.8.0b1.tar.gz", bytes: tarball)])
            #expect(noRepo.status == .badRequest)

            let notMultipart = try await client.send(.post, "/addpkg?provider=tar&reponame=mismatch",
                                                     headers: [.contentType: "application/octet-stream"], body: tarball)
            #expect(notMultipart.status == .badRequest)

            try await Self.expectNothingStored(server, client, body: tarball)
        }
    }

    // Goal: a file name with HTML characters is stored under the declared identity and listed escaped.
    @Test func addpkgHostileFilenameIsListedEscaped() async throws {
        let tarball = try Fixtures.tarGz(seed: 9)
        try await TestServer.run { _, client in
            let response = try await Self.addpkg(client, query: "provider=tar&reponame=weird&name=weird&version=1.0",
                                                 parts: [(name: "f", filename: "<b>&.tar.gz", bytes: tarball)])
            #expect(response.status == .created)
            let stored = try response.decode(StoredPackage.self)
            #expect(stored.filename == "<b>&.tar.gz")
            #expect(stored.name == "weird")
            #expect(stored.version == "1.0")

            let listing = try await client.get("/tar/weird/")
            #expect(listing.status == .ok)
            #expect(listing.text.contains("&lt;b&gt;&amp;.tar.gz"))
            #expect(!listing.text.contains("<b>&"))

            let get = try await client.get("/tar/weird/%3Cb%3E%26.tar.gz")
            #expect(get.status == .ok)
            #expect(get.bytes == tarball)
        }
    }

    // Goal: repositories are created, listed and deleted over the API; a non-empty one only with force.
    @Test func repositoryAPI() async throws {
        let tarball = try Fixtures.tarGz(seed: 10)
        try await TestServer.run { _, client in
            let create = try await Self.createRepository(client, #"{"provider":"tar","name":"made"}"#)
            #expect(create.status == .created)
            let summary = try create.decode(RepositorySummary.self)
            #expect(summary.provider == "tar")
            #expect(summary.name == "made")
            #expect(summary.packages == 0)
            #expect(summary.url == "/tar/made/")

            let again = try await Self.createRepository(client, #"{"provider":"tar","name":"made"}"#)
            #expect(again.status == .conflict)

            let invalid = try await Self.createRepository(client, #"{"provider":"tar"}"#)
            #expect(invalid.status == .badRequest)

            let list = try await client.get("/api/repos")
            #expect(list.status == .ok)
            let listed = try list.decode([RepositorySummary].self)
            #expect(listed.contains(where: { $0.provider == "tar" && $0.name == "made" }))

            let delete = try await client.send(.delete, "/api/tar/made")
            #expect(delete.status == .ok)
            let afterDelete = try await client.get("/api/repos")
            let remaining = try afterDelete.decode([RepositorySummary].self)
            #expect(!remaining.contains(where: { $0.name == "made" }))
            let deleteMissing = try await client.send(.delete, "/api/tar/made")
            #expect(deleteMissing.status == .notFound)

            let put = try await client.put("/tar/full/tool-1.0.tar.gz", tarball)
            #expect(put.status == .created)
            let notEmpty = try await client.send(.delete, "/api/tar/full")
            #expect(notEmpty.status == .conflict)
            let stillThere = try await client.get("/tar/full/tool-1.0.tar.gz")
            #expect(stillThere.status == .ok)
            let forced = try await client.send(.delete, "/api/tar/full?force=true")
            #expect(forced.status == .ok)
            let gone = try await client.get("/tar/full/tool-1.0.tar.gz")
            #expect(gone.status == .notFound)
        }
    }

    // Goal: the package list shows an upload; deleting it removes the file and its SHA256SUMS line; generated files stay.
    @Test func packageListAndDelete() async throws {
        let tarball = try Fixtures.tarGz(seed: 14)
        let sha256 = SHA256Digest(of: tarball).hex
        try await TestServer.run { _, client in
            let put = try await client.put(Self.file, tarball)
            #expect(put.status == .created)

            let packages = try await client.get("/api/tar/r1/packages")
            #expect(packages.status == .ok)
            let listed = try packages.decode([PackageSummary].self)
            #expect(listed.count == 1)
            #expect(listed.first?.filename == "tool-1.0.tar.gz")
            #expect(listed.first?.sha256 == sha256)
            #expect(listed.first?.path == Self.file)
            #expect(listed.first?.size == Int64(tarball.count))

            let generated = try await client.send(.delete, "/tar/r1/SHA256SUMS")
            #expect(generated.status == .forbidden)

            let delete = try await client.send(.delete, Self.file)
            #expect(delete.status == .ok)
            let gone = try await client.get(Self.file)
            #expect(gone.status == .notFound)
            let sums = try await client.get("/tar/r1/SHA256SUMS")
            #expect(sums.status == .ok)
            #expect(!sums.text.contains("tool-1.0.tar.gz"))
            let empty = try await client.get("/api/tar/r1/packages")
            let remaining = try empty.decode([PackageSummary].self)
            #expect(remaining.isEmpty)

            let again = try await client.send(.delete, Self.file)
            #expect(again.status == .notFound)
        }
    }

    // MARK: - Helpers

    static func addpkg(_ client: any TestClientProtocol, query: String,
                       parts: [(name: String, filename: String?, bytes: [UInt8])]) async throws -> TestResponse {
        try await client.send(.post, "/addpkg?" + query, headers: [.contentType: "multipart/form-data; boundary=XyZ"],
                              body: Fixtures.multipart(boundary: "XyZ", parts: parts))
    }

    static func createRepository(_ client: any TestClientProtocol, _ json: String) async throws -> TestResponse {
        try await client.send(.post, "/api/repos", headers: [.contentType: "application/json"], body: Array(json.utf8))
    }

    /// No repository holds a package, nothing is left in the spool, and `body` (when not empty) is not a blob.
    static func expectNothingStored(_ server: TestServer, _ client: any TestClientProtocol, body: [UInt8]?) async throws {
        let repos = try await client.get("/api/repos")
        #expect(repos.status == .ok)
        let summaries = try repos.decode([RepositorySummary].self)
        let counts = summaries.map { "\($0.provider)/\($0.name): \($0.packages)" }
        #expect(summaries.allSatisfy({ $0.packages == 0 }), "\(counts)")
        let r2 = try await client.get("/api/tar/r2/packages")
        if r2.status == .ok {
            let packages = try r2.decode([PackageSummary].self)
            #expect(packages.isEmpty)
        } else {
            #expect(r2.status == .notFound)
        }
        #expect(try server.spoolContents().isEmpty)
        if let body, !body.isEmpty {
            #expect(try server.blobs.contains(SHA256Digest(of: body)) == false)
        }
    }
}

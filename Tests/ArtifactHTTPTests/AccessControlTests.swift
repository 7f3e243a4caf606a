// Access control in-process: named tokens scoped to repositories, 401 and 403, private repositories, listings.
@testable import ArtifactHTTP
import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

extension TestServer {
    /// Adds a named token to the server's catalogue (on the executor: the catalogue blocks) and returns its secret.
    func addToken(_ name: String, repositories: [String] = []) async throws -> String {
        let metadata = self.repositories.metadata
        return try await Self.executor.run {
            let keys = try Set(repositories.map { try RepositoryKey(parsing: $0) })
            return try AccessTokens(metadata: metadata).add(try TokenName(name), scope: keys.isEmpty ? .allRepositories : .repositories(keys)).secret
        }
    }

    func removeToken(_ name: String) async throws {
        let metadata = self.repositories.metadata
        try await Self.executor.run { try AccessTokens(metadata: metadata).remove(try TokenName(name)) }
    }
}

func bearer(_ secret: String) -> HTTPFields { [.authorization: "Bearer \(secret)"] }

func basic(_ user: String, _ password: String) -> HTTPFields {
    [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
}

@Suite struct AccessControlTests {
    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    // Goal: once a named token exists, writes need a token covering the repository: none or an unknown secret is
    // 401 with a Basic challenge, a valid token for another repository is 403; only an all-repositories token
    // administers (create, delete, change repositories); a removed token stops working at once.
    @Test func namedTokensAreScopedToRepositories() async throws {
        let bodies = try (1...5).map { try Fixtures.tarGz(seed: 100 + UInt64($0)) }
        try await TestServer.run { server, client in
            let admin = try await server.addToken("admin")
            let ci = try await server.addToken("ci", repositories: ["tar/one"])
            #expect(admin.hasPrefix("afs_") && admin != ci)

            let anonymous = try await client.put("/tar/one/a-1.0.tar.gz", bodies[0])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == #"Basic realm="artifactfs""#)
            let unknown = try await client.put("/tar/one/a-1.0.tar.gz", bodies[0], headers: bearer("afs_not-a-token"))
            #expect(unknown.status == .unauthorized)
            #expect(unknown.errorMessage == "the token is not valid")

            let scoped = try await client.put("/tar/one/a-1.0.tar.gz", bodies[0], headers: bearer(ci))
            #expect(scoped.status == .created, "a scoped token creates the repository it names by uploading")
            let twine = try await client.put("/tar/one/b-1.0.tar.gz", bodies[1], headers: basic("__token__", ci))
            #expect(twine.status == .created)
            let elsewhere = try await client.put("/tar/two/a-1.0.tar.gz", bodies[2], headers: bearer(ci))
            #expect(elsewhere.status == .forbidden)
            #expect(elsewhere.errorMessage.contains("'ci'") && elsewhere.errorMessage.contains("tar/two"))
            #expect(!elsewhere.errorMessage.contains(ci))
            let everywhere = try await client.put("/tar/two/a-1.0.tar.gz", bodies[2], headers: bearer(admin))
            #expect(everywhere.status == .created, "201, not 200: the refused upload of the same bytes stored nothing")

            let create = #"{"provider":"tar","name":"three"}"#
            #expect(try await client.send(.post, "/api/repos", headers: Self.jsonHeaders, body: Self.json(create)).status == .unauthorized)
            var headers = Self.jsonHeaders
            headers[.authorization] = "Bearer \(ci)"
            #expect(try await client.send(.post, "/api/repos", headers: headers, body: Self.json(create)).status == .forbidden)
            #expect(try await client.send(.delete, "/api/tar/one?force=true", headers: bearer(ci)).status == .forbidden)
            #expect(try await client.send(.patch, "/api/tar/one", headers: headers, body: Self.json(#"{"private":true}"#)).status == .forbidden)
            // Importing a signing key is administration too, whichever repository it names.
            #expect(try await client.send(.put, "/api/apt/one/key", body: Self.json("key")).status == .unauthorized)
            #expect(try await client.send(.put, "/api/apt/one/key", headers: bearer(ci), body: Self.json("key")).status == .forbidden)
            headers[.authorization] = "Bearer \(admin)"
            #expect(try await client.send(.post, "/api/repos", headers: headers, body: Self.json(create)).status == .created)

            #expect(try await client.send(.delete, "/tar/one/a-1.0.tar.gz").status == .unauthorized)
            #expect(try await client.send(.delete, "/tar/two/a-1.0.tar.gz", headers: bearer(ci)).status == .forbidden)
            #expect(try await client.send(.delete, "/tar/one/a-1.0.tar.gz", headers: bearer(ci)).status == .ok)

            try await server.removeToken("ci")
            let revoked = try await client.put("/tar/one/c-1.0.tar.gz", bodies[3], headers: bearer(ci))
            #expect(revoked.status == .unauthorized)
            // Public repositories stay readable by anyone, with or without a (valid) token.
            #expect(try await client.get("/tar/one/b-1.0.tar.gz").status == .ok)
            #expect(try await client.get("/tar/one/b-1.0.tar.gz", headers: bearer("wrong")).status == .ok)
        }
    }

    // Goal: `--upload-token` keeps working beside named tokens, as a token for every repository.
    @Test func uploadTokenWorksBesideNamedTokens() async throws {
        let first = try Fixtures.tarGz(seed: 111), second = try Fixtures.tarGz(seed: 112)
        try await TestServer.run(uploadToken: "legacy") { server, client in
            let ci = try await server.addToken("ci", repositories: ["tar/x"])
            #expect(try await client.put("/tar/y/a-1.0.tar.gz", first, headers: bearer("legacy")).status == .created)
            #expect(try await client.put("/tar/x/a-1.0.tar.gz", second, headers: bearer(ci)).status == .created)
            #expect(try await client.send(.delete, "/api/tar/y?force=true", headers: bearer("legacy")).status == .ok)
        }
    }

    // Goal: everything under a private repository (files, generated indexes, listings, the /repo alias, redirects,
    // the API's package list) needs a token covering it; anonymous listings and /api/repos leave it out; making
    // it public again opens it at once.
    @Test func privateRepositoryNeedsATokenToRead() async throws {
        let body = try Fixtures.tarGz(seed: 120)
        try await TestServer.run { server, client in
            let admin = try await server.addToken("admin")
            let reader = try await server.addToken("reader", repositories: ["tar/secret"])
            let other = try await server.addToken("other", repositories: ["tar/open"])
            var headers = Self.jsonHeaders
            headers[.authorization] = "Bearer \(admin)"
            let create = try await client.send(.post, "/api/repos", headers: headers, body: Self.json(#"{"provider":"tar","name":"secret","private":true}"#))
            #expect(create.status == .created)
            #expect(try create.decode(RepositorySummary.self).private)
            #expect(try await client.put("/tar/secret/s-1.0.tar.gz", body, headers: bearer(reader)).status == .created)
            #expect(try await client.put("/tar/open/o-1.0.tar.gz", body, headers: bearer(other)).status == .created)

            let guarded = ["/tar/secret/s-1.0.tar.gz", "/tar/secret/SHA256SUMS", "/tar/secret/", "/tar/secret", "/repo/tar/secret/s-1.0.tar.gz",
                           "/tar/secret/missing-1.0.tar.gz", "/api/tar/secret/packages"]
            for path in guarded {
                let anonymous = try await client.get(path)
                #expect(anonymous.status == .unauthorized, "GET \(path)")
                #expect(anonymous.headers[.wwwAuthenticate] != nil, "GET \(path)")
                #expect(try await client.send(.head, path).status == .unauthorized, "HEAD \(path)")
                #expect(try await client.get(path, headers: bearer(other)).status == .forbidden, "GET \(path) with another repository's token")
            }
            let read = try await client.get("/tar/secret/s-1.0.tar.gz", headers: basic("__token__", reader))
            #expect(read.status == .ok && read.bytes == body)
            #expect(try await client.get("/repo/tar/secret/SHA256SUMS", headers: bearer(admin)).status == .ok)

            let anonymousListing = try await client.get("/tar/")
            #expect(anonymousListing.text.contains("open/") && !anonymousListing.text.contains("secret"))
            #expect(try await client.get("/tar/", headers: bearer(other)).text.contains("secret") == false)
            #expect(try await client.get("/tar/", headers: bearer(reader)).text.contains("secret/"))
            let anonymousRepos = try await client.get("/api/repos").decode([RepositorySummary].self)
            #expect(anonymousRepos.map(\.name) == ["open"])
            let readerRepos = try await client.get("/api/repos", headers: bearer(reader)).decode([RepositorySummary].self)
            #expect(Set(readerRepos.map(\.name)) == ["open", "secret"])

            headers[.authorization] = "Bearer \(admin)"
            let open = try await client.send(.patch, "/api/tar/secret", headers: headers, body: Self.json(#"{"private":false}"#))
            #expect(open.status == .ok)
            #expect(try open.decode(RepositorySummary.self).private == false)
            #expect(try await client.get("/tar/secret/s-1.0.tar.gz").status == .ok)
            let closed = try await client.send(.patch, "/api/tar/secret", headers: headers, body: Self.json(#"{"private":true}"#))
            #expect(closed.status == .ok)
            #expect(try await client.get("/tar/secret/s-1.0.tar.gz").status == .unauthorized)
            #expect(try await client.send(.patch, "/api/tar/nothing", headers: headers, body: Self.json(#"{"private":true}"#)).status == .notFound)
            #expect(try await client.send(.patch, "/api/tar/secret", headers: headers, body: Self.json(#"{}"#)).status == .badRequest)
        }
    }

    // Goal: with no token of any kind, writes are open (the embedded default) but a private repository still
    // cannot be read over HTTP: "private" never silently means "public".
    @Test func openServerKeepsPrivateRepositoriesClosed() async throws {
        let body = try Fixtures.tarGz(seed: 130)
        try await TestServer.run { _, client in
            let create = try await client.send(.post, "/api/repos", headers: Self.jsonHeaders,
                                               body: Self.json(#"{"provider":"tar","name":"p","private":true}"#))
            #expect(create.status == .created)
            #expect(try await client.put("/tar/p/x-1.0.tar.gz", body).status == .created)
            #expect(try await client.get("/tar/p/x-1.0.tar.gz").status == .unauthorized)
            #expect(try await client.get("/tar/p/x-1.0.tar.gz", headers: bearer("anything")).status == .unauthorized)
            #expect(try await client.put("/tar/q/x-1.0.tar.gz", body, headers: bearer("anything")).status == .created)
        }
    }

    // Goal: the secret is read from Bearer, Basic's password, or Basic's user name when the password is empty.
    @Test func credentialForms() {
        func header(_ fields: HTTPFields) -> String? { fields[.authorization] }
        #expect(Credentials.presentedSecret(header(bearer("afs_x"))) == "afs_x")
        #expect(Credentials.presentedSecret(header(basic("__token__", "afs_y"))) == "afs_y")
        #expect(Credentials.presentedSecret(header(basic("afs_z", ""))) == "afs_z")
        #expect(Credentials.presentedSecret(header(basic("", ""))) == nil)
        #expect(Credentials.presentedSecret("Bearer ") == nil)
        #expect(Credentials.presentedSecret("Digest abc") == nil)
        #expect(Credentials.presentedSecret(nil) == nil)
    }
}

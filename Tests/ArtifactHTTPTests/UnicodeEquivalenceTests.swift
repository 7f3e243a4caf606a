// Look-alike spellings over HTTP: they never read a private file, never blank a public one, and two uploads are two files.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct UnicodeEquivalenceTests {
    /// A tar file name that has no version (so its name and version are declared) and holds `spelling`.
    static func filename(_ spelling: String, _ suffix: String) -> String { "\(spelling)-\(suffix).tar.gz" }

    /// The URL forms of one path: percent-encoded (what browsers send), raw UTF-8 (what some clients send), and both
    /// again under the older service's `/repo/` alias.
    static func urls(_ components: [String], trailingSlash: Bool = false) -> [String] {
        let raw = "/" + components.joined(separator: "/") + (trailingSlash ? "/" : "")
        let encoded = RequestPath.urlPath(components, alias: false, trailingSlash: trailingSlash)
        return [encoded, raw, "/repo" + encoded, "/repo" + raw]
    }

    /// Stores `bytes` as `filename` in `/tar/<repository>/` with a declared name and version, as `/addpkg` does.
    static func store(_ server: TestServer, _ bytes: [UInt8], as filename: String, in repository: String) async throws {
        let repositories = server.repositories
        _ = try await TestServer.executor.run {
            let target = try repositories.dropTarget(.tar, RepositoryName(repository), directory: [], create: true)
            return try repositories.ingest(CoreTesting.Fixtures.stage(bytes, in: repositories.spool), into: target, filename: filename,
                                           declared: DeclaredIdentity(name: "spelled", version: "1.0"))
        }
    }

    /// Makes a repository straight in the catalogue (providers this test server does not serve included).
    static func makeRepository(_ server: TestServer, _ kind: ProviderKind, _ name: String, isPrivate: Bool) async throws {
        let metadata = server.repositories.metadata
        _ = try await TestServer.executor.run {
            try metadata.createRepository(provider: kind, name: RepositoryName(name), allowOverwrite: false, isPrivate: isPrivate, at: Date())
        }
    }

    /// Fails unless `response` reveals nothing: 401 or 404 as expected, no Location, none of `secret`'s bytes.
    static func expectNothingRevealed(_ response: TestResponse, _ status: HTTPResponse.Status, secret: [UInt8], _ what: String) {
        #expect(response.status == status, "\(what)")
        #expect(response.headers[.location] == nil, "\(what) redirects")
        #expect(response.bytes != secret && !response.text.contains("sha256"), "\(what) shows the file")
    }

    // Goal: the issue's scenario and its class. After a token holder has read every file of a private repository (so
    // every cache holds them), no anonymous request in any look-alike spelling of the repository or of a file name,
    // percent-encoded or raw, directly or through /repo/, GET or HEAD, returns the bytes or a redirect: a spelling of
    // the repository segment names no repository (404), a spelling of a file under the real repository is refused
    // like any read of it (401). The token holder gets a 404, not another file's bytes, for a spelling not stored.
    @Test(arguments: LookAlikeSpellings.pairs)
    func privateFilesAreNotReadThroughASpelling(pair: LookAlikeSpellings.Pair) async throws {
        let secret = try Fixtures.tarGz(seed: 500), named = try Fixtures.tarGz(seed: 501)
        try await TestServer.run { server, client in
            let admin = try await server.addToken("admin")
            var headers = AccessControlTests.jsonHeaders
            headers[.authorization] = "Bearer \(admin)"
            let create = try await client.send(.post, "/api/repos", headers: headers,
                                               body: Array(#"{"provider":"tar","name":"Kpriv","private":true}"#.utf8))
            #expect(create.status == .created)
            #expect(try await client.put("/tar/Kpriv/secret-1.0.tar.gz", secret, headers: bearer(admin)).status == .created)
            let stored = Self.filename(pair.plain, "secret")
            try await Self.store(server, named, as: stored, in: "Kpriv")
            let files = [("secret-1.0.tar.gz", secret), (stored, named)]
            for (file, bytes) in files {
                for url in Self.urls(["tar", "Kpriv", file]) {
                    let read = try await client.get(url, headers: bearer(admin))
                    #expect(read.status == .ok && read.bytes == bytes, "token holder reads \(url)")
                }
            }

            for (file, bytes) in files {
                for url in Self.urls(["tar", "\u{212A}priv", file]) + Self.urls(["tar", "\u{212A}priv"], trailingSlash: true) {
                    Self.expectNothingRevealed(try await client.get(url), .notFound, secret: bytes, "GET \(url)")
                    Self.expectNothingRevealed(try await client.send(.head, url), .notFound, secret: [], "HEAD \(url)")
                    Self.expectNothingRevealed(try await client.get(url, headers: bearer("afs_wrong")), .notFound, secret: bytes, "\(url)")
                }
            }
            let spelled = Self.filename(pair.other, "secret")
            for url in Self.urls(["tar", "Kpriv", spelled]) {
                Self.expectNothingRevealed(try await client.get(url), .unauthorized, secret: named, "GET \(url)")
                Self.expectNothingRevealed(try await client.send(.head, url), .unauthorized, secret: [], "HEAD \(url)")
                Self.expectNothingRevealed(try await client.get(url, headers: bearer(admin)), .notFound, secret: named, "token, \(url)")
            }
            // The token holder still reads the real names afterwards: no refusal was cached for them.
            #expect(try await client.get("/tar/Kpriv/secret-1.0.tar.gz", headers: bearer(admin)).bytes == secret)
        }
    }

    // Goal: every other read path decides from the repository the path resolved to: PyPI simple pages and their
    // redirects, the /repo/ project alias, the API's package list and apt key, and the listings that hide private
    // repositories. A look-alike repository segment is a 404 everywhere, never a redirect; the real one is a 401.
    @Test func otherReadPathsDecideFromTheResolvedRepository() async throws {
        try await TestServer.run { server, client in
            let admin = try await server.addToken("admin")
            try await Self.makeRepository(server, .pypi, "Kpy", isPrivate: true)
            try await Self.makeRepository(server, .apt, "Kapt", isPrivate: true)
            try await Self.makeRepository(server, .tar, "Kpriv", isPrivate: true)
            for kelvin in ["%E2%84%AA", "\u{212A}"] {
                let lookAlikes = ["/pypi/\(kelvin)py/simple/Foo/", "/repo/pypi/\(kelvin)py/Foo/", "/pypi/\(kelvin)py/simple/",
                                  "/api/tar/\(kelvin)priv/packages", "/api/apt/\(kelvin)apt/key", "/tar/\(kelvin)priv/?view=files",
                                  "/tar/\(kelvin)priv/missing-1.0.tar.gz"]
                for url in lookAlikes {
                    Self.expectNothingRevealed(try await client.get(url), .notFound, secret: [], "GET \(url)")
                    Self.expectNothingRevealed(try await client.get(url, headers: bearer(admin)), .notFound, secret: [], "token, \(url)")
                }
            }
            let real = ["/pypi/Kpy/simple/Foo/", "/repo/pypi/Kpy/Foo/", "/pypi/Kpy/simple/", "/api/tar/Kpriv/packages",
                        "/api/apt/Kapt/key", "/tar/Kpriv/", "/tar/Kpriv/?view=files", "/tar/Kpriv/missing-1.0.tar.gz", "/tar/Kpriv"]
            for url in real {
                Self.expectNothingRevealed(try await client.get(url), .unauthorized, secret: [], "GET \(url)")
            }
            // A token holder is redirected for a real ASCII spelling of a project, never for a look-alike one.
            let redirect = try await client.get("/pypi/Kpy/simple/Foo/", headers: bearer(admin))
            #expect(redirect.status == .movedPermanently && redirect.headers[.location] == "/pypi/Kpy/simple/foo/")
            for url in ["/pypi/Kpy/simple/%E2%84%AAfoo/", "/pypi/Kpy/simple/\u{130}foo/", "/pypi/Kpy/simple/f%C4%B1o/"] {
                let answer = try await client.get(url, headers: bearer(admin))
                #expect(answer.status == .notFound && answer.headers[.location] == nil, "\(url)")
            }
            #expect(try await client.get("/api/tar/Kpriv/packages", headers: bearer(admin)).status == .ok)

            for listing in ["/tar/?view=files", "/tar/", "/", "/api/repos", "/pypi/?view=files"] {
                let anonymous = try await client.get(listing)
                #expect(anonymous.status == .ok && !anonymous.text.contains("Kp") && !anonymous.text.contains("Kapt"), "\(listing)")
            }
            #expect(try await client.get("/tar/?view=files", headers: bearer(admin)).text.contains("Kpriv/"))
        }
    }

    // Goal: anonymous requests in look-alike spellings never change what the real path returns, whichever comes
    // first and however often (a cached 404 for a spelling must not blank the file, a cached file must not answer
    // for the spelling), for a public repository's file names and for its repository segment.
    @Test(arguments: LookAlikeSpellings.pairs)
    func spellingsNeverChangeWhatARealPathReturns(pair: LookAlikeSpellings.Pair) async throws {
        let tool = try Fixtures.tarGz(seed: 510), spelled = try Fixtures.tarGz(seed: 511)
        try await TestServer.run { server, client in
            #expect(try await client.put("/tar/Kpub/Kit-1.0.tar.gz", tool).status == .created)
            let stored = Self.filename(pair.plain, "pub")
            try await Self.store(server, spelled, as: stored, in: "Kpub")
            let cases: [(real: [String], other: [String], bytes: [UInt8])] = [
                (["tar", "Kpub", stored], ["tar", "Kpub", Self.filename(pair.other, "pub")], spelled),
                (["tar", "Kpub", "Kit-1.0.tar.gz"], ["tar", "\u{212A}pub", "Kit-1.0.tar.gz"], tool),
                (["tar", "Kpub", "Kit-1.0.tar.gz"], ["tar", "Kpub", "\u{212A}it-1.0.tar.gz"], tool),
            ]
            for (real, other, bytes) in cases {
                for round in 0..<2 {
                    for url in Self.urls(other) {
                        Self.expectNothingRevealed(try await client.get(url), .notFound, secret: bytes, "round \(round): \(url)")
                    }
                    for url in Self.urls(real) {
                        let read = try await client.get(url)
                        #expect(read.status == .ok && read.bytes == bytes, "round \(round): \(url) after \(other)")
                    }
                }
            }
        }
    }

    // Goal: two uploads whose names differ only in spelling (NFC and NFD, and every other pair) are two packages,
    // each served with its own bytes under its own name, both listed and both in SHA256SUMS.
    @Test(arguments: LookAlikeSpellings.pairs)
    func twoSpellingsAreTwoPackages(pair: LookAlikeSpellings.Pair) async throws {
        let first = try Fixtures.tarGz(seed: 520), second = try Fixtures.tarGz(seed: 521)
        try await TestServer.run { server, client in
            let names = [Self.filename(pair.plain, "two"), Self.filename(pair.other, "two")]
            for (name, bytes) in zip(names, [first, second]) {
                // /addpkg's Content-Disposition reader splits at every ';', even inside quotes (Uploads/, not this
                // change): a name holding one is stored the way /addpkg would store it once that is fixed.
                guard !name.contains(";") else {
                    try await Self.store(server, bytes, as: name, in: "two")
                    continue
                }
                let upload = try await HTTPExporterTests.addpkg(client, query: "provider=tar&reponame=two&name=two&version=1.0",
                                                                parts: [(name: "f", filename: name, bytes: bytes)])
                #expect(upload.status == .created, "\(name.debugDescription): \(upload.text)")
                #expect(try upload.decode(StoredPackage.self).filename.utf8.elementsEqual(name.utf8))
            }
            for (name, bytes) in zip(names, [first, second]) {
                for url in Self.urls(["tar", "two", name]) {
                    let read = try await client.get(url)
                    #expect(read.status == .ok && read.bytes == bytes, "\(url)")
                }
            }
            let listing = try await client.get("/tar/two/?view=files")
            for name in names { #expect(listing.text.contains(RequestPath.percentEncode(name)), "\(name.debugDescription) listed") }
            // Lines compared as bytes: `String.contains` would match either spelling for the other.
            let sums = try await client.get("/tar/two/SHA256SUMS").text.split(separator: "\n").map { Array($0.utf8) }
            for (name, bytes) in zip(names, [first, second]) {
                #expect(sums.contains(Array("\(SHA256Digest(of: bytes).hex)  \(name)".utf8)), "\(name.debugDescription) in SHA256SUMS")
            }
            #expect(sums.count == 2)
            #expect(try await client.get("/api/tar/two/packages").decode([PackageSummary].self).count == 2)
        }
    }

    // Goal: the resolution cache is keyed by bytes: a resolution stored for one spelling (found or not found) is
    // never returned for another, whichever was stored first.
    @Test(arguments: LookAlikeSpellings.pairs)
    func resolutionCacheKeysAreBytes(pair: LookAlikeSpellings.Pair) async throws {
        try await TestServer.run { server, client in
            #expect(try await client.put("/tar/r1/Kit-1.0.tar.gz", Fixtures.tarGz(seed: 530)).status == .created)
            let cache = ResolvedPathCache(metadata: server.repositories.metadata)
            let tree = server.repositories.tree
            let real = ["tar", "r1", "Kit-1.0.tar.gz"], kelvin = ["tar", "r1", "\u{212A}it-1.0.tar.gz"]
            let plain = ["tar", "r1", Self.filename(pair.plain, "x")], other = ["tar", "r1", Self.filename(pair.other, "x")]
            let stored = try await TestServer.executor.run { () throws -> ResolvedPath in
                let tag = cache.tag()
                let found = try ResolvedPath.resolve(real, in: tree)
                cache.store(found, for: real, tag: tag)
                cache.store(ResolvedPath(entry: nil, repositoryID: found.repositoryID, indexFiles: [:]), for: plain, tag: tag)
                return found
            }
            #expect(stored.entry != nil && stored.repositoryID != nil)
            #expect(cache.lookup(real) == stored)
            #expect(cache.lookup(kelvin) == nil, "a Kelvin spelling answered from the real path's entry")
            #expect(cache.lookup(other) == nil, "\(pair): answered from the other spelling's resolution")
            #expect(cache.count == 2)
        }
    }

    // Goal: a directory listing shows a name holding a bidirectional control or an invisible character (stored
    // before the naming rules refused them) with U+FFFD in its place, while the link keeps the exact bytes.
    @Test(arguments: ["\u{202E}", "\u{2067}", "\u{200F}", "\u{200B}", "\u{FEFF}"])
    func listingShowsDisguisingCharactersReplaced(scalar: String) {
        let entry = TreeEntry(id: 9, parentID: 4, name: "evil\(scalar)gpj.exe", kind: .package, repositoryID: 5, size: 1,
                              modified: Date(timeIntervalSince1970: 0))
        let row = DirectoryListing.row(entry)
        #expect(row.contains(">evil\u{FFFD}gpj.exe</a>"))
        #expect(!row.unicodeScalars.contains(scalar.unicodeScalars.first!))
        #expect(row.contains("href=\"evil" + Array(scalar.utf8).map { "%" + String($0, radix: 16, uppercase: true) }.joined() + "gpj.exe\""))
    }
}

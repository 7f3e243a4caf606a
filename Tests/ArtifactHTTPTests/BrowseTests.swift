// The browse pages: escaping by construction, query parsing, sorting and filtering, install lines, access.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct HTMLBuilderTests {
    // Goal: text interpolated into HTML is escaped and control characters replaced; HTML fragments are not escaped twice.
    @Test(arguments: [
        (#"<script>alert("x")</script>"#, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
        ("a & b 'c'", "a &amp; b &#39;c&#39;"),
        ("nul\u{0}bell\u{7}c1\u{85}", "nul\u{FFFD}bell\u{FFFD}c1\u{FFFD}"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("ünïcødé ✓", "ünïcødé ✓"),
    ])
    func escapesText(_ raw: String, _ expected: String) {
        let html: HTML = "<td title=\"\(raw)\">\(raw)</td>"
        #expect(html.markup == "<td title=\"\(expected)\">\(expected)</td>")
    }

    @Test func insertsFragmentsAsTheyAre() {
        let inner: HTML = "<b>\("<i>")</b>"
        let outer: HTML = "<p>\(inner)\([inner, inner])\(42)</p>"
        #expect(outer.markup == "<p><b>&lt;i&gt;</b><b>&lt;i&gt;</b><b>&lt;i&gt;</b>42</p>")
    }
}

@Suite struct BrowseQueryTests {
    // Goal: parameters parse the way browsers send them; nonsense falls back to defaults; limits hold.
    @Test func parsesAndClamps() {
        let query = BrowseQuery(query: "sort=version&order=desc&q=a+b%3Cc&page=0&per=999999&view=x")
        #expect(query.sort == .version && query.order == .descending)
        #expect(query.filter == "a b<c")
        #expect(query.page == 1 && query.perPage == BrowseQuery.perPageMax)
        let junk = BrowseQuery(query: "sort=evil&order=sideways&page=x&&=&q")
        #expect(junk == BrowseQuery())
        #expect(BrowseQuery(query: "q=" + String(repeating: "x", count: 1000)).filter.count == BrowseQuery.filterCharactersMax)
    }

    // Goal: links carry the settings, percent-encoded, and a header click flips the order of the sort column only.
    @Test func linksRoundTrip() {
        var query = BrowseQuery()
        query.filter = "a&b c+<"
        query.sort = .size
        #expect(query.link == "?sort=size&q=a%26b%20c%2B%3C")
        #expect(BrowseQuery(query: String(query.link.dropFirst())) == query)
        #expect(query.sortedBy(.size).order == .descending)
        #expect(query.sortedBy(.name).order == .ascending && query.sortedBy(.name).sort == .name)
        #expect(BrowseQuery().link == "./")
    }
}

@Suite struct VersionOrderTests {
    // Goal: versions sort as each ecosystem orders them, and unparsable ones go last instead of failing.
    @Test(arguments: [
        (ProviderKind.apt, ["1.0~rc1", "1.0", "1.0-1", "1.0+b1", "1:0.9"]),
        (.pypi, ["1.0.dev1", "1.0rc1", "1.0", "1.0.post1", "1.10"]),
        (.tar, ["1.2", "1.9", "1.10", "1.10a", "2.0"]),
    ])
    func ordersVersions(_ provider: ProviderKind, _ ascending: [String]) {
        let keys = ascending.map { VersionKey($0, provider: provider) }
        #expect(keys.shuffled().sorted() == keys)
    }

    @Test func unparsableVersionsSortLast() {
        #expect(VersionKey("1.0", provider: .pypi) < VersionKey("not a version", provider: .pypi))
        #expect(!(VersionKey("not a version", provider: .pypi) < VersionKey("1.0", provider: .pypi)))
    }
}

@Suite struct InstallInstructionsTests {
    static func target(_ provider: ProviderKind, isPrivate: Bool) -> InstallInstructions.Target {
        InstallInstructions.Target(provider: provider, repository: "r1", isPrivate: isPrivate, uploadsNeedToken: isPrivate,
                                   baseURL: "http://pkgs.example:8080", dists: [("stable", ["main", "extra"])])
    }

    static func text(_ instructions: InstallInstructions) -> String { instructions.blocks.map(\.commands).joined() }

    // Goal: apt lines use signed-by with the repository's keyring and name the dist and its components.
    @Test func aptUsesSignedBy() {
        let text = Self.text(.repository(Self.target(.apt, isPrivate: false), examplePackage: nil))
        #expect(text.contains("curl -fsSL http://pkgs.example:8080/apt/r1/keyring.gpg |\n    sudo tee /etc/apt/keyrings/artifactfs-r1.gpg"))
        #expect(text.contains("deb [signed-by=/etc/apt/keyrings/artifactfs-r1.gpg] http://pkgs.example:8080/apt/r1 stable main extra"))
        #expect(text.contains("http://pkgs.example:8080/apt/r1/dists/stable/install | sudo sh -s -- http://pkgs.example:8080"))
        #expect(!text.contains("TOKEN"))
    }

    // Goal: a private repository's lines carry a token placeholder where each client reads credentials.
    @Test func privateRepositoriesNeedCredentials() {
        let pip = Self.text(.repository(Self.target(.pypi, isPrivate: true), examplePackage: "demo"))
        #expect(pip.contains("pip install --index-url http://__token__:$TOKEN@pkgs.example:8080/pypi/r1/simple/ 'demo'"))
        let apt = Self.text(.repository(Self.target(.apt, isPrivate: true), examplePackage: nil))
        #expect(apt.contains("machine http://pkgs.example:8080/apt/r1 login __token__ password $TOKEN"))
        #expect(apt.contains(#"curl -fsSL -u "__token__:$TOKEN" http://pkgs.example:8080/apt/r1/keyring.gpg"#))
        #expect(!apt.contains("/install |"), "the install script fetches the key without credentials")
    }

    // Goal: a value pasted into a command stays one shell word whatever it holds.
    @Test(arguments: ["plain", "it's", "$(rm -rf ~)", "a'b'c", "`x`;y"])
    func shellQuoting(_ raw: String) async throws {
        let quoted = InstallInstructions.shellQuoted(raw)
        // The shell runs and is waited for on a thread of its own, not the cooperative pool.
        let printed = try await offCooperativePool { () throws -> String in
            let output = Process()
            output.executableURL = URL(fileURLWithPath: "/bin/sh")
            output.arguments = ["-c", "printf %s \(quoted)"]
            let pipe = Pipe()
            output.standardOutput = pipe
            try output.run()
            let bytes = pipe.fileHandleForReading.readDataToEndOfFile()
            output.waitUntilExit()
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(printed == raw)
    }

    // Goal: only a plain host[:port] from the request becomes the base URL; anything else shows a placeholder.
    @Test func baseURLFromHost() {
        var request = HTTPRequest(method: .get, scheme: nil, authority: "pkgs.example:8080", path: "/")
        #expect(PublicBaseURL.of(request) == "http://pkgs.example:8080")
        request.headerFields[HTTPField.Name("X-Forwarded-Proto")!] = "https"
        #expect(PublicBaseURL.of(request) == "https://pkgs.example:8080")
        request.authority = "evil$(id)"
        #expect(PublicBaseURL.of(request) == PublicBaseURL.placeholder)
    }
}

@Suite struct BrowsePageTests {
    /// Uploads a tarball under each name and returns their SHA-256s (a fixture's bytes carry the time it was made).
    @discardableResult
    static func upload(_ client: some TestClientProtocol, _ names: [String], repository: String = "r1") async throws -> [String] {
        var digests: [String] = []
        for (index, name) in names.enumerated() {
            let bytes = try Fixtures.tarGz(seed: 500 + UInt64(index))
            let put = try await client.put("/tar/\(repository)/\(name)", bytes)
            #expect(put.status == .created, "PUT \(name)")
            digests.append(SHA256Digest(of: bytes).hex)
        }
        return digests
    }

    /// The file names of the table's rows in page order (each row starts with a link to `<file>?view=package`).
    static func rowFiles(_ html: String) -> [String] {
        html.components(separatedBy: "<tr><td><a href=\"").dropFirst().map { String($0.prefix { $0 != "?" }) }
    }

    /// The versions of the table's rows in page order.
    static func rowVersions(_ html: String) -> [String] {
        html.components(separatedBy: "</a></td><td>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    // Goal: the repository page lists every package with its columns and install lines; the plain listing stays.
    @Test func repositoryPageListsPackages() async throws {
        try await TestServer.run { _, client in
            let digests = try await Self.upload(client, ["tool-1.0.tar.gz"])
            let page = try await client.get("/tar/r1/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'sha256-") == true)
            let html = page.text
            #expect(html.contains("<a href=\"tool-1.0.tar.gz?view=package\">tool</a>"))
            #expect(html.contains("<td>1.0</td><td>tar.gz</td>"))
            #expect(html.contains("<code title=\"\(digests[0])\">\(digests[0])</code>"))
            #expect(html.contains("/tar/r1/SHA256SUMS | sha256sum -c --ignore-missing"))
            #expect(html.contains("curl -fsSL -o &#39;tool-1.0.tar.gz&#39; http://"), "the example downloads a real file")
            let plain = try await client.get("/tar/r1/?view=files")
            #expect(plain.text.contains("Index of /tar/r1/") && plain.text.contains("SHA256SUMS"))
            // pip and uv (`--find-links`) read the directory as a flat link page: every file, not a page of rows.
            for agent in ["pip/24.0 {\"ci\":null}", "uv/0.4.0"] {
                let tool = try await client.get("/tar/r1/", headers: [.userAgent: agent])
                #expect(tool.text.contains("Index of /tar/r1/") && tool.text.contains("tool-1.0.tar.gz"), "\(agent)")
            }
            let head = try await client.send(.head, "/tar/r1/")
            #expect(head.status == .ok && head.bytes.isEmpty)
            // The rows are cached between views; an upload after a view shows on the next one.
            try await Self.upload(client, ["later-2.0.tar.gz"])
            #expect(try await client.get("/tar/r1/").text.contains("later-2.0.tar.gz?view=package"))
        }
    }

    // Goal: versions sort the way people read them, both ways; the filter keeps matching rows; pages split the rest.
    @Test func sortsFiltersAndPages() async throws {
        try await TestServer.run { _, client in
            try await Self.upload(client, ["tool-1.10.tar.gz", "tool-1.9.tar.gz", "tool-1.2.tar.gz", "other-2.0.tar.gz"])
            let ascending = try await client.get("/tar/r1/?sort=version")
            #expect(Self.rowVersions(ascending.text) == ["1.2", "1.9", "1.10", "2.0"])
            let descending = try await client.get("/tar/r1/?sort=version&order=desc")
            #expect(Self.rowVersions(descending.text) == ["2.0", "1.10", "1.9", "1.2"])
            let byName = try await client.get("/tar/r1/")
            #expect(Self.rowFiles(byName.text) == ["other-2.0.tar.gz", "tool-1.2.tar.gz", "tool-1.9.tar.gz", "tool-1.10.tar.gz"])
            let filtered = try await client.get("/tar/r1/?q=OTHER")
            #expect(Self.rowFiles(filtered.text) == ["other-2.0.tar.gz"])
            #expect(filtered.text.contains("1 of 4 packages match"))
            let second = try await client.get("/tar/r1/?sort=version&per=3&page=2")
            #expect(Self.rowVersions(second.text) == ["2.0"])
            #expect(second.text.contains("page 2 of 2"))
        }
    }

    // Goal: hostile catalogue values and a hostile filter appear as text, never as markup.
    @Test func hostileValuesAreEscaped() async throws {
        try await TestServer.run { server, client in
            try await Self.upload(client, ["tool-1.0.tar.gz"])
            let metadata = server.repositories.metadata
            try await TestServer.executor.run {
                let id = try metadata.packages(repository: try #require(try metadata.repository(provider: .tar, name: RepositoryName("r1"))).id)[0].id
                _ = try metadata.updatePackageAttributes(id: id, ["format": "<script>alert(1)</script>", "note": "\"><img src=x onerror=alert(2)>"])
            }
            let page = try await client.get("/tar/r1/?q=%3Cscript%3E")
            #expect(page.text.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
            #expect(page.text.contains("value=\"&lt;script&gt;\""))
            #expect(!page.text.contains("<script>alert"))
            let package = try await client.get("/tar/r1/tool-1.0.tar.gz?view=package")
            #expect(package.status == .ok)
            #expect(package.text.contains("<dd>&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</dd>"))
            #expect(!package.text.contains("<img"))
        }
    }

    // Goal: a private repository's pages need a covering token, like its files.
    @Test func privatePagesNeedAToken() async throws {
        try await TestServer.run { server, client in
            try await Self.upload(client, ["tool-1.0.tar.gz"])
            let patch = try await client.send(.patch, "/api/tar/r1", headers: [.contentType: "application/json"], body: Array(#"{"private": true}"#.utf8))
            #expect(patch.status == .ok)
            let token = try await server.addToken("reader", repositories: ["tar/r1"])
            for path in ["/tar/r1/", "/tar/r1/tool-1.0.tar.gz?view=package", "/tar/r1/?view=files"] {
                #expect(try await client.get(path).status == .unauthorized, "GET \(path)")
                #expect(try await client.get(path, headers: bearer(token)).status == .ok, "GET \(path) with a token")
            }
            let page = try await client.get("/tar/r1/", headers: bearer(token))
            #expect(page.text.contains("private"))
            #expect(page.text.contains("-u &quot;__token__:$TOKEN&quot;"))
            #expect(!page.text.contains(token), "the page never echoes the secret")
        }
    }

    // Goal: `/` lists every readable repository with its totals, `/<provider>/` those of one provider; a private
    // repository appears only to a token that may read it; the plain listing stays under ?view=files and for pip.
    @Test func overviewListsReadableRepositories() async throws {
        try await TestServer.run { server, client in
            let empty = try await client.get("/")
            #expect(empty.status == .ok && empty.text.contains("No repository yet"))
            try await Self.upload(client, ["tool-1.0.tar.gz", "tool-2.0.tar.gz"])
            try await Self.upload(client, ["other-1.0.tar.gz"], repository: "secret")
            let patch = try await client.send(.patch, "/api/tar/secret", headers: [.contentType: "application/json"],
                                              body: Array(#"{"private": true}"#.utf8))
            #expect(patch.status == .ok)
            let root = try await client.get("/")
            #expect(root.headers[.contentType] == "text/html; charset=utf-8")
            #expect(root.text.contains("<a href=\"tar/r1/\">r1</a>") && root.text.contains("<td class=\"num\">2</td>"))
            #expect(root.text.contains("1 repository, 2 packages") && !root.text.contains("secret"))
            let provider = try await client.get("/tar/")
            #expect(provider.text.contains("<a href=\"r1/\">r1</a>") && provider.text.contains("tar repositories"))
            let token = try await server.addToken("reader", repositories: ["tar/secret"])
            let withToken = try await client.get("/", headers: bearer(token))
            #expect(withToken.text.contains("<a href=\"tar/secret/\">secret</a> <span class=\"badge\">private</span>"))
            #expect(try await client.get("/apt/").text.contains("No repository yet"))
            #expect(try await client.get("/?view=files").text.contains("Index of /"))
            #expect(try await client.get("/tar/", headers: [.userAgent: "pip/24.0"]).text.contains("Index of /tar/"))
            #expect(try await client.send(.head, "/").status == .ok)
        }
    }
}

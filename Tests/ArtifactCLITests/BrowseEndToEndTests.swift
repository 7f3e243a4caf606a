// The browse pages in a real browser: headless Chromium renders them from a real server; the test reads the DOM.
import CoreTesting
import Foundation
import Testing

/// Debian's headless-capable browser; outside the suite type, which its own attribute may not refer to.
private let chromium = "/usr/bin/chromium"

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: chromium),
                             "chromium is not installed (scripts/install-deps.sh installs it)"))
struct BrowseEndToEndTests {
    /// Runs inside the page if any hostile value became markup (the page's policy would block it too, so the
    /// test also checks that no such element exists in the DOM).
    static let hostileScript = "<script>document.body.setAttribute('data-pwned','1')</script>"

    // Goal: a .deb, a wheel and a tarball show up in Chromium's DOM: the rows, sort order, filter, install lines and
    // package metadata, with hostile names and metadata rendered as text, not markup.
    @Test func pagesRenderInChromium() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let deb = try await DebBuilder(work: work).build("evil-pkg", "1.0-1", "all", fields: [("Description", Self.hostileScript + "\n more")],
                                                         fileName: #"x<b>"e'&.deb"#)
        let wheel = try await Self.wheel(work, summary: "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">")
        let tarballs = [try await work.tarball("tool-1.0.tar.gz", seed: 41), try await work.tarball("tool-1.9.tar.gz", seed: 42),
                        try await work.tarball("tool-1.10.tar.gz", seed: 43), try await work.tarball("other-2.0.tar.gz", seed: 44)]
        try await EndToEndTests.withServer(binary, work) { server in
            try await Self.put(deb, server.url + "/apt/deb/pool/stable/main/x%3Cb%3E%22e%27%26.deb")
            try await Self.put(wheel, server.url + "/pypi/py/demo_pkg-1.0-py3-none-any.whl")
            for tarball in tarballs {
                try await Self.put(tarball, server.url + "/tar/t/" + URL(fileURLWithPath: tarball).lastPathComponent)
            }
            // Four browsers at once: each spends most of its ~2 s starting up.
            let url = server.url
            async let aptPage = Self.dumpDOM(url + "/apt/deb/", work)
            async let tarPage = Self.dumpDOM(url + "/tar/t/?sort=version&order=desc&q=tool", work)
            async let wheelPage = Self.dumpDOM(url + "/pypi/py/demo_pkg-1.0-py3-none-any.whl?view=package", work)
            async let debPage = Self.dumpDOM(url + "/apt/deb/pool/stable/main/x%3Cb%3E%22e%27%26.deb?view=package", work)
            let (apt, tar, package, debPackage) = try await (aptPage, tarPage, wheelPage, debPage)

            let aptText = Self.text(apt)
            #expect(aptText.contains("evil-pkg"), "DOM:\n\(apt)")
            #expect(aptText.contains("deb [signed-by=/etc/apt/keyrings/artifactfs-deb.gpg] \(server.url)/apt/deb stable main"))
            #expect(aptText.contains("curl -fsSL \(server.url)/apt/deb/keyring.gpg |\n    sudo tee /etc/apt/keyrings/artifactfs-deb.gpg"))
            try await Self.runAptLines(aptText, work)

            let debText = Self.text(debPackage)
            #expect(debText.contains(#"x<b>"e'&.deb"#), "the hostile file name shows as text; DOM:\n\(debPackage)")
            #expect(debText.contains(Self.hostileScript), "the hostile Description shows as text")
            #expect(debText.contains("sudo apt-get install 'evil-pkg=1.0-1'"))

            #expect(Self.rowVersions(tar) == ["1.10", "1.9", "1.0"], "sorted by version, descending; DOM:\n\(tar)")
            #expect(Self.text(tar).contains("3 of 4 packages match “tool”"), "other-2.0 is filtered out")

            let packageText = Self.text(package)
            #expect(packageText.contains("pip install --index-url \(server.url)/pypi/py/simple/ 'demo-pkg==1.0'"), "DOM:\n\(package)")
            #expect(packageText.contains("<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"))
            #expect(packageText.contains(try await sha256(of: wheel)))
            for dom in [apt, package, debPackage] {
                #expect(!dom.contains("<b>\"e") && !dom.contains("<b>e"), "the hostile file name became markup")
                #expect(!dom.contains("data-pwned=\""), "a hostile script ran")
                #expect(!dom.contains("<script>document.body") && !dom.contains("<img src=\"x\""), "hostile markup reached the DOM")
            }
        }
    }

    // Goal: a private apt repository's page (read with a token) gives lines that set apt up with the keyring and
    // auth.conf.d credentials, and apt-get update then verifies the repository.
    @Test func privateAptLinesWork() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let deb = try await DebBuilder(work: work).build("secret-tool", "1.0-1", "amd64")
        let admin = try await AccessEndToEndTests.addToken(binary, work.path("data"), "admin")
        try await EndToEndTests.withServer(binary, work) { server in
            let created = try await run(["repo", "create", "--server", server.url, "--provider", "apt", "--private", "priv", "--token", admin],
                                        executable: binary)
            #expect(created.status == 0, "\(created.stderr)")
            let answer = try await ArtifactCLITests.put(deb, to: "\(server.url)/apt/priv/pool/stable/main/secret-tool_1.0-1_amd64.deb", token: admin)
            #expect(answer.code == 201, "\(answer.body)")
            let page = try await run(["-sf", "-H", "Authorization: Bearer \(admin)", "\(server.url)/apt/priv/"], executable: Tools.curl)
            #expect(page.status == 0)
            #expect(!page.stdout.contains(admin), "the page echoed the token")
            try await Self.runAptLines(Self.text(page.stdout), work, from: "# TOKEN: a token that covers apt/priv (artifactfs token add …)\n",
                                       token: admin)
        }
    }

    /// Runs the page's apt commands after `marker` against a scratch apt (`/etc/apt` moved, no sudo, `$TOKEN` set),
    /// then `apt-get update`: it succeeds only if the keyring, the signed-by path, the source line and (for a private
    /// repository) the credentials are right for this server.
    static func runAptLines(_ pageText: String, _ work: Workspace, from marker: String = "# or by hand:\n", token: String = "") async throws {
        let apt = try IsolatedApt(work)
        try apt.writeSource("")
        let start = try #require(pageText.range(of: marker))
        let end = try #require(pageText.range(of: "sudo apt-get update\n", range: start.upperBound..<pageText.endIndex))
        let script = String(pageText[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "sudo ", with: "").replacingOccurrences(of: "/etc/apt/", with: apt.root + "/etc/")
        let setup = try await run(["-eu", "-c", script], executable: "/bin/sh", environment: ["TOKEN": token])
        #expect(setup.status == 0, "the page's apt lines failed:\n\(script)\n\(setup.stderr)")
        let update = try await apt.aptGet(["update"])
        #expect(update.status == 0 && !update.stderr.contains("NO_PUBKEY") && !update.stderr.contains("W: "),
                "apt-get update with the page's lines: \(update.stdout)\n\(update.stderr)")
    }

    /// A wheel from Benchmarks/make-python-dists.py with the given Summary.
    static func wheel(_ work: Workspace, summary: String) async throws -> String {
        let out = work.path("dists")
        let made = try await run(["python3", PythonClients.distMaker(), out, "--project", "demo-pkg", "--version", "1.0",
                                  "--summary", summary], executable: "/usr/bin/env")
        guard made.status == 0, let name = made.stdout.split(separator: "\n").first else {
            throw E2EFailure("make-python-dists failed: \(made.stderr)")
        }
        return out + "/" + name
    }

    static func put(_ file: String, _ url: String) async throws {
        let result = try await ArtifactCLITests.put(file, to: url)
        guard result.code == 201 else { throw E2EFailure("PUT \(url): \(result.code) \(result.body)") }
    }

    /// The DOM after Chromium loaded and ran the page, serialized (`--dump-dom`); each call has its own profile.
    static func dumpDOM(_ url: String, _ work: Workspace) async throws -> String {
        let profile = work.path("chromium-\(UUID().uuidString)")
        let result = try await run(["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--user-data-dir=\(profile)",
                                    "--dump-dom", url], executable: chromium, timeout: .seconds(60))
        guard result.status == 0, result.stdout.contains("</html>") else {
            throw E2EFailure("chromium --dump-dom \(url) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// The text a reader sees: tags removed, the entities a serialized DOM uses decoded.
    static func text(_ dom: String) -> String {
        var text = dom.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// The version column of the package table, top to bottom (the cell after the name cell).
    static func rowVersions(_ dom: String) -> [String] {
        dom.components(separatedBy: "?view=package\">").dropFirst().compactMap { row in
            row.components(separatedBy: "<td>").dropFirst().first.map { String($0.prefix { $0 != "<" }) }
        }
    }
}

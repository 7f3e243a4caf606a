// Live access control: `artifactfs token` on the data directory, scoped uploads, private repositories read by
// curl, pip and apt-get with credentials, secrets kept out of the logs, and the key directory check at start.
import Foundation
import Testing

@Suite(.serialized) struct AccessEndToEndTests {
    /// Runs `artifactfs token …` on a data directory (the server must be stopped) and returns its result.
    static func token(_ binary: String, _ data: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await run(["token"] + arguments + ["--data", data], executable: binary)
    }

    /// Makes a token with the CLI and returns its secret (the one line on stdout).
    static func addToken(_ binary: String, _ data: String, _ name: String, repositories: [String] = []) async throws -> String {
        let made = try await token(binary, data, ["add", name] + repositories.flatMap { ["--repo", $0] })
        guard made.status == 0 else { throw E2EFailure("token add \(name): \(made.stderr)") }
        return made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // Goal: `token add` prints a secret once and stores only its hash; `token list` shows names and scopes; the
    // server then needs a token for writes (401 with a challenge without one, 403 outside the token's scope),
    // the CLI's --token works, repo create/set need an all-repositories token, `token remove` revokes; no
    // secret and no Authorization header ever reaches the server's log, even at trace level.
    @Test func tokensFromTheCommandLine() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let data = work.path("data")
        let tool = try await work.tarball("tool-1.0.tar.gz", seed: 41)
        let other = try await work.tarball("other-1.0.tar.gz", seed: 42)
        let ci = try await Self.addToken(binary, data, "ci", repositories: ["tar/one"])
        let admin = try await Self.addToken(binary, data, "admin")
        #expect(ci.hasPrefix("afs_") && ci.count == 47 && admin != ci)
        let duplicate = try await Self.token(binary, data, ["add", "ci"])
        #expect(duplicate.status != 0 && duplicate.stderr.contains("already exists"), "\(duplicate.stderr)")
        let badScope = try await Self.token(binary, data, ["add", "x", "--repo", "one"])
        #expect(badScope.status != 0 && badScope.stderr.contains("PROVIDER/REPO"), "\(badScope.stderr)")
        let list = try await Self.token(binary, data, ["list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("admin\tall\t") && list.stdout.contains("ci\ttar/one\t"), "\(list.stdout)")
        // The database and its write-ahead log, if one is left: the rows may sit in either.
        for file in ["catalogue.sqlite", "catalogue.sqlite-wal"] where FileManager.default.fileExists(atPath: data + "/" + file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: data + "/" + file))
            #expect(bytes.range(of: Data(ci.utf8)) == nil, "the secret is in \(file)")
            #expect(bytes.range(of: Data(ci.dropFirst(4).utf8)) == nil, "the secret without its prefix is in \(file)")
        }

        let server = try await ServerProcess.start(binary: binary, dataDirectory: data, logLevel: "trace")
        do {
            let locked = try await Self.token(binary, data, ["list"])
            #expect(locked.status != 0 && locked.stderr.contains("in use"), "token commands need the server stopped: \(locked.stderr)")

            let upload = ["upload", "--server", server.url, "--provider", "tar"]
            let anonymous = try await curl(["-D", "-", "-T", tool, server.url + "/tar/one/tool-1.0.tar.gz"])
            #expect(anonymous.code == 401 && anonymous.body.contains(#"WWW-Authenticate: Basic realm="artifactfs""#), "\(anonymous)")
            let scoped = try await run(upload + ["--repo", "one", "--token", ci, tool], executable: binary)
            #expect(scoped.status == 0, "\(scoped.stderr)")
            let outside = try await run(upload + ["--repo", "two", "--token", ci, other], executable: binary)
            #expect(outside.status != 0 && outside.stderr.contains("HTTP 403"), "\(outside.stderr)")
            let basic = try await curl(["-u", "__token__:\(ci)", "-T", other, server.url + "/tar/one/other-1.0.tar.gz"])
            #expect(basic.code == 201, "\(basic)")

            let create = ["repo", "create", "--server", server.url, "--provider", "tar", "--private", "hidden"]
            let scopedCreate = try await run(create + ["--token", ci], executable: binary)
            #expect(scopedCreate.status != 0 && scopedCreate.stderr.contains("HTTP 403"), "\(scopedCreate.stderr)")
            let adminCreate = try await run(create + ["--token", admin], executable: binary)
            #expect(adminCreate.status == 0 && adminCreate.stdout.contains("created tar/hidden (private)"), "\(adminCreate.stderr)")
            #expect(try await curl([server.url + "/tar/hidden/SHA256SUMS"]).code == 401)
            let listed = try await run(["repo", "list", "--server", server.url, "--token", admin], executable: binary)
            #expect(listed.stdout.contains("tar/hidden\t0 packages\tprivate"), "\(listed.stdout)")
            let anonymousList = try await run(["repo", "list", "--server", server.url], executable: binary)
            #expect(anonymousList.status == 0 && !anonymousList.stdout.contains("hidden"))
            let makePublic = try await run(["repo", "set", "--server", server.url, "--provider", "tar", "--public", "hidden", "--token", admin],
                                           executable: binary)
            #expect(makePublic.status == 0 && makePublic.stdout.contains("tar/hidden is public"), "\(makePublic.stderr)")
            #expect(try await curl([server.url + "/tar/hidden/SHA256SUMS"]).code == 200)
        } catch {
            server.forceKill()
            throw error
        }
        let end = try await server.stop()
        #expect(end.status == 0, "server log:\n\(server.log.text)")
        let log = server.log.text
        #expect(log.contains("ready"), "the trace log was read")
        for secret in [ci, admin] { #expect(!log.contains(secret), "a token secret reached the log") }
        #expect(!log.contains("afs_") && !log.lowercased().contains("authorization"), "credentials reached the log:\n\(log)")

        let removed = try await Self.token(binary, data, ["remove", "ci"])
        #expect(removed.status == 0 && removed.stdout.contains("removed token ci"))
        #expect(try await Self.token(binary, data, ["remove", "ci"]).status != 0)
        #expect(try await Self.token(binary, data, ["list"]).stdout.contains("ci\t") == false)
        let again = try await ServerProcess.start(binary: binary, dataDirectory: data)
        do {
            let revoked = try await curl(["-u", "__token__:\(ci)", "-T", other, again.url + "/tar/one/again-1.0.tar.gz"])
            #expect(revoked.code == 401, "\(revoked)")
        } catch {
            again.forceKill()
            throw error
        }
        _ = try await again.stop()
    }

    // Goal: `import --server` into a server that wants a token stops at the first 401 with the hint to pass one and
    // stores nothing; with the token it imports the tarballs (and lists the file that is not one).
    @Test func importThroughAServerNeedsItsToken() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let dir = work.path("tarballs")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for index in 0..<3 {
            try FileManager.default.moveItem(atPath: try await work.tarball("imp-\(index).0.tar.gz", seed: 60 + UInt64(index)),
                                             toPath: dir + "/imp-\(index).0.tar.gz")
        }
        try work.write("tarballs/notes.txt", Array("not a package\n".utf8))
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"), uploadToken: "import-secret")
        do {
            let arguments = ["import", "--server", server.url, "--provider", "tar", "--repo", "imported", dir]
            let refused = try await run(arguments, executable: binary)
            #expect(refused.status != 0 && refused.stderr.contains("HTTP 401") && refused.stderr.contains("--token"), "\(refused.stderr)")
            #expect(try await curl([server.url + "/tar/imported/SHA256SUMS"]).code == 404, "nothing was stored")
            let done = try await run(arguments + ["--token", "import-secret"], executable: binary)
            #expect(done.status == 1 && done.stdout.contains("3 stored, 0 unchanged, 1 rejected"), "\(done.stdout)\n\(done.stderr)")
            #expect(done.stdout.contains("rejected \(dir)/notes.txt: HTTP 400:"), "\(done.stdout)")
            let sums = try await fetchText(server.url + "/tar/imported/SHA256SUMS")
            #expect(sums.split(separator: "\n").count == 3, "published at the end: \(sums)")
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
    }

    // Goal: pip installs from a private PyPI repository with the token in the index URL (Basic auth) and fails
    // without it; apt-get reads a private apt repository with /etc/apt/auth.conf.d credentials and fails without.
    @Test func clientsReadPrivateRepositoriesWithCredentials() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let data = work.path("data")
        let python = try PythonClients(work)
        let dists = try await python.make("dists", ["--project", "secretpkg", "--version", "1.0"])
        let deb = try await DebBuilder(work: work).build("secret-tool", "1.0-1", "amd64")
        let reader = try await Self.addToken(binary, data, "reader", repositories: ["pypi/priv", "apt/privdeb"])
        let admin = try await Self.addToken(binary, data, "admin")
        try await EndToEndTests.withServer(binary, work) { server in
            for (provider, name) in [("pypi", "priv"), ("apt", "privdeb")] {
                let created = try await run(["repo", "create", "--server", server.url, "--provider", provider, "--private", name, "--token", admin],
                                            executable: binary)
                #expect(created.status == 0, "\(created.stderr)")
            }
            let twine = try await python.run("twine", ["upload", "--repository-url", "\(server.url)/pypi/priv/", "-u", "__token__", "-p", reader] + dists)
            #expect(twine.status == 0, "twine: \(twine.stderr)")
            let host = server.url.replacingOccurrences(of: "http://", with: "")
            let refused = try await python.run("pip", ["download", "--no-deps", "--index-url", "\(server.url)/pypi/priv/simple/",
                                                       "-d", work.path("refused"), "secretpkg"])
            #expect(refused.status != 0, "pip read a private repository without a token")
            let pip = try await python.run("pip", ["install", "--index-url", "http://__token__:\(reader)@\(host)/pypi/priv/simple/",
                                                   "--target", work.path("t"), "secretpkg"])
            #expect(pip.status == 0 && PythonClients.installedVersion(work.path("t"), module: "secretpkg") == "1.0", "pip: \(pip.stderr)")

            let answer = try await put(deb, to: "\(server.url)/apt/privdeb/pool/stable/main/secret-tool_1.0-1_amd64.deb", token: reader)
            #expect(answer.code == 201, "\(answer.body)")
            let keyring = work.path("privdeb.gpg")
            let key = try await run(["-sf", "-u", "__token__:\(reader)", "-o", keyring, "\(server.url)/apt/privdeb/keyring.gpg"], executable: Tools.curl)
            #expect(key.status == 0)
            chmod(keyring, 0o644)
            let apt = try IsolatedApt(work)
            try apt.writeSource("deb [signed-by=\(keyring)] \(server.url)/apt/privdeb stable main")
            let anonymous = try await apt.aptGet(["update"])
            #expect(anonymous.stdout.contains("401") || anonymous.stderr.contains("401"), "apt without credentials: \(anonymous.stdout)\n\(anonymous.stderr)")
            // apt sends credentials over plain http only to a machine written with its scheme.
            try apt.writeAuth(machine: "http://\(host)/apt/privdeb", login: "__token__", password: reader)
            let update = try await apt.aptGet(["update"])
            #expect(update.status == 0 && !update.stderr.contains("W:"), "apt-get update: \(update.stdout)\n\(update.stderr)")
            let download = try await apt.aptGet(["download", "secret-tool"])
            #expect(download.status == 0, "apt-get download: \(download.stderr)")
            #expect(try Workspace.bytes(at: apt.root + "/download/secret-tool_1.0-1_amd64.deb") == Workspace.bytes(at: deb))
        }
    }

    // Goal: the server refuses to start when the key directory or a secret key is open to other users, and says
    // which path and which chmod fixes it; after the fix it starts.
    @Test func exposedKeysStopTheServer() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let data = work.path("data")
        let home = data + "/keys/apt/r"
        try FileManager.default.createDirectory(atPath: home + "/private-keys-v1.d", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        for directory in [data + "/keys", data + "/keys/apt", home] { chmod(directory, 0o700) }
        let key = home + "/private-keys-v1.d/0123.key"
        _ = FileManager.default.createFile(atPath: key, contents: Data("secret".utf8), attributes: [.posixPermissions: 0o644])
        chmod(home, 0o755)
        let serve = ["serve", "--data", data, "--listen", "127.0.0.1:0", "--no-mount"]
        let refused = try await run(serve, executable: binary, timeout: .seconds(30))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(home) is a key directory accessible by group or others (mode 0755); fix: chmod 700 '\(home)'"),
                "\(refused.stderr)")
        #expect(refused.stderr.contains("\(key) holds secret key material") && refused.stderr.contains("chmod 600 '\(key)'"), "\(refused.stderr)")
        chmod(home, 0o700)
        chmod(key, 0o600)
        let server = try await ServerProcess.start(binary: binary, dataDirectory: data)
        _ = try await server.stop()
    }
}

extension IsolatedApt {
    /// Writes apt's credentials for `machine` into an auth.conf.d file that `authOptions` points apt at.
    func writeAuth(machine: String, login: String, password: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/etc/auth.conf.d", withIntermediateDirectories: true)
        let file = root + "/etc/auth.conf.d/artifactfs.conf"
        try Data("machine \(machine)\nlogin \(login)\npassword \(password)\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
    }
}

// Live apt tests: real .debs from dpkg-deb, real apt-get, gpgv and apt-ftparchive against the running server.
import Core
import CoreTesting
import Foundation
import Testing

@Suite(.serialized) struct AptEndToEndTests {
    static let gpgv = "/usr/bin/gpgv"
    static let ftparchive = "/usr/bin/apt-ftparchive"
    /// More than one Packages chunk holds (32 stanzas), so indexes are made of several compressed streams.
    static let bulkCount = 80

    // Goal: apt-get trusts the signed repository, resolves across components and architectures, and
    // downloads byte-identical packages (also one whose control file states Filename, Size and SHA256 itself);
    // gpgv verifies both signatures; every Release checksum is right.
    @Test func aptGetInstallsFromSignedRepository() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let debs = DebBuilder(work: work)
        let hello = try await debs.build("hello", "1:2.0+dfsg-1~bpo12+1", "amd64", fields: [("Depends", "hello-data (>= 1.0~rc1)")])
        let helloArm = try await debs.build("hello", "1:2.0+dfsg-1~bpo12+1", "arm64", compression: "gzip")
        let data = try await debs.build("hello-data", "1.0~rc1", "all", compression: "zstd")
        // Fields only the server may state, in the control file: each must appear once in Packages, or apt
        // refuses the whole index.
        let tool = try await debs.build("tool", "0.1", "amd64", fields: [("Filename", "pool/elsewhere/tool.deb"), ("size", "1"),
                                                                         ("SHA256", "00")], compression: "none")
        try await EndToEndTests.withServer(binary, work) { server in
            let pool = server.url + "/apt/signed/pool/stable"
            for (file, component) in [(hello, "main"), (helloArm, "main"), (data, "main"), (tool, "contrib")] {
                let answer = try await put(file, to: "\(pool)/\(component)/\(URL(fileURLWithPath: file).lastPathComponent)")
                #expect(answer.code == 201, "PUT \(file): \(answer.body)")
            }
            let keyring = work.path("keyring.gpg")
            try await fetch(server.url + "/apt/signed/keyring.gpg", to: keyring)

            let apt = try IsolatedApt(work)
            try apt.writeSource("deb [signed-by=\(keyring)] \(server.url)/apt/signed stable main contrib")
            let update = try await apt.aptGet(["update"])
            #expect(update.status == 0, "apt-get update: \(update.stdout)\n\(update.stderr)")
            #expect(!update.stderr.contains("W:"), "apt-get update warned: \(update.stderr)")

            let download = try await apt.aptGet(["download", "hello", "tool"])
            #expect(download.status == 0, "apt-get download: \(download.stderr)")
            let downloaded = try FileManager.default.contentsOfDirectory(atPath: apt.root + "/download").sorted()
            #expect(downloaded == ["hello_1%3a2.0+dfsg-1~bpo12+1_amd64.deb", "tool_0.1_amd64.deb"])
            for name in downloaded {
                let original = name.hasPrefix("hello") ? hello : tool
                #expect(try Workspace.bytes(at: apt.root + "/download/" + name) == Workspace.bytes(at: original))
            }
            let install = try await apt.aptGet(["install", "--download-only", "-y", "hello"])
            #expect(install.status == 0, "apt-get install: \(install.stderr)")
            let archives = try FileManager.default.contentsOfDirectory(atPath: apt.root + "/cache/archives")
            #expect(archives.contains { $0.hasPrefix("hello-data_1.0~rc1_all") }, "dependency not fetched: \(archives)")

            // Enough packages for several Packages chunks: apt must read the concatenated xz and gzip streams.
            var bulkNames: [String] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<Self.bulkCount {
                    let deb = try await debs.build("bulk\(index)", "1.\(index)", "amd64", compression: "gzip")
                    bulkNames.append("bulk\(index)")
                    if index >= 8 { try await group.next() }
                    group.addTask {
                        let answer = try await put(deb, to: "\(pool)/main/\(URL(fileURLWithPath: deb).lastPathComponent)")
                        #expect(answer.code == 201, "PUT bulk: \(answer.body)")
                    }
                }
                try await group.waitForAll()
            }
            for compression in ["xz", "gz"] {
                let bulkApt = try IsolatedApt(work, name: "apt-\(compression)")
                try bulkApt.writeSource("deb [signed-by=\(keyring)] \(server.url)/apt/signed stable main contrib")
                let bulkUpdate = try await bulkApt.aptGet(["-o", "Acquire::CompressionTypes::Order::=\(compression)", "update"])
                #expect(bulkUpdate.status == 0, "apt-get update (\(compression)): \(bulkUpdate.stderr)")
                let bulkDownload = try await bulkApt.aptGet(["download"] + bulkNames)
                #expect(bulkDownload.status == 0, "apt-get download (\(compression)): \(bulkDownload.stderr)")
                let fetched = try FileManager.default.contentsOfDirectory(atPath: bulkApt.root + "/download")
                #expect(fetched.count == Self.bulkCount, "\(compression): \(fetched.count) of \(Self.bulkCount) downloaded")
            }

            let armPackages = try await fetchText(server.url + "/apt/signed/dists/stable/main/binary-arm64/Packages")
            let armNames = try deb822Paragraphs(armPackages).map { "\($0["Package"] ?? "")/\($0["Architecture"] ?? "")" }.sorted()
            #expect(armNames == ["hello-data/all", "hello/arm64"])

            try await Self.verifySignatures(server.url + "/apt/signed/dists/stable", keyring: keyring, work: work)
            try await Self.verifyReleaseChecksums(server.url + "/apt/signed/dists/stable", work: work)
            #expect(!Self.gpgAgents(under: work.root.path).isEmpty, "signing ran without a gpg-agent?")
        }
        // The server stops the gpg-agents it started when it exits.
        let deadline = ContinuousClock.now + .seconds(5)
        while !Self.gpgAgents(under: work.root.path).isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Self.gpgAgents(under: work.root.path).isEmpty, "gpg-agent still running after the server stopped")
        let keys = try FileManager.default.attributesOfItem(atPath: work.path("data/keys/apt/signed"))
        #expect((keys[.posixPermissions] as? Int) == 0o700)
    }

    /// Command lines of running gpg-agents whose home is below `root`.
    static func gpgAgents(under root: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap { pid -> String? in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let command = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            return command.contains("gpg-agent") && command.contains(root) ? command : nil
        }
    }

    // Goal: each Packages stanza has the fields and values apt-ftparchive writes for the same files.
    @Test func packagesMatchAptFtparchive() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let debs = DebBuilder(work: work)
        let files = [
            try await debs.build("alpha", "1.0-1", "amd64", fields: [("Section", "utils"), ("Priority", "optional"),
                                                                    ("Installed-Size", "12"), ("Depends", "libc6 (>= 2.36), beta | gamma"),
                                                                    ("Homepage", "https://example.com/alpha")]),
            try await debs.build("beta", "2:0.9~beta2+git20240101-3", "all", fields: [("Multi-Arch", "foreign"), ("X-Custom", "kept")],
                                 compression: "gzip"),
            try await debs.build("gamma", "3.1", "arm64", fields: [("Description", "gamma\n long text\n .\n more")], compression: "zstd"),
        ]
        try await EndToEndTests.withServer(binary, work) { server in
            let mirror = work.path("ftparchive")
            try FileManager.default.createDirectory(atPath: mirror + "/pool/stable/main", withIntermediateDirectories: true)
            for file in files {
                let name = URL(fileURLWithPath: file).lastPathComponent
                #expect(try await put(file, to: "\(server.url)/apt/cmp/pool/stable/main/\(name)").code == 201)
                try FileManager.default.copyItem(atPath: file, toPath: mirror + "/pool/stable/main/" + name)
            }
            let reference = try await run(["packages", "pool/stable/main"], executable: Self.ftparchive, directory: mirror)
            #expect(reference.status == 0, "apt-ftparchive: \(reference.stderr)")
            var ours: [[String: String]] = []
            for architecture in ["amd64", "arm64", "all"] {
                ours += try deb822Paragraphs(try await fetchText("\(server.url)/apt/cmp/dists/stable/main/binary-\(architecture)/Packages"))
            }
            let unique = Dictionary(ours.map { ("\($0["Package"]!)/\($0["Architecture"]!)", $0) }, uniquingKeysWith: { a, b in
                #expect(a == b, "the same package differs between indexes")
                return a
            })
            let expected = Dictionary(uniqueKeysWithValues: try deb822Paragraphs(reference.stdout).map { ("\($0["Package"]!)/\($0["Architecture"]!)", $0) })
            #expect(unique.keys.sorted() == expected.keys.sorted())
            for (key, stanza) in expected {
                #expect(unique[key] == stanza, "stanza \(key) differs from apt-ftparchive")
            }
        }
    }

    // Goal: each kind of bad .deb gets a clear 4xx, nothing is published, and the signed indexes stay valid.
    @Test func badDebsAreRefusedAndIndexesStayValid() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let debs = DebBuilder(work: work)
        let good = try await debs.build("good", "1.0", "amd64")
        let goodBytes = try Workspace.bytes(at: good)
        let sameIdentity = try await debs.build("good", "1.0", "amd64", fileName: "good-rebuilt.deb", payload: "other bytes")
        let equalVersion = try await debs.build("good", "1.00", "amd64", fileName: "good-1.00.deb")
        let tarball = try await work.tarball("tarball.deb", seed: 7)
        let truncated = try work.write("truncated.deb", Array(goodBytes.prefix(goodBytes.count / 2)))
        let badVersion = try await debs.build("badver", "1.0", "amd64", fileName: "badver.deb")
        try Self.rewriteControl(of: badVersion, work: work) { $0.replacingOccurrences(of: "Version: 1.0", with: "Version: a1.0 beta") }
        let noArch = try await debs.build("noarch", "1.0", "amd64", fileName: "noarch.deb")
        try Self.rewriteControl(of: noArch, work: work) { $0.replacingOccurrences(of: "Architecture: amd64\n", with: "") }
        let huge = try await debs.build("huge", "1.0", "amd64", fields: [("Description", "huge\n " + String(repeating: "x", count: 10 << 20))],
                                        fileName: "huge.deb")
        let cases: [(file: String, code: Int, reason: String)] = [
            (tarball, 400, "not an ar archive"), (truncated, 400, "runcated"), (badVersion, 400, "version"),
            (noArch, 400, "Architecture"), (huge, 400, "control file"),
            (sameIdentity, 409, "already in this directory as good_1.0_amd64.deb"),
            (equalVersion, 409, "already in this directory as good_1.0_amd64.deb"),
        ]
        try await EndToEndTests.withServer(binary, work) { server in
            let pool = server.url + "/apt/strict/pool/stable/main/"
            #expect(try await put(good, to: pool + "good_1.0_amd64.deb").code == 201)
            let before = try await fetchText(server.url + "/apt/strict/dists/stable/InRelease")
            for bad in cases {
                let name = URL(fileURLWithPath: bad.file).lastPathComponent
                let answer = try await put(bad.file, to: pool + name)
                #expect(answer.code == bad.code, "\(name): \(answer.body)")
                #expect(answer.body.contains(bad.reason), "\(name): \(answer.body)")
                let listing = try await fetchText(pool)
                #expect(!listing.contains(name) || name == "good_1.0_amd64.deb", "\(name) is half-visible")
            }
            try await Task.sleep(for: .milliseconds(800))
            let after = try await fetchText(server.url + "/apt/strict/dists/stable/InRelease")
            #expect(after == before, "a refused upload republished the indexes")
            let packages = try await fetchText(server.url + "/apt/strict/dists/stable/main/binary-amd64/Packages")
            #expect(try deb822Paragraphs(packages).map { $0["Package"] } == ["good"])
            let keyring = work.path("strict.gpg")
            try await fetch(server.url + "/apt/strict/keyring.gpg", to: keyring)
            try await Self.verifySignatures(server.url + "/apt/strict/dists/stable", keyring: keyring, work: work)
        }
    }

    // Goal: apt notices a changed index (hash mismatch) and a changed InRelease (bad signature).
    @Test func tamperingIsDetectedByApt() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let deb = try await DebBuilder(work: work).build("honest", "1.0", "amd64")
        try await EndToEndTests.withServer(binary, work) { server in
            #expect(try await put(deb, to: server.url + "/apt/t/pool/stable/main/honest_1.0_amd64.deb").code == 201)
            let keyring = work.path("t.gpg")
            try await fetch(server.url + "/apt/t/keyring.gpg", to: keyring)
            let mirror = work.path("mirror")
            let dist = mirror + "/apt/t/dists/stable"
            try FileManager.default.createDirectory(atPath: dist + "/main/binary-amd64", withIntermediateDirectories: true)
            for file in ["InRelease", "Release", "Release.gpg"] { try await fetch("\(server.url)/apt/t/dists/stable/\(file)", to: dist + "/" + file) }
            let packages = try await fetchText(server.url + "/apt/t/dists/stable/main/binary-amd64/Packages")
            try Data((packages + "Package: evil\nVersion: 6.6.6\nArchitecture: amd64\nFilename: pool/evil.deb\nSize: 1\n\n").utf8)
                .write(to: URL(fileURLWithPath: dist + "/main/binary-amd64/Packages"))
            let mirrorServer = try await StaticHTTPServer.start(root: mirror)
            defer { mirrorServer.stop() }

            let apt = try IsolatedApt(work)
            try apt.writeSource("deb [signed-by=\(keyring)] \(mirrorServer.url)/apt/t stable main")
            let tamperedIndex = try await apt.aptGet(["-o", "Acquire::By-Hash=no", "update"])
            #expect(tamperedIndex.status != 0 || tamperedIndex.stderr.contains("E:"), "apt accepted a tampered Packages")
            #expect(tamperedIndex.stderr.contains("Hash Sum mismatch") || tamperedIndex.stderr.contains("File has unexpected size"),
                    "\(tamperedIndex.stderr)")

            let inRelease = try String(contentsOfFile: dist + "/InRelease", encoding: .utf8)
            try Data(inRelease.replacingOccurrences(of: "Suite: stable", with: "Suite: stab1e").utf8)
                .write(to: URL(fileURLWithPath: dist + "/InRelease"))
            let apt2 = try IsolatedApt(work, name: "apt2")
            try apt2.writeSource("deb [signed-by=\(keyring)] \(mirrorServer.url)/apt/t stable main")
            let tamperedRelease = try await apt2.aptGet(["update"])
            #expect(tamperedRelease.stderr.contains("BADSIG") || tamperedRelease.stderr.contains("not signed")
                    || tamperedRelease.stderr.contains("invalid"), "apt accepted a tampered InRelease: \(tamperedRelease.stderr)")
        }
    }

    // Goal: deleting a package republishes; the install script sets up signed-by and apt-get update works;
    // a second dist and an empty component made with mkdir-like uploads are published.
    @Test func deleteRepublishesAndInstallScriptWorks() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let debs = DebBuilder(work: work)
        let one = try await debs.build("one", "1.0", "amd64")
        let two = try await debs.build("two", "2.0", "all")
        try await EndToEndTests.withServer(binary, work) { server in
            let pool = server.url + "/apt/life/pool/testing/main/"
            #expect(try await put(one, to: pool + "one_1.0_amd64.deb").code == 201)
            // The older service's upload form: /addpkg with dist, component defaulting to main.
            let form = try await run(["-sf", "-F", "f=@\(two)", server.url + "/addpkg?provider=apt&reponame=life&dist=testing&name=two&version=2.0"],
                                     executable: Tools.curl)
            #expect(form.status == 0 && form.stdout.contains("\"created\":true"), "addpkg: \(form.stdout) \(form.stderr)")
            let delete = try await run(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", pool + "one_1.0_amd64.deb"],
                                       executable: Tools.curl)
            #expect(delete.stdout == "200")
            let packages = try await fetchText(server.url + "/apt/life/dists/testing/main/binary-amd64/Packages")
            #expect(try deb822Paragraphs(packages).map { $0["Package"] } == ["two"])

            let script = work.path("install.sh")
            try await fetch(server.url + "/apt/life/dists/testing/install", to: script)
            let apt = try IsolatedApt(work)
            let aptGet = ([IsolatedApt.aptGet] + apt.options).joined(separator: " ")
            let etc = apt.root + "/etc"
            let result = try await run([script, server.url], executable: "/bin/sh", directory: work.root.path,
                                       environment: ["APT_ETC": etc, "APT_GET": aptGet + " -o Dir::Etc::SourceParts=\(etc)/sources.list.d"])
            #expect(result.status == 0, "install script: \(result.stdout)\n\(result.stderr)")
            let list = try String(contentsOfFile: etc + "/sources.list.d/artifactfs-life-testing.list", encoding: .utf8)
            #expect(list == "deb [signed-by=\(etc)/keyrings/artifactfs-life.gpg] \(server.url)/apt/life testing main\n")
            #expect(FileManager.default.fileExists(atPath: etc + "/keyrings/artifactfs-life.gpg"))
            #expect(!result.stderr.contains("W:"), "\(result.stderr)")
        }
    }

    // Goal: --public-url becomes the install script's default server; a URL a shell would expand is refused.
    @Test func publicURLInInstallScript() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let deb = try await DebBuilder(work: work).build("scripted", "1.0", "amd64")
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"),
                                                   extraArguments: ["--public-url", "http://apt.example.invalid:8080/"])
        do {
            #expect(try await put(deb, to: server.url + "/apt/s/pool/stable/main/scripted_1.0_amd64.deb").code == 201)
            let script = try await fetchText(server.url + "/apt/s/dists/stable/install")
            #expect(script.contains(#"server="${1:-http://apt.example.invalid:8080}""#), "\(script)")
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
        do {
            let bad = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data2"),
                                                    extraArguments: ["--public-url", "http://x/$(reboot)"])
            bad.forceKill()
            Issue.record("a --public-url with shell syntax was accepted")
        } catch let failure as E2EFailure {
            #expect(failure.description.contains("--public-url must be"), "\(failure)")
        }
    }

    // Goal: an imported key signs from then on; `key export` prints it; RSA 4096 is available on request.
    @Test func keyImportAndExport() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let gpgHome = work.path("gnupg")
        try FileManager.default.createDirectory(atPath: gpgHome, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/gpgconf"), arguments: ["--homedir", gpgHome, "--kill", "all"]).waitUntilExit() }
        let gen = try await run(["--homedir", gpgHome, "--batch", "--passphrase", "", "--quick-gen-key", "Imported <imported@example.com>",
                                 "ed25519", "sign", "never"], executable: "/usr/bin/gpg")
        try #require(gen.status == 0, "gpg --quick-gen-key: \(gen.stderr)")
        let secret = try await run(["--homedir", gpgHome, "--batch", "--armor", "--export-secret-keys"], executable: "/usr/bin/gpg")
        let keyFile = try work.write("secret.asc", Array(secret.stdout.utf8))
        let deb = try await DebBuilder(work: work).build("keyed", "1.0", "amd64")
        try await EndToEndTests.withServer(binary, work) { server in
            #expect(try await put(deb, to: server.url + "/apt/keyed/pool/stable/main/keyed_1.0_amd64.deb").code == 201)
            let imported = try await run(["key", "import", "--server", server.url, "--repo", "keyed", keyFile], executable: binary)
            #expect(imported.status == 0, "key import: \(imported.stderr)")
            let exported = try await run(["key", "export", "--server", server.url, "--repo", "keyed", "--binary"], executable: binary)
            #expect(exported.status == 0)
            let reference = work.path("reference.gpg")
            let export = try await run(["--homedir", gpgHome, "--batch", "--output", reference, "--export"], executable: "/usr/bin/gpg")
            #expect(export.status == 0)
            try await Self.verifySignatures(server.url + "/apt/keyed/dists/stable", keyring: reference, work: work)

            let garbage = try work.write("garbage.asc", Array("-----BEGIN PGP PRIVATE KEY BLOCK-----\nnope\n".utf8))
            let refused = try await run(["key", "import", "--server", server.url, "--repo", "keyed", garbage], executable: binary)
            #expect(refused.status != 0)
            try await Self.verifySignatures(server.url + "/apt/keyed/dists/stable", keyring: reference, work: work)

            let rsa = try await run(["repo", "create", "--server", server.url, "--provider", "apt", "--key-algorithm", "rsa4096", "big"],
                                    executable: binary, timeout: .seconds(180))
            #expect(rsa.status == 0, "repo create rsa4096: \(rsa.stderr)")
            let show = try await run(["key", "show", "--server", server.url, "--repo", "big"], executable: binary)
            #expect(show.stdout.contains("rsa4096"), "key show: \(show.stdout)")
        }
    }

    // Goal: `artifactfs import` takes a directory of .debs in one publish, lists rejected files with their
    // reason (exit 1), is idempotent, and refuses to run beside a server on the same data directory.
    @Test func bulkImport() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let debs = DebBuilder(work: work)
        let pool = work.path("old-pool")
        try FileManager.default.createDirectory(atPath: pool + "/sub", withIntermediateDirectories: true)
        for index in 0..<5 {
            let deb = try await debs.build("imported\(index)", "1.\(index)", index == 4 ? "all" : "amd64")
            try FileManager.default.moveItem(atPath: deb, toPath: pool + "/sub/" + URL(fileURLWithPath: deb).lastPathComponent)
        }
        let twin = try await debs.build("imported0", "1.0", "amd64", fileName: "twin.deb", payload: "other")
        try FileManager.default.moveItem(atPath: twin, toPath: pool + "/twin.deb")
        try work.write("old-pool/broken.deb", Array("!<arch>\ngarbage".utf8))
        try work.write("old-pool/README.txt", Array("not a package\n".utf8))
        let data = work.path("data")
        let arguments = ["import", "--data", data, "--provider", "apt", "--repo", "moved", "--dist", "stable", pool]
        let first = try await run(arguments, executable: binary)
        #expect(first.status == 1, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("5 stored, 0 unchanged, 2 rejected"), "\(first.stdout)")
        #expect(first.stdout.contains("rejected \(pool)/broken.deb:"), "\(first.stdout)")
        #expect(first.stdout.contains("rejected \(pool)/twin.deb:"), "\(first.stdout)")
        let again = try await run(arguments, executable: binary)
        #expect(again.stdout.contains("0 stored, 5 unchanged, 2 rejected"), "\(again.stdout)")

        let server = try await ServerProcess.start(binary: binary, dataDirectory: data)
        do {
            let refused = try await run(arguments, executable: binary)
            #expect(refused.status != 0 && refused.stderr.contains("in use by another artifactfs process"), "\(refused.stderr)")
            let packages = try await fetchText(server.url + "/apt/moved/dists/stable/main/binary-amd64/Packages")
            #expect(try deb822Paragraphs(packages).compactMap { $0["Package"] }.sorted() == (0..<5).map { "imported\($0)" })
            let keyring = work.path("moved.gpg")
            try await fetch(server.url + "/apt/moved/keyring.gpg", to: keyring)
            try await Self.verifySignatures(server.url + "/apt/moved/dists/stable", keyring: keyring, work: work)
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
    }

    // Goal: the same import against a running server: every valid file stored, rejected ones listed with reasons,
    // exit status 1, exactly one publish for the whole import, apt reads the result; a second run changes nothing
    // and publishes nothing; on a terminal the progress line shows files, bytes, rate and ETA.
    @Test func bulkImportIntoARunningServer() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let debs = DebBuilder(work: work)
        let pool = work.path("pool")
        try FileManager.default.createDirectory(atPath: pool + "/m/main", withIntermediateDirectories: true)
        for index in 0..<12 {
            let deb = try await debs.build("live\(index)", "2.\(index)", index % 3 == 0 ? "all" : "amd64")
            try FileManager.default.moveItem(atPath: deb, toPath: pool + "/m/main/" + URL(fileURLWithPath: deb).lastPathComponent)
        }
        try work.write("pool/broken.deb", Array("!<arch>\ngarbage".utf8))
        try work.write("pool/m/empty.deb", [])
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"))
        do {
            _ = try await run(["repo", "create", "--server", server.url, "--provider", "apt", "live"], executable: binary)
            let published = #"artifactfs_publishes_total{provider="apt",outcome="published"}"#
            let before = try await Scrape(server.url).value(published)
            let arguments = ["import", "--server", server.url, "--provider", "apt", "--repo", "live", "--dist", "stable", pool]
            let first = try await run(arguments, executable: binary)
            #expect(first.status == 1, "\(first.stdout)\n\(first.stderr)")
            #expect(first.stdout.contains("12 stored, 0 unchanged, 2 rejected"), "\(first.stdout)")
            #expect(first.stdout.contains("rejected \(pool)/broken.deb: HTTP 400:"), "\(first.stdout)")
            #expect(first.stdout.contains("rejected \(pool)/m/empty.deb: HTTP 400:"), "\(first.stdout)")
            #expect(try await Scrape(server.url).value(published) - before == 1, "one publish for the whole import")
            let packages = try await fetchText(server.url + "/apt/live/dists/stable/main/binary-amd64/Packages")
            #expect(try deb822Paragraphs(packages).compactMap { $0["Package"] }.count == 12)
            let keyring = work.path("live.gpg")
            try await fetch(server.url + "/apt/live/keyring.gpg", to: keyring)
            let apt = try IsolatedApt(work)
            try apt.writeSource("deb [signed-by=\(keyring)] \(server.url)/apt/live stable main")
            let update = try await apt.aptGet(["update"])
            #expect(update.status == 0 && !update.stderr.contains("W:"), "apt-get update: \(update.stderr)")
            let download = try await apt.aptGet(["download", "live1", "live3"])
            #expect(download.status == 0, "apt-get download: \(download.stderr)")

            let again = try await run(arguments, executable: binary)
            #expect(again.stdout.contains("0 stored, 12 unchanged, 2 rejected"), "\(again.stdout)")
            #expect(try await Scrape(server.url).value(published) - before == 1, "nothing new, nothing published")

            // A terminal (script(1) gives the command a pty): the progress line is drawn.
            let command = ([binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
            let terminal = try await run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
            for part in ["14/14 files", "MB/s", "ETA", "[####################]"] {
                #expect(terminal.stdout.contains(part), "progress line lacks \(part): \(terminal.stdout.debugDescription)")
            }
            let local = try await run(["import", "--data", work.path("data"), "--provider", "apt", "--repo", "live", "--dist", "stable", pool],
                                      executable: binary)
            #expect(local.status != 0 && local.stderr.contains("--server"), "\(local.stderr)")
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
    }

    // MARK: - Checks

    /// gpgv accepts InRelease and Release.gpg + Release with only `keyring` trusted.
    static func verifySignatures(_ distURL: String, keyring: String, work: Workspace) async throws {
        let directory = work.path("verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["InRelease", "Release", "Release.gpg"] { try await fetch("\(distURL)/\(name)", to: "\(directory)/\(name)") }
        let inRelease = try await run(["--keyring", keyring, "\(directory)/InRelease"], executable: gpgv)
        #expect(inRelease.status == 0, "gpgv InRelease: \(inRelease.stderr)")
        let detached = try await run(["--keyring", keyring, "\(directory)/Release.gpg", "\(directory)/Release"], executable: gpgv)
        #expect(detached.status == 0, "gpgv Release.gpg: \(detached.stderr)")
    }

    /// Every file named in Release has the size and the MD5, SHA-1, SHA-256 and SHA-512 it claims; so do
    /// its by-hash copies.
    static func verifyReleaseChecksums(_ distURL: String, work: Workspace) async throws {
        let release = try await fetchText(distURL + "/Release")
        let fields = try #require(try deb822Paragraphs(release).first)
        var checked = 0
        for (field, pick) in [("MD5Sum", \FileDigests.md5), ("SHA1", \.sha1), ("SHA512", \.sha512)] as [(String, KeyPath<FileDigests, String?>)] {
            for line in (fields[field] ?? "").split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 3 else { continue }
                let local = work.path("sum-\(UUID().uuidString)")
                try await fetch("\(distURL)/\(parts[2])", to: local)
                let digests = try MultiHasher.digest(ofFileAt: local, kinds: .apt)
                #expect(digests[keyPath: pick] == String(parts[0]), "\(field) of \(parts[2])")
                #expect(String(digests.size) == String(parts[1]), "size of \(parts[2])")
                checked += 1
            }
        }
        for line in (fields["SHA256"] ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3 else { continue }
            let local = work.path("sum-\(UUID().uuidString)")
            try await fetch("\(distURL)/\(parts[2])", to: local)
            #expect(try MultiHasher.digest(ofFileAt: local).sha256.hex == String(parts[0]), "SHA256 of \(parts[2])")
            if parts[2].hasSuffix("Packages.xz") {
                let directory = (parts[2] as Substring).split(separator: "/").dropLast().joined(separator: "/")
                try await fetch("\(distURL)/\(directory)/by-hash/SHA256/\(parts[0])", to: local)
                #expect(try MultiHasher.digest(ofFileAt: local).sha256.hex == String(parts[0]), "by-hash of \(parts[2])")
            }
            checked += 1
        }
        #expect(checked >= 4 * 8, "Release lists too few files: \(release)")
    }

    /// Unpacks a .deb, lets `edit` change its control file, and packs it again with dpkg-deb (no checks).
    static func rewriteControl(of deb: String, work: Workspace, _ edit: (String) -> String) throws {
        let root = work.path("rewrite-\(UUID().uuidString)")
        try runSync([DebBuilder.dpkgDeb, "-R", deb, root])
        let control = root + "/DEBIAN/control"
        try Data(edit(try String(contentsOfFile: control, encoding: .utf8)).utf8).write(to: URL(fileURLWithPath: control))
        try runSync([DebBuilder.dpkgDeb, "--build", "--nocheck", "--root-owner-group", root, deb])
    }
}

/// Runs a short command synchronously (fixture preparation only).
func runSync(_ command: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw E2EFailure("\(command.joined(separator: " ")) failed") }
}

/// `python3 -m http.server` over a directory: serves a tampered copy of a repository.
final class StaticHTTPServer {
    let process: Process
    let url: String

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    static func start(root: String) async throws -> StaticHTTPServer {
        let port = Int.random(in: 20000...40000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let url = "http://127.0.0.1:\(port)"
        for _ in 0..<100 {
            if try await run(["-sf", "-o", "/dev/null", url + "/"], executable: Tools.curl).status == 0 {
                return StaticHTTPServer(process: process, url: url)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw E2EFailure("python3 -m http.server did not start")
    }

    /// SIGKILL: children of the test runner inherit its ignored SIGTERM.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

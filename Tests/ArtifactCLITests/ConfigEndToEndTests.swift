// Live tests of the config file: `serve --config` with environment and flags overriding it, per-repository
// tables applied at start (and everything else left alone), and `artifactfs config check`.
import Foundation
import Testing

@Suite(.serialized) struct ConfigEndToEndTests {
    /// GETs `url` (with a bearer token when given) and returns the HTTP code.
    static func status(_ url: String, token: String? = nil) async throws -> Int {
        var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", url]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        return Int(try await run(arguments, executable: Tools.curl).stdout) ?? 0
    }

    // Goal: flags beat the environment, which beats the file, which beats the defaults; the file's repositories are
    // created or changed at start; repositories and settings it does not name keep what the catalogue holds.
    @Test func serveWithConfigLayersAndRepositories() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let data = work.path("data")
        try FileManager.default.createDirectory(atPath: work.path("impostor"), withIntermediateDirectories: true)
        let kept = try await work.tarball("kept-1.0.tar.gz", seed: 11)
        let secret = try await work.tarball("secret-1.0.tar.gz", seed: 12)

        // Before any config file: two public repositories, one package each.
        let first = try await ServerProcess.start(binary: binary, dataDirectory: data)
        #expect(try await put(kept, to: first.url + "/tar/untouched/kept-1.0.tar.gz").code == 201)
        #expect(try await put(secret, to: first.url + "/tar/configured/secret-1.0.tar.gz").code == 201)
        _ = try await first.stop()
        let ci = try await AccessEndToEndTests.addToken(binary, data, "ci", repositories: ["tar/untouched"])
        let admin = try await AccessEndToEndTests.addToken(binary, data, "admin")

        let config = try work.write("artifactfs.toml", Array("""
            data = "\(work.path("file-data"))"
            listen = "127.0.0.1:9"
            public_url = "http://file.invalid:1"
            [mount]
            enabled = false
            [apt]
            valid_days = 3
            [repositories."tar/configured"]
            private = true
            upload_tokens = ["ci", "nobody"]
            [repositories."apt/fresh"]
            default_dist = "stable"
            components = ["main", "extra"]
            architectures = ["riscv64"]
            [repositories."tar/new"]
            allow_overwrite = true
            """.utf8))
        // ServerProcess passes --data and --listen 127.0.0.1:0 as flags: they must win over the file.
        let server = try await ServerProcess.start(binary: binary, dataDirectory: data, extraArguments: ["--config", config],
                                                   environment: ["ARTIFACTFS_PUBLIC_URL": "http://env.invalid:2"])
        do {
            #expect(!server.url.hasSuffix(":9"), "the --listen flag beats the file")
            #expect(!FileManager.default.fileExists(atPath: work.path("file-data")), "the --data flag beats the file")

            // tar/configured: now private, and the named token may write it; tar/untouched: still public.
            #expect(try await Self.status(server.url + "/tar/configured/secret-1.0.tar.gz") == 401)
            #expect(try await Self.status(server.url + "/tar/configured/secret-1.0.tar.gz", token: ci) == 200)
            let more = try await work.tarball("more-1.0.tar.gz", seed: 13)
            #expect(try await put(more, to: server.url + "/tar/configured/more-1.0.tar.gz", token: ci).code == 201)
            #expect(try await Self.status(server.url + "/tar/untouched/kept-1.0.tar.gz") == 200)
            // tar/configured's table leaves allow_overwrite out: the catalogue's false still holds.
            let impostor = try await work.tarball("impostor/secret-1.0.tar.gz", seed: 16)
            #expect(try await put(impostor, to: server.url + "/tar/configured/secret-1.0.tar.gz", token: ci).code == 409)
            #expect(server.log.text.contains("token.name=nobody"), "a missing token is named in a warning")

            // apt/fresh: created with its dist and components, its own architectures, the file's Valid-Until,
            // and the environment's public URL in the install script.
            let release = try await fetchText(server.url + "/apt/fresh/dists/stable/Release")
            #expect(release.contains("Architectures: all riscv64\n"), "\(release)")
            #expect(release.contains("Components: extra main\n"), "\(release)")
            #expect(release.contains("Valid-Until: "), "\(release)")
            let install = try await fetchText(server.url + "/apt/fresh/dists/stable/install")
            #expect(install.contains("http://env.invalid:2") && !install.contains("file.invalid"))

            // tar/new: created allowing overwrite.
            let one = try await work.tarball("tool-1.0.tar.gz", seed: 14)
            try FileManager.default.createDirectory(atPath: work.path("other"), withIntermediateDirectories: true)
            let other = try await work.tarball("other/tool-1.0.tar.gz", seed: 15)
            #expect(try await put(one, to: server.url + "/tar/new/tool-1.0.tar.gz", token: admin).code == 201)
            #expect(try await put(other, to: server.url + "/tar/new/tool-1.0.tar.gz", token: admin).code == 201)
        } catch {
            server.forceKill()
            throw error
        }
        let end = try await server.stop()
        #expect(end.reason == .exit && end.status == 0, "server log:\n\(server.log.text)")
        let tokens = try await AccessEndToEndTests.token(binary, data, ["list"])
        #expect(tokens.stdout.contains("ci\ttar/configured,tar/untouched\t"), "the grant widened ci's scope: \(tokens.stdout)")
        #expect(tokens.stdout.contains("admin\tall\t"))
    }

    // Goal: `config check` passes the example file and prints the settings; a bad file fails with key and line.
    @Test func configCheck() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../contrib/artifactfs.example.toml").standardized.path
        let good = try await run(["config", "check", example], executable: binary, environment: ["S3_URL": "http://KEY:TOPSECRET@127.0.0.1:1/bucket"])
        #expect(good.status == 0, "stderr: \(good.stderr)")
        #expect(good.stdout.contains("[repositories.\"apt/main\"]") && good.stdout.contains("listen = \"127.0.0.1:8080\""))
        #expect(good.stdout.contains("KEY") && !good.stdout.contains("TOPSECRET"), "the S3 secret is masked")

        let bad = try work.write("bad.toml", Array("listen = \"127.0.0.1:1\"\n\n[mount]\nalow_other = true\n".utf8))
        let checked = try await run(["config", "check", bad], executable: binary)
        #expect(checked.status != 0)
        #expect(checked.stderr.contains("line 4: mount.alow_other: unknown key"), "\(checked.stderr)")

        let refused = try await run(["serve", "--config", bad, "--no-mount"], executable: binary)
        #expect(refused.status != 0 && refused.stderr.contains("alow_other"), "serve refuses the file too: \(refused.stderr)")
    }
}

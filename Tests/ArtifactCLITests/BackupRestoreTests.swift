// Backup and restore: `artifactfs backup` of a running server, restored into a fresh data directory, serves the same packages.
import Foundation
import Testing

@Suite(.serialized) struct BackupRestoreTests {
    // Goal: a backup taken while the server runs, copied into an empty data directory, passes fsck and serves the apt,
    // PyPI and tar packages byte for byte; apt's InRelease verifies with the key clients already trust, and the
    // PyPI index names the wheel's SHA-256.
    @Test func backupWhileServingRestores() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let deb = try await DebBuilder(work: work).build("hello", "1.0", "amd64")
        let wheel = try await Self.wheel(work)
        let tarball = try await work.tarball("tool-1.0.tar.gz", seed: 21)
        let files = [(deb, "/apt/main/pool/stable/main/hello_1.0_amd64.deb"), (wheel, "/pypi/py/" + URL(fileURLWithPath: wheel).lastPathComponent),
                     (tarball, "/tar/t/tool-1.0.tar.gz")]
        let trusted = work.path("trusted.gpg")

        let data = work.path("data"), backup = work.path("backup")
        try await EndToEndTests.withServer(binary, work) { server in
            for (file, path) in files {
                #expect(try await put(file, to: server.url + path).code == 201, "PUT \(path)")
            }
            try await fetch(server.url + "/apt/main/keyring.gpg", to: trusted)
            let made = try await run(["backup", "--data", data, backup], executable: binary)
            #expect(made.status == 0, "backup while serving: \(made.stderr)")
            #expect(made.stdout.contains("blobs: "), "\(made.stdout)")
        }

        let restored = work.path("restored")
        try FileManager.default.createDirectory(atPath: restored, withIntermediateDirectories: true)
        #expect(try await run(["-a", backup + "/.", restored + "/"], executable: "/bin/cp").status == 0)
        let fsck = try await run(["fsck", "--data", restored, "--verify"], executable: binary)
        #expect(fsck.status == 0, "fsck of the restored directory: \(fsck.stdout)\(fsck.stderr)")

        let server = try await ServerProcess.start(binary: binary, dataDirectory: restored)
        do {
            for (file, path) in files {
                let copy = work.path("download-\(UUID().uuidString)")
                try await fetch(server.url + path, to: copy)
                #expect(try Workspace.bytes(at: copy) == Workspace.bytes(at: file), "GET \(path) after restore")
            }
            try await AptEndToEndTests.verifySignatures(server.url + "/apt/main/dists/stable", keyring: trusted, work: work)
            // A new upload publishes again: signed by the restored key, which clients already trust.
            let later = try await DebBuilder(work: work).build("later", "1.0", "amd64")
            #expect(try await put(later, to: server.url + "/apt/main/pool/stable/main/later_1.0_amd64.deb").code == 201)
            let packages = try await fetchText(server.url + "/apt/main/dists/stable/main/binary-amd64/Packages")
            #expect(packages.contains("Package: later\n") && packages.contains("Package: hello\n"))
            try await AptEndToEndTests.verifySignatures(server.url + "/apt/main/dists/stable", keyring: trusted, work: work)
            let simple = try await fetchText(server.url + "/pypi/py/simple/demo-restore/")
            let digest = try await sha256(of: wheel)
            #expect(simple.contains("#sha256=\(digest)"), "\(simple)")
        } catch {
            server.forceKill()
            throw error
        }
        let end = try await server.stop()
        #expect(end.reason == .exit && end.status == 0, "server log:\n\(server.log.text)")
    }

    /// One wheel from Benchmarks/make-python-dists.py (standard library only, so the system python3 runs it).
    static func wheel(_ work: Workspace) async throws -> String {
        let out = work.path("dists")
        let made = try await run([PythonClients.distMaker(), out, "--project", "demo-restore", "--version", "1.0"], executable: "/usr/bin/python3")
        guard made.status == 0, let name = made.stdout.split(separator: "\n").first(where: { $0.hasSuffix(".whl") }) else {
            throw E2EFailure("make-python-dists: \(made.stderr)")
        }
        return out + "/" + name
    }
}

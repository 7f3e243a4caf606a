// Crash safety: the server is SIGKILLed at chosen steps of ingestion and publishing, restarted, and checked.
import Core
import Foundation
import Testing

/// Each trial uploads a mix of .debs, wheels and tarballs over HTTP to a server armed to kill itself at one
/// step (`ARTIFACTFS_CRASH_AT`), restarts it and checks: every upload that got 201 is downloadable and indexed;
/// the upload in flight is either wholly there (file and index) or wholly absent; `apt-get update` (which checks
/// the signature and every hash), `gpgv` and `pip download` work; the spool is empty; `fsck` finds a clean store.
/// The default run crashes once at each step; `ARTIFACTFS_CRASH_RUNS=N` adds N trials at random steps and counts.
@Suite(.serialized) struct CrashRecoveryTests {
    static let uploadCount = 9

    @Test(arguments: CrashPoint.allCases)
    func crashAtEachStep(point: CrashPoint) async throws {
        // The 4th time: a deb, a wheel and a tarball are in before it, whatever the step.
        try await CrashTrial(point: point, count: 4).run()
    }

    @Test(.enabled(if: Self.randomRuns > 0, "set ARTIFACTFS_CRASH_RUNS=N for N randomized kill points"))
    func randomizedKillPoints() async throws {
        var generator = SystemRandomNumberGenerator()
        for index in 1...Self.randomRuns {
            let point = CrashPoint.allCases.randomElement(using: &generator)!
            let count = Int.random(in: 1...Self.uploadCount, using: &generator)
            print("crash trial \(index)/\(Self.randomRuns): \(point.rawValue):\(count)")
            try await CrashTrial(point: point, count: count).run()
        }
    }

    static var randomRuns: Int { Int(ProcessInfo.processInfo.environment["ARTIFACTFS_CRASH_RUNS"] ?? "") ?? 0 }
}

/// One crash and recovery, in its own workspace.
private struct CrashTrial {
    let point: CrashPoint
    let count: Int

    /// A file to upload: where it goes and how to find it in its repository's index.
    struct Upload {
        let file: String
        let url: String
        let indexURL: String
        var name: String { URL(fileURLWithPath: file).lastPathComponent }
    }

    func run() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let python = try PythonClients(work)
        let data = work.path("data")

        // Repositories and the apt key exist before the armed run, so its counts are about uploads.
        let setup = try await ServerProcess.start(binary: binary, dataDirectory: data)
        // A first package in each (the apt distribution and the tarball repository exist once one is in).
        let seedTarball = try await work.tarball("seed-0.1.tar.gz", seed: 99)
        let seedDeb = try await DebBuilder(work: work).build("seed", "0.1", "amd64", compression: "gzip")
        var uploads = try await makeUploads(work, python, base: setup.url)
        for (path, target) in [(seedTarball, "/tar/t/seed-0.1.tar.gz"), (seedDeb, "/apt/a/pool/stable/main/seed_0.1_amd64.deb")] {
            #expect(try await put(path, to: setup.url + target).code == 201)
        }
        #expect(try await createRepository(setup.url, "pypi", "p"))
        _ = try await setup.stop()

        let armed = try await ServerProcess.start(binary: binary, dataDirectory: data,
                                                  environment: ["ARTIFACTFS_CRASH_AT": "\(point.rawValue):\(count)"])
        uploads = uploads.map { Upload(file: $0.file, url: $0.url.replacingOccurrences(of: setup.url, with: armed.url),
                                       indexURL: $0.indexURL.replacingOccurrences(of: setup.url, with: armed.url)) }
        var succeeded: [Upload] = [], inFlight: Upload?
        for upload in uploads {
            let answer = try await put(upload.file, to: upload.url)
            if answer.code == 201 { succeeded.append(upload); continue }
            // No final answer: the connection died (after `100 Continue`, curl reports 100).
            #expect(answer.code < 200, "\(upload.name): HTTP \(answer.code) \(answer.body)")
            inFlight = upload
            break
        }
        let killed = try await waitForExit(armed)
        #expect(killed, "the server did not stop at \(point.rawValue):\(count)")
        #expect(inFlight != nil || point == .publishFlipped || point == .publishWritten,
                "every upload succeeded although the server was killed at an ingest step")

        let server = try await ServerProcess.start(binary: binary, dataDirectory: data)
        do {
            #expect(server.log.text.contains("did not stop cleanly"), "no recovery ran:\n\(server.log.text)")
            let rebase = { (url: String) in url.replacingOccurrences(of: armed.url, with: server.url) }
            for upload in succeeded {
                #expect(try await isWhollyPresent(upload, rebase, work) == true, "\(upload.name) got 201 but is not all there")
            }
            if let inFlight {
                #expect(try await isWhollyPresent(inFlight, rebase, work) != nil, "\(inFlight.name) is half-visible")
            }
            try await checkClients(server.url, succeeded: succeeded, work, python)
            let spool = try FileManager.default.contentsOfDirectory(atPath: data + "/spool")
            #expect(spool.isEmpty, "spool not cleaned: \(spool)")
        } catch {
            server.forceKill()
            throw error
        }
        _ = try await server.stop()
        let fsck = try await ArtifactCLITests.run(["fsck", "--data", data], executable: binary)
        #expect(fsck.status == 0 && fsck.stdout.contains("0 missing, 0 unreferenced, 0 corrupt"),
                "fsck after \(point.rawValue):\(count): \(fsck.stdout)\n\(fsck.stderr)")
    }

    /// Three of each kind, interleaved, so every step is reached by every kind within the first few uploads.
    private func makeUploads(_ work: Workspace, _ python: PythonClients, base: String) async throws -> [Upload] {
        let debs = DebBuilder(work: work)
        let wheels = try await python.make("wheels", ["--project", "crashy", "--versions", "3"])
        var uploads: [Upload] = []
        for index in 0..<3 {
            let deb = try await debs.build("crash\(index)", "1.\(index)", "amd64", compression: "gzip")
            let tarball = try await work.tarball("crash-\(index).0.tar.gz", seed: UInt64(index))
            let debName = URL(fileURLWithPath: deb).lastPathComponent, wheelName = URL(fileURLWithPath: wheels[index]).lastPathComponent
            uploads += [
                Upload(file: deb, url: "\(base)/apt/a/pool/stable/main/\(debName)",
                       indexURL: "\(base)/apt/a/dists/stable/main/binary-amd64/Packages"),
                Upload(file: wheels[index], url: "\(base)/pypi/p/\(wheelName)", indexURL: "\(base)/pypi/p/simple/crashy/"),
                Upload(file: tarball, url: "\(base)/tar/t/crash-\(index).0.tar.gz", indexURL: "\(base)/tar/t/SHA256SUMS"),
            ]
        }
        #expect(uploads.count == CrashRecoveryTests.uploadCount)
        return uploads
    }

    private func createRepository(_ base: String, _ provider: String, _ name: String) async throws -> Bool {
        let result = try await curl(["-X", "POST", "-H", "Content-Type: application/json",
                                     "-d", "{\"provider\":\"\(provider)\",\"name\":\"\(name)\"}", base + "/api/repos"])
        return [201, 409].contains(result.code)
    }

    /// Waits up to 30 s for the armed server to die; false if it is still running (then it is stopped).
    private func waitForExit(_ server: ServerProcess) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while server.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        guard !server.process.isRunning else {
            _ = try? await server.stop()
            return false
        }
        server.process.waitUntilExit()
        return server.process.terminationReason == .uncaughtSignal && server.process.terminationStatus == SIGKILL
    }

    /// True when the file downloads byte-identical and its index names it; false when neither; nil when only one
    /// of the two holds (half-visible).
    private func isWhollyPresent(_ upload: Upload, _ rebase: (String) -> String, _ work: Workspace) async throws -> Bool? {
        let copy = work.path("check-\(UUID().uuidString)")
        let fetched = try await ArtifactCLITests.run(["-sf", "-o", copy, rebase(upload.url)], executable: Tools.curl)
        let downloaded = fetched.status == 0 ? try Workspace.bytes(at: copy) == Workspace.bytes(at: upload.file) : false
        // A project page does not exist before the project's first file: 404 means not indexed.
        let index = try await ArtifactCLITests.run(["-s", rebase(upload.indexURL)], executable: Tools.curl)
        let indexed = index.stdout.contains(upload.name)
        return downloaded == indexed ? downloaded : nil
    }

    /// apt-get update and gpgv over the apt repository, pip download of every wheel that got 201.
    private func checkClients(_ base: String, succeeded: [Upload], _ work: Workspace, _ python: PythonClients) async throws {
        let keyring = work.path("keyring.gpg")
        try await fetch(base + "/apt/a/keyring.gpg", to: keyring)
        let apt = try IsolatedApt(work, name: "apt-\(UUID().uuidString)")
        try apt.writeSource("deb [signed-by=\(keyring)] \(base)/apt/a stable main")
        let update = try await apt.aptGet(["update"])
        #expect(update.status == 0 && !update.stderr.contains("W:"), "apt-get update: \(update.stdout)\n\(update.stderr)")
        try await AptEndToEndTests.verifySignatures(base + "/apt/a/dists/stable", keyring: keyring, work: work)
        let debs = succeeded.filter { $0.name.hasSuffix(".deb") }.map { String($0.name.prefix { $0 != "_" }) }
        if !debs.isEmpty {
            let download = try await apt.aptGet(["download"] + debs)
            #expect(download.status == 0, "apt-get download \(debs): \(download.stderr)")
        }
        let wheels = succeeded.filter { $0.name.hasSuffix(".whl") }.map { "crashy==" + $0.name.split(separator: "-")[1] }
        for requirement in wheels {
            let download = try await python.run("pip", ["download", "--index-url", base + "/pypi/p/simple/", "--no-deps",
                                                        "--dest", work.path("pip-\(UUID().uuidString)"), requirement])
            #expect(download.status == 0, "pip download \(requirement): \(download.stderr)")
        }
    }
}

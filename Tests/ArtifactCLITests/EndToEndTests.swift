// Live tests of the real `artifactfs` binary: serve, upload with the CLI and curl, refuse bad input, stop on SIGTERM.
import ArtifactClient
import CoreTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct EndToEndTests {
    // Goal: files uploaded with `artifactfs upload` and with curl's multipart /addpkg download byte for byte.
    @Test func uploadsDownloadIdentically() async throws {
        let binary = try Self.binary()
        let work = try Workspace()
        defer { work.remove() }
        let tool = try await work.tarball("tool-1.0.tar.gz", seed: 1)
        let cpython = try await work.tarball("cpython-3.8.0b1.tar.gz", seed: 2)
        try await Self.withServer(binary, work) { server in
            let upload = try await run(["upload", "--server", server.url, "--provider", "tar", "--repo", "e2e", tool], executable: binary)
            #expect(upload.status == 0, "stderr: \(upload.stderr)")
            #expect(upload.stdout.contains("stored /tar/e2e/tool-1.0.tar.gz"))

            let form = try await run(["-sf", "-F", "f=@\(cpython)",
                                      server.url + "/addpkg?provider=tar&reponame=e2e2&name=cpython&version=3.8.0b1"],
                                     executable: Tools.curl)
            #expect(form.status == 0, "stderr: \(form.stderr)")
            #expect(form.stdout.contains("\"created\":true"))

            for (remote, local) in [("/tar/e2e/tool-1.0.tar.gz", tool), ("/tar/e2e2/cpython-3.8.0b1.tar.gz", cpython)] {
                let output = work.path("download-\(UUID().uuidString)")
                let download = try await run(["-sf", "-o", output, server.url + remote], executable: Tools.curl)
                #expect(download.status == 0, "GET \(remote)")
                let downloaded = try Workspace.bytes(at: output)
                let original = try Workspace.bytes(at: local)
                #expect(downloaded == original, "GET \(remote)")
            }

            let sums = try await run(["-sf", server.url + "/tar/e2e/SHA256SUMS"], executable: Tools.curl)
            #expect(sums.status == 0)
            let hex = try await sha256(of: tool)
            #expect(sums.stdout.contains("\(hex)  tool-1.0.tar.gz\n"))

            let again = try await run(["upload", "--server", server.url, "--provider", "tar", "--repo", "e2e", tool], executable: binary)
            #expect(again.status == 0)
            #expect(again.stdout.contains("unchanged /tar/e2e/tool-1.0.tar.gz"))
        }
    }

    // Goal: bad packages and paths fail loudly, leave nothing behind, and the server keeps serving.
    @Test func badInputIsRefused() async throws {
        let binary = try Self.binary()
        let work = try Workspace()
        defer { work.remove() }
        let tool = try await work.tarball("tool-1.0.tar.gz", seed: 3)
        let whole = try await work.tarball("whole-1.0.tar.gz", seed: 4)
        let wholeBytes = try Workspace.bytes(at: whole)
        let text = try work.write("bad-1.0.tar.gz", Array("this is not an archive\n".utf8))
        let truncated = try work.write("trunc-1.0.tar.gz", Array(wholeBytes.prefix(wholeBytes.count / 2)))
        let empty = try work.write("empty-1.0.tar.gz", [])
        try await Self.withServer(binary, work) { server in
            let good = try await run(["upload", "--server", server.url, "--provider", "tar", "--repo", "e2e", tool], executable: binary)
            #expect(good.status == 0, "stderr: \(good.stderr)")

            let notArchive = try await run(["upload", "--server", server.url, "--provider", "tar", "--repo", "e2e", text],
                                           executable: binary)
            #expect(notArchive.status != 0)
            #expect(notArchive.stderr.contains("not a valid package"), "stderr: \(notArchive.stderr)")

            for file in [truncated, empty] {
                let refused = try await run(["upload", "--server", server.url, "--provider", "tar", "--repo", "e2e", file],
                                            executable: binary)
                #expect(refused.status != 0, "\(file) was accepted")
                #expect(refused.stderr.contains("HTTP 400"), "stderr: \(refused.stderr)")
            }

            let traversal = try await run(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--path-as-is", "-H", "Expect:",
                                           "-T", tool, server.url + "/tar/e2e/..%2Fevil-1.0.tar.gz"],
                                          executable: Tools.curl)
            #expect(traversal.stdout == "400")

            let repos = try CurlHTTPClient.send(method: "GET", url: server.url + "/api/repos")
            #expect(repos.status == 200)

            let packages = try CurlHTTPClient.send(method: "GET", url: server.url + "/api/tar/e2e/packages")
            #expect(packages.status == 200)
            let listed = try JSONSerialization.jsonObject(with: Data(packages.body)) as? [[String: Any]] ?? []
            let filenames = listed.compactMap { $0["filename"] as? String }
            #expect(filenames == ["tool-1.0.tar.gz"])

            let spool = (try? FileManager.default.contentsOfDirectory(atPath: server.dataDirectory + "/spool")) ?? []
            #expect(spool.isEmpty, "left in the spool: \(spool)")
        }
    }

    // Goal: a server started with --upload-token refuses uploads without the token and accepts them with it.
    @Test func uploadTokenIsEnforced() async throws {
        let binary = try Self.binary()
        let work = try Workspace()
        defer { work.remove() }
        let tool = try await work.tarball("tool-1.0.tar.gz", seed: 5)
        try await Self.withServer(binary, work, uploadToken: "tok") { server in
            let upload = ["upload", "--server", server.url, "--provider", "tar", "--repo", "tok"]
            let anonymous = try await run(upload + [tool], executable: binary)
            #expect(anonymous.status != 0)
            #expect(anonymous.stderr.contains("token"), "stderr: \(anonymous.stderr)")

            let wrong = try await run(upload + ["--token", "nope", tool], executable: binary)
            #expect(wrong.status != 0)

            let authorized = try await run(upload + ["--token", "tok", tool], executable: binary)
            #expect(authorized.status == 0, "stderr: \(authorized.stderr)")
            #expect(authorized.stdout.contains("stored /tar/tok/tool-1.0.tar.gz"))

            let read = try await run(["-sf", "-o", "/dev/null", server.url + "/tar/tok/tool-1.0.tar.gz"], executable: Tools.curl)
            #expect(read.status == 0)
        }
    }

    // Goal: `artifactfs repo create|list|delete` manage repositories of a running server.
    @Test func repoCommands() async throws {
        let binary = try Self.binary()
        let work = try Workspace()
        defer { work.remove() }
        try await Self.withServer(binary, work) { server in
            let create = try await run(["repo", "create", "--server", server.url, "--provider", "tar", "made"], executable: binary)
            #expect(create.status == 0, "stderr: \(create.stderr)")
            #expect(create.stdout.contains("created tar/made"))

            let duplicate = try await run(["repo", "create", "--server", server.url, "--provider", "tar", "made"], executable: binary)
            #expect(duplicate.status != 0)
            #expect(duplicate.stderr.contains("409"), "stderr: \(duplicate.stderr)")

            let list = try await run(["repo", "list", "--server", server.url], executable: binary)
            #expect(list.status == 0)
            #expect(list.stdout.contains("tar/made"))

            let delete = try await run(["repo", "delete", "--server", server.url, "--provider", "tar", "made"], executable: binary)
            #expect(delete.status == 0, "stderr: \(delete.stderr)")

            let after = try await run(["repo", "list", "--server", server.url], executable: binary)
            #expect(after.status == 0)
            #expect(!after.stdout.contains("tar/made"))
        }
    }

    // Goal: `Expect: 100-continue` (curl -T sends it) is answered with 100 Continue before the body, so the upload
    // does not wait for curl's one-second fallback; both a refused and an accepted upload get their final answer.
    @Test func expectContinueIsAnswered() async throws {
        let binary = try Self.binary()
        let work = try Workspace()
        defer { work.remove() }
        let tarball = try await work.tarball("cont-1.0.tar.gz", seed: 3)
        let garbage = try work.write("garbage-1.0.tar.gz", Array(repeating: 7, count: 4096))
        try await Self.withServer(binary, work) { server in
            for (file, status) in [(garbage, "400"), (tarball, "201")] {
                let put = try await run(["-sv", "-o", "/dev/null", "-H", "Expect: 100-continue", "-T", file,
                                         "\(server.url)/tar/c/\(URL(fileURLWithPath: file).lastPathComponent)"], executable: Tools.curl)
                #expect(put.stderr.contains("< HTTP/1.1 100 Continue") && put.stderr.contains("< HTTP/1.1 \(status)"), "\(put.stderr)")
            }
        }
    }

    // Goal: SIGTERM stops a serving process cleanly: exit status 0, "stopped" logged, the port closed.
    @Test func sigtermStopsCleanly() async throws {
        let binary = try Self.binary()
        let work = try Workspace()
        defer { work.remove() }
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"))
        do {
            let probe = try await run(["-sf", "-o", "/dev/null", server.url + "/api/repos"], executable: Tools.curl)
            #expect(probe.status == 0)
        } catch {
            server.forceKill()
            throw error
        }
        let end = try await server.stop()
        #expect(end.reason == .exit)
        #expect(end.status == 0, "log:\n\(server.log.text)")
        #expect(server.log.text.contains("stopped"))
        let after = try await run(["-s", "--max-time", "5", "-o", "/dev/null", server.url + "/api/repos"], executable: Tools.curl)
        #expect(after.status != 0)
    }

    // MARK: - Helpers

    /// The binary under test; fails the test when it has not been built.
    static func binary() throws -> String {
        try #require(FileManager.default.isExecutableFile(atPath: Tools.curl), "\(Tools.curl) is needed")
        return try #require(Tools.artifactfs(), "build the artifactfs product first, or set ARTIFACTFS_BIN")
    }

    /// Runs `body` against a fresh server, then stops it with SIGTERM and expects a clean exit.
    static func withServer(_ binary: String, _ work: Workspace, uploadToken: String? = nil,
                           _ body: (ServerProcess) async throws -> Void) async throws {
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"), uploadToken: uploadToken)
        do {
            try await body(server)
        } catch {
            server.forceKill()
            throw error
        }
        let end = try await server.stop()
        #expect(end.reason == .exit && end.status == 0, "server log:\n\(server.log.text)")
    }
}

// MARK: - Processes

/// Paths of the tools the tests drive, and the environment children run with.
enum Tools {
    static let curl = "/usr/bin/curl"
    static let tar = "/usr/bin/tar"
    static let sha256sum = "/usr/bin/sha256sum"

    /// `ARTIFACTFS_BIN`, else the binary next to the test runner, else `<package>/.build/debug/artifactfs`.
    static func artifactfs(filePath: String = #filePath) -> String? {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["ARTIFACTFS_BIN"], !explicit.isEmpty {
            candidates.append(explicit)
        }
        if let runner = CommandLine.arguments.first, runner.hasPrefix("/") {
            candidates.append(URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent("artifactfs").path)
        }
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/artifactfs").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The test's environment without ARTIFACTFS_* settings or proxies, plus `extra`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("ARTIFACTFS_") && !key.lowercased().hasSuffix("_proxy") && key != "LOG_LEVEL"
        }
        environment["NO_PROXY"] = "*"
        environment["no_proxy"] = "*"
        environment.merge(extra) { _, new in new }
        return environment
    }
}

struct E2EFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Drains a pipe on its own thread (so a child never blocks on a full pipe) and keeps everything read.
final class OutputCollector: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var data = Data()
    private var closed = false

    init(_ handle: FileHandle) {
        self.handle = handle
        let thread = Thread { [self] in self.drain() }
        thread.start()
    }

    private func drain() {
        // availableData returns what the pipe holds now; read(upToCount:) would wait for a full 64 KiB.
        while case let chunk = handle.availableData, !chunk.isEmpty {
            lock.lock()
            data.append(chunk)
            lock.unlock()
        }
        lock.lock()
        closed = true
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }

    var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    /// Waits for end of file (the writer exited), at most `timeout`.
    func waitUntilClosed(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isClosed && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Runs a program to completion and returns its exit status and output.
func run(_ arguments: [String], executable: String, directory: String? = nil, environment: [String: String] = [:],
         timeout: Duration = .seconds(120)) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = Tools.environment(environment)
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.standardInput = FileHandle.nullDevice
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    try process.run()
    let stdout = OutputCollector(outPipe.fileHandleForReading)
    let stderr = OutputCollector(errPipe.fileHandleForReading)
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw E2EFailure("\(executable) \(arguments.joined(separator: " ")) ran longer than \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    process.waitUntilExit()
    try await stdout.waitUntilClosed(timeout: .seconds(10))
    try await stderr.waitUntilClosed(timeout: .seconds(10))
    return (process.terminationStatus, stdout.text, stderr.text)
}

/// The SHA-256 of a file as `sha256sum` prints it.
func sha256(of path: String) async throws -> String {
    let result = try await run([path], executable: Tools.sha256sum)
    guard result.status == 0, let hex = result.stdout.split(separator: " ").first, hex.count == 64 else {
        throw E2EFailure("sha256sum \(path) failed: \(result.stderr)")
    }
    return String(hex)
}

/// A running `artifactfs serve` on a free loopback port.
final class ServerProcess {
    let process: Process
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    let url: String
    let dataDirectory: String
    /// Everything the server wrote to standard error.
    let log: OutputCollector

    private init(process: Process, url: String, dataDirectory: String, log: OutputCollector) {
        self.process = process
        self.url = url
        self.dataDirectory = dataDirectory
        self.log = log
    }

    /// Starts the server and waits (at most 30 s) for its `ready` log line.
    /// Without a `--mount` in `extraArguments` the server runs with `--no-mount`.
    static func start(binary: String, dataDirectory: String, uploadToken: String? = nil, logLevel: String = "info",
                      extraArguments: [String] = [], environment: [String: String] = [:]) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        var arguments = ["serve", "--data", dataDirectory, "--listen", "127.0.0.1:0"]
        if let uploadToken { arguments += ["--upload-token", uploadToken] }
        arguments += extraArguments.contains("--mount") ? extraArguments : extraArguments + ["--no-mount"]
        process.arguments = arguments
        process.environment = Tools.environment(environment.merging(["LOG_LEVEL": logLevel]) { _, level in level })
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        try process.run()
        let log = OutputCollector(errPipe.fileHandleForReading)
        // Generous: on 2 cores with every suite starting servers at once, this task can wait long for a thread.
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            // `ready` is logged after the mount (serve mounts before it listens).
            if let url = readyURL(in: log.text) {
                return ServerProcess(process: process, url: url, dataDirectory: dataDirectory, log: log)
            }
            if !process.isRunning {
                process.waitUntilExit()
                throw E2EFailure("server exited with \(process.terminationStatus) before it was ready:\n\(log.text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw E2EFailure("server was not ready within 90 s:\n\(log.text)")
    }

    /// The `http.url=` value of a complete log line that ends the startup (`… http.url=http://127.0.0.1:P/ … ready`).
    static func readyURL(in log: String) -> String? {
        // The text after the last newline may be a line still being written.
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for line in lines where line.hasSuffix("ready") {
            guard let marker = line.range(of: "http.url=") else { continue }
            var url = String(line[marker.upperBound...].prefix { !$0.isWhitespace })
            while url.hasSuffix("/") { url.removeLast() }
            if url.hasPrefix("http://") { return url }
        }
        return nil
    }

    /// Sends SIGTERM and waits up to 10 s for the exit; SIGKILLs and throws if the server ignores it.
    func stop() async throws -> (reason: Process.TerminationReason, status: Int32) {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            forceKill()
            throw E2EFailure("server still running 10 s after SIGTERM:\n\(log.text)")
        }
        process.waitUntilExit()
        try await log.waitUntilClosed(timeout: .seconds(5))
        return (process.terminationReason, process.terminationStatus)
    }

    /// Ends the server at once (after a failed test), so no process outlives the suite.
    func forceKill() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

// MARK: - Files

/// A temp directory for one test's files, the server's data directory included.
struct Workspace {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("artifactfs-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = self.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    static func bytes(at path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A real gzip tarball made by `tar -czf`, with incompressible content so a prefix of it is truncated data.
    func tarball(_ name: String, seed: UInt64, noiseBytes: Int = 64 << 10) async throws -> String {
        let source = path("src-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try Data(Fixtures.noise(count: noiseBytes, seed: seed)).write(to: URL(fileURLWithPath: source + "/data.bin"))
        try Data("fixture \(seed)\n".utf8).write(to: URL(fileURLWithPath: source + "/README"))
        let result = try await run(["-czf", path(name), "-C", source, "."], executable: Tools.tar)
        guard result.status == 0 else { throw E2EFailure("tar -czf \(name) failed: \(result.stderr)") }
        return path(name)
    }


    /// Deletes the files, after killing gpg-agents a force-killed server left running for homes in here.
    func remove() {
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let id = Int32(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
            let command = String(decoding: data, as: UTF8.self)
            if command.hasPrefix("gpg-agent"), command.contains(root.path) { kill(id, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: root)
    }
}

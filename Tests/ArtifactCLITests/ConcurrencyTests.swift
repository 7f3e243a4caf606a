// Concurrent writers and readers: 800 .debs from 8 writers (mount and HTTP) while apt-get and pip read in loops.
import Foundation
import Synchronization
import Testing

/// Four writers `cp` 100 .debs each into the mount and four PUT 100 each over HTTP, all into one apt
/// repository at once, while one reader runs `apt-get update` (signature and every hash checked) and another
/// `pip download` in loops. Afterwards the index lists every package exactly once and no read failed.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: "/dev/fuse"), "needs /dev/fuse for the mount writers"))
struct ConcurrencyTests {
    static let writers = 8, perWriter = 100

    @Test func eightWritersWhileClientsRead() async throws {
        try await MountTests.withMount { m in
            let debs = try await Self.makeDebs(m.work, count: Self.writers * Self.perWriter + 1)
            let python = try PythonClients(m.work)
            let wheel = try #require(try await python.make("wheels", ["--project", "steady", "--version", "1.0"]).first)
            let pool = "apt/c/pool/stable/main"
            #expect(try await put(debs[0], to: "\(m.server.url)/\(pool)/\(Self.name(debs[0]))").code == 201)
            #expect(try await put(wheel, to: "\(m.server.url)/pypi/p/\(Self.name(wheel))").code == 201)
            let keyring = m.work.path("keyring.gpg")
            try await fetch(m.server.url + "/apt/c/keyring.gpg", to: keyring)

            let writing = Flag()
            let url = m.server.url, mount = m.mount, work = m.work
            async let aptReads = Self.aptLoop(work, url, keyring: keyring, while: writing)
            async let pipReads = Self.pipLoop(work, url, python, while: writing)
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                for writer in 0..<Self.writers {
                    let files = Array(debs[(1 + writer * Self.perWriter)...].prefix(Self.perWriter))
                    group.addTask {
                        var failed: [String] = []
                        for file in files {
                            if writer < Self.writers / 2 {
                                let copy = try await run([file, "\(mount)/\(pool)/"], executable: "/bin/cp")
                                if copy.status != 0 { failed.append("cp \(Self.name(file)): \(copy.stderr)") }
                            } else {
                                let answer = try await put(file, to: "\(url)/\(pool)/\(Self.name(file))")
                                if answer.code != 201 { failed.append("PUT \(Self.name(file)): \(answer.code) \(answer.body)") }
                            }
                        }
                        return failed
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            writing.lower()
            let (apt, pip) = try await (aptReads, pipReads)
            #expect(failures.isEmpty, "\(failures.count) writes failed: \(failures.prefix(5))")
            #expect(apt.failures.isEmpty, "apt-get update failed \(apt.failures.count) of \(apt.runs) times: \(apt.failures.prefix(2))")
            #expect(pip.failures.isEmpty, "pip download failed \(pip.failures.count) of \(pip.runs) times: \(pip.failures.prefix(2))")
            #expect(apt.runs >= 2 && pip.runs >= 2, "the readers ran \(apt.runs) and \(pip.runs) times")

            // Writes through the mount return before their publish: wait for the index to settle.
            var names: [String] = []
            let deadline = ContinuousClock.now + .seconds(30)
            repeat {
                let packages = try await fetchText("\(m.server.url)/apt/c/dists/stable/main/binary-amd64/Packages")
                names = try deb822Paragraphs(packages).compactMap { $0["Package"] }
                if names.count >= debs.count { break }
                try await Task.sleep(for: .milliseconds(200))
            } while ContinuousClock.now < deadline
            #expect(names.count == debs.count, "\(names.count) packages indexed, \(debs.count) written")
            #expect(Set(names).count == names.count, "a package is indexed twice")
        }
    }

    static func name(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }

    /// `count` small .debs from Benchmarks/make-debs.py, in the order written.
    static func makeDebs(_ work: Workspace, count: Int, filePath: String = #filePath) async throws -> [String] {
        let script = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Benchmarks/make-debs.py").path
        let made = try await run([script, work.path("debs"), "\(count)"], executable: "/usr/bin/python3", timeout: .seconds(120))
        guard made.status == 0 else { throw E2EFailure("make-debs.py: \(made.stderr)") }
        return try FileManager.default.contentsOfDirectory(atPath: work.path("debs")).sorted().map { work.path("debs/" + $0) }
    }

    /// `apt-get update` in a loop until the writers finish (and once more after): each must succeed silently.
    static func aptLoop(_ work: Workspace, _ url: String, keyring: String, while writing: Flag) async throws
        -> (runs: Int, failures: [String]) {
        let apt = try IsolatedApt(work, name: "apt-loop")
        try apt.writeSource("deb [signed-by=\(keyring)] \(url)/apt/c stable main")
        var runs = 0, failures: [String] = []
        repeat {
            let update = try await apt.aptGet(["update"])
            runs += 1
            if update.status != 0 || update.stderr.contains("W:") || update.stderr.contains("E:") { failures.append(update.stderr) }
        } while writing.isRaised
        return (runs, failures)
    }

    /// `pip download` of a pinned wheel in a loop until the writers finish.
    static func pipLoop(_ work: Workspace, _ url: String, _ python: PythonClients, while writing: Flag) async throws
        -> (runs: Int, failures: [String]) {
        var runs = 0, failures: [String] = []
        repeat {
            let download = try await python.run("pip", ["download", "--index-url", url + "/pypi/p/simple/", "--no-deps",
                                                        "--dest", work.path("pip-\(runs)"), "steady==1.0"])
            runs += 1
            if download.status != 0 { failures.append(download.stderr) }
        } while writing.isRaised
        return (runs, failures)
    }
}

/// A flag the writers lower when they are done; the reader loops poll it.
final class Flag: Sendable {
    private let raised = Atomic<Bool>(true)
    var isRaised: Bool { raised.load(ordering: .relaxed) }
    func lower() { raised.store(false, ordering: .relaxed) }
}

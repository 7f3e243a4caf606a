// Hostile input: a corpus of malformed packages and upload names against a live server, which must refuse each.
import Foundation
import Testing

/// Tests/Corpus/make-hostile-corpus.py writes 74 malformed files (truncated, wrong magic, bombs, absurd sizes,
/// path traversal in archives and in names, links out of the tree, device nodes, non-UTF-8 and control
/// characters, duplicate fields, a 100 MB METADATA and control file; for issue 14 UTF-8 `..` names in zips and
/// wheels, link chains in each format and order, header floods and header bombs). Each is PUT to a repository that already
/// holds a valid package of its kind: each must get its expected status with a reason, the server must stay up
/// with bounded memory, and every index must be byte-identical afterwards.
@Suite(.serialized) struct HostileInputTests {
    static let residentBytesMax = 400 << 20

    struct Case {
        let id: String, path: String, file: String, status: Int, reason: String
    }

    @Test func corpusIsRefusedAndNothingChanges() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let cases = try await Self.corpus(in: work)
        #expect(cases.count >= 74)
        let python = try PythonClients(work)
        let wheel = try #require(try await python.make("good", ["--project", "hostile", "--version", "0.9"]).first)
        let deb = try await DebBuilder(work: work).build("hostile", "0.9", "amd64", compression: "gzip")
        let tarball = try await work.tarball("hostile-0.9.tar.gz", seed: 9)
        try await EndToEndTests.withServer(binary, work) { server in
            for (file, path) in [(tarball, "tar/h/hostile-0.9.tar.gz"), (deb, "apt/h/pool/stable/main/hostile_0.9_amd64.deb"),
                                 (wheel, "pypi/h/" + URL(fileURLWithPath: wheel).lastPathComponent)] {
                #expect(try await put(file, to: "\(server.url)/\(path)").code == 201)
            }
            let indexes = ["tar/h/SHA256SUMS", "apt/h/dists/stable/InRelease", "apt/h/dists/stable/main/binary-amd64/Packages",
                           "pypi/h/simple/", "pypi/h/simple/hostile/"]
            let before = try await Self.fetchAll(indexes, server.url)
            let residentAtStart = try HostileHTTPTests.residentBytes(server.process.processIdentifier)
            for item in cases {
                let answer = try await Self.putAsIs(work.path("corpus/" + item.file), to: "\(server.url)/\(item.path)")
                #expect(answer.code == item.status, "\(item.id): HTTP \(answer.code) \(answer.body)")
                #expect(!item.reason.isEmpty && answer.body.lowercased().contains(item.reason.lowercased()),
                        "\(item.id): the reason \"\(answer.body)\" does not say \"\(item.reason)\"")
                #expect(server.process.isRunning, "the server died on \(item.id)")
                guard server.process.isRunning else { return }
            }
            #expect(try await Self.fetchAll(indexes, server.url) == before, "an index changed")
            let resident = try Self.peakResidentBytes(server.process.processIdentifier)
            #expect(resident < Self.residentBytesMax, "peak RSS \(resident >> 20) MiB")
            try await Task.sleep(for: .seconds(1))
            let residentAfter = try HostileHTTPTests.residentBytes(server.process.processIdentifier)
            // Memory taken by the hostile files is given back: within 50 MB of where the run started.
            #expect(residentAfter < residentAtStart + 50_000_000,
                    "RSS \(residentAtStart >> 20) MiB before the corpus, \(residentAfter >> 20) MiB after")
            print("hostile corpus: RSS \(residentAtStart >> 20) MiB before, peak \(resident >> 20) MiB, \(residentAfter >> 20) MiB 1 s after")
            let spool = try FileManager.default.contentsOfDirectory(atPath: server.dataDirectory + "/spool")
            #expect(spool.isEmpty, "spool files left: \(spool)")
        }
    }

    /// Runs the generator into `<work>/corpus` and reads its manifest.
    static func corpus(in work: Workspace, filePath: String = #filePath) async throws -> [Case] {
        let script = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/make-hostile-corpus.py").path
        let made = try await run([script, work.path("corpus")], executable: "/usr/bin/python3", timeout: .seconds(120))
        guard made.status == 0 else { throw E2EFailure("make-hostile-corpus.py: \(made.stderr)") }
        let manifest = try String(contentsOfFile: work.path("corpus/manifest.tsv"), encoding: .utf8)
        return manifest.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(id: fields[0], path: fields[1], file: fields[2], status: Int(fields[3]) ?? 0, reason: fields[4])
        }
    }

    /// PUT without curl's own path clean-up, so `..` and `%2e%2e` reach the server as written.
    static func putAsIs(_ file: String, to url: String) async throws -> (code: Int, body: String) {
        let result = try await run(["-s", "--path-as-is", "-H", "Expect:", "-o", "-", "-w", "\n%{http_code}", "-T", file, url], executable: Tools.curl)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func fetchAll(_ paths: [String], _ base: String) async throws -> [String] {
        var bodies: [String] = []
        for path in paths { bodies.append(try await fetchText("\(base)/\(path)")) }
        return bodies
    }

    /// VmHWM of a process: the most resident memory it ever had.
    static func peakResidentBytes(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) << 10
    }
}

// Hostile HTTP against the real binary: multipart amplifications, slow clients, early refusals, cleanup of refusals.
import CoreTesting
import Foundation
import Testing

@Suite(.serialized) struct HostileHTTPTests {
    /// Peak resident memory allowed while the amplification requests run (MultipartKit needed gigabytes).
    static let residentBytesMax = 200 << 20

    /// One request's bytes: a head, then `chunk` repeated `count` times, then `tail`.
    struct Hostile: Sendable {
        let label: String
        let head: String
        let chunk: [UInt8]
        let count: Int
        let tail: [UInt8]
        /// The status expected, or nil when any 4xx will do (the answer may be lost when the server closes mid-send).
        let status: Int?
    }

    static func form(_ label: String, path: String = "/addpkg?provider=tar&reponame=hostile", boundary: String = "b", prefix: String,
                     chunk: [UInt8], count: Int, suffix: String, status: Int?) -> Hostile {
        let length = prefix.utf8.count + chunk.count * count + suffix.utf8.count
        let head = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\n"
            + "Content-Length: \(length)\r\n\r\n" + prefix
        return Hostile(label: label, head: head, chunk: chunk, count: count, tail: Array(suffix.utf8), status: status)
    }

    /// The amplification requests of the hostile run, smaller where only the time to send them would grow.
    static var amplifications: [Hostile] {
        let field = "--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n"
        let fileHead = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x-1.0.tar.gz\"\r\n\r\n"
        return [
            form("400 fields of 1 MiB", prefix: "", chunk: Array((field + String(repeating: "d", count: 1 << 20) + "\r\n").utf8), count: 400,
                 suffix: "--b--\r\n", status: nil),
            form("200 MiB part header", prefix: "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Pad: ",
                 chunk: [UInt8](repeating: UInt8(ascii: "h"), count: 1 << 20), count: 200, suffix: "\r\n\r\nx\r\n--b--\r\n", status: nil),
            form("16 MiB of CR in a file part", prefix: fileHead, chunk: [UInt8](repeating: 13, count: 1 << 20), count: 16,
                 suffix: "\r\n--b--\r\n", status: 400),
            form("64 MiB of CRLF in a file part", prefix: fileHead, chunk: Array(String(repeating: "\r\n", count: 1 << 19).utf8), count: 64,
                 suffix: "\r\n--b--\r\n", status: 400),
            form("5000 tiny parts", prefix: "", chunk: Array("--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n".utf8), count: 5000,
                 suffix: "--b--\r\n", status: nil),
            form("empty boundary", boundary: "", prefix: fileHead, chunk: [1], count: 1, suffix: "\r\n--b--\r\n", status: 400),
            form("empty boundary, twine", path: "/pypi/hostile/", boundary: "", prefix: fileHead, chunk: [1], count: 1,
                 suffix: "\r\n--b--\r\n", status: 400),
        ]
    }

    /// Sends one hostile request and returns the answer (status nil when the server closed before answering).
    static func send(_ hostile: Hostile, port: Int) async throws -> RawConnection.Received {
        let connection = try await RawConnection.connect(port: port)
        await connection.send(hostile.head)
        await connection.send(repeating: hostile.chunk, count: hostile.count)
        await connection.send(hostile.tail)
        return await connection.read(timeout: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("}") }
    }

    static func port(of server: ServerProcess) throws -> Int {
        try #require(URL(string: server.url)?.port)
    }

    /// VmRSS of a process: what it holds now.
    static func residentBytes(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) << 10
    }

    // Goal: the amplification requests of the hostile run, two of each at once, are refused with 4xx while the
    // server stays up, its mount keeps working, its peak memory stays bounded and is given back afterwards.
    @Test func multipartAmplificationsStayBounded() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let mount = fuseAvailable ? ["--mount", work.path("mnt")] : []
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"), extraArguments: mount)
        do {
            let port = try Self.port(of: server)
            let before = try Self.residentBytes(server.process.processIdentifier)
            let answers = try await withThrowingTaskGroup(of: (String, RawConnection.Received).self) { group in
                for hostile in Self.amplifications + Self.amplifications {
                    group.addTask { (hostile.label, try await Self.send(hostile, port: port)) }
                }
                return try await group.reduce(into: [(String, RawConnection.Received)]()) { $0.append($1) }
            }
            for (label, answer) in answers {
                let expected = Self.amplifications.first { $0.label == label }?.status
                if let status = answer.status {
                    #expect(status >= 400 && status < 500, "\(label): \(answer.text)")
                    if let expected { #expect(status == expected, "\(label): \(answer.text)") }
                    #expect(answer.text.contains(#"{"error":"#), "\(label): no reason")
                } else {
                    #expect(expected == nil, "\(label): no answer")
                }
            }
            #expect(server.process.isRunning, "the server died:\n\(server.log.text)")
            #expect(try await fetchText(server.url + "/healthz").contains("ok"))
            if fuseAvailable {
                let listing = try await run([work.path("mnt")], executable: "/bin/ls")
                #expect(listing.stdout.split(separator: "\n").contains("tar"), "the mount no longer lists: \(listing)")
            }
            let peak = try HostileInputTests.peakResidentBytes(server.process.processIdentifier)
            #expect(peak < Self.residentBytesMax, "peak RSS \(peak >> 20) MiB")
            try await Task.sleep(for: .seconds(1))
            let after = try Self.residentBytes(server.process.processIdentifier)
            // The issue's bound: back within 50 MB of where it started.
            #expect(after < before + 50_000_000, "RSS \(before >> 20) MiB before, \(after >> 20) MiB after")
            print("hostile multipart run: RSS \(before >> 20) MiB before, peak \(peak >> 20) MiB, \(after >> 20) MiB 1 s after")
            let spool = try FileManager.default.contentsOfDirectory(atPath: server.dataDirectory + "/spool")
            #expect(spool.isEmpty, "spool files left: \(spool)")
            let repositories = try await fetchText(server.url + "/api/repos")
            #expect(repositories == "[]", "a refused upload created \(repositories)")
        } catch {
            server.forceKill()
            throw error
        }
        let end = try await server.stop()
        #expect(end.reason == .exit && end.status == 0, "server log:\n\(server.log.text)")
    }

    static func head(_ method: String, _ path: String, _ fields: [String]) -> String {
        "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
    }

    // Goal: against the real binary, a slowloris head and a stalled body get 408 and the connection closes; a
    // Content-Length over the limit gets 413 and a request without a token 401 before any body is sent (no 100
    // Continue); an unknown transfer coding gets 501 and a 1 MB API body 413, each with a reason.
    @Test func slowClientsAndEarlyRefusals() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let server = try await ServerProcess.start(binary: binary, dataDirectory: work.path("data"), uploadToken: "secret",
                                                   extraArguments: ["--request-timeout", "1", "--idle-timeout", "2"])
        do {
            let port = try Self.port(of: server)
            let slowloris = try await RawConnection.connect(port: port)
            await slowloris.send("PUT /tar/r/x-1.0.tar.gz HTTP/1.1\r\nHost: localhost\r\nAuthori")
            let timedOut = await slowloris.read(timeout: .seconds(10))
            #expect(timedOut.status == 408 && timedOut.closed, "\(timedOut.text)")

            let stalled = try await RawConnection.connect(port: port)
            await stalled.send(Self.head("PUT", "/tar/r/x-1.0.tar.gz", ["Authorization: Bearer secret", "Content-Length: 1000"]) + "abc")
            let stalledAnswer = await stalled.read(timeout: .seconds(10))
            #expect(stalledAnswer.status == 408 && stalledAnswer.closed, "\(stalledAnswer.text)")

            let tooLarge = try await RawConnection.connect(port: port)
            await tooLarge.send(Self.head("PUT", "/tar/r/x-1.0.tar.gz", ["Authorization: Bearer secret", "Content-Length: 100000000000",
                                                                         "Expect: 100-continue"]))
            let tooLargeAnswer = await tooLarge.read(timeout: .seconds(10))
            #expect(tooLargeAnswer.status == 413 && tooLargeAnswer.closed, "\(tooLargeAnswer.text)")
            #expect(!tooLargeAnswer.text.contains("100 Continue"))

            let anonymous = try await RawConnection.connect(port: port)
            await anonymous.send(Self.head("PUT", "/tar/r/x-1.0.tar.gz", ["Content-Length: 5000000000", "Expect: 100-continue"]))
            let unauthorized = await anonymous.read(timeout: .seconds(10))
            #expect(unauthorized.status == 401 && unauthorized.closed, "\(unauthorized.text)")
            #expect(!unauthorized.text.contains("100 Continue"))

            let coding = try await RawConnection.connect(port: port)
            await coding.send(Self.head("POST", "/api/repos", ["Transfer-Encoding: gzip"]) + "abc")
            let notImplemented = await coding.read(timeout: .seconds(10))
            #expect(notImplemented.status == 501 && notImplemented.text.contains("Transfer-Encoding"), "\(notImplemented.text)")

            let bigJSON = work.path("big.json")
            try Data(repeating: 0x20, count: 1_000_000).write(to: URL(fileURLWithPath: bigJSON))
            let api = try await run(["-s", "-o", "-", "-w", "\n%{http_code}", "-H", "Authorization: Bearer secret",
                                     "-H", "Content-Type: application/json", "--data-binary", "@" + bigJSON, server.url + "/api/repos"],
                                    executable: Tools.curl)
            #expect(api.stdout.hasSuffix("\n413") && api.stdout.contains("error"), "\(api.stdout)")
            #expect(server.process.isRunning)
        } catch {
            server.forceKill()
            throw error
        }
        let end = try await server.stop()
        #expect(end.reason == .exit && end.status == 0, "server log:\n\(server.log.text)")
    }

    // Goal: twine's md5_digest and blake2_256_digest are checked (400 naming the field), and a refused .deb, PUT or
    // through /addpkg into a new apt repository, leaves neither the repository nor a signing key behind.
    @Test func digestsAndNoLeftoversFromRefusals() async throws {
        let binary = try EndToEndTests.binary()
        let work = try Workspace()
        defer { work.remove() }
        let content = try work.write("demo-1.0.tar.gz", Array("not really a distribution".utf8))
        let bogusDeb = try work.write("bogus_1.0_amd64.deb", Array("!<arch>\nnot a real package\n".utf8))
        try await EndToEndTests.withServer(binary, work) { server in
            for (field, value) in [("md5_digest", String(repeating: "0", count: 32)), ("blake2_256_digest", String(repeating: "f", count: 64))] {
                let form = try await run(["-s", "-o", "-", "-w", "\n%{http_code}", "-F", ":action=file_upload", "-F", "name=demo",
                                          "-F", "version=1.0", "-F", "\(field)=\(value)", "-F", "content=@\(content)", server.url + "/pypi/twine/"],
                                         executable: Tools.curl)
                #expect(form.stdout.hasSuffix("\n400"), "\(field): \(form.stdout)")
                #expect(form.stdout.contains(field), "\(field): \(form.stdout)")
            }
            let put = try await HostileInputTests.putAsIs(bogusDeb, to: server.url + "/apt/fresh/pool/stable/main/bogus_1.0_amd64.deb")
            #expect(put.code == 400, "\(put.body)")
            let addpkg = try await run(["-s", "-o", "-", "-w", "\n%{http_code}", "-F", "f=@\(bogusDeb)",
                                        server.url + "/addpkg?provider=apt&reponame=fresh2&dist=stable"], executable: Tools.curl)
            #expect(addpkg.stdout.hasSuffix("\n400"), "\(addpkg.stdout)")
            #expect(try await fetchText(server.url + "/api/repos") == "[]")
            let keys = (try? FileManager.default.contentsOfDirectory(atPath: server.dataDirectory + "/keys/apt")) ?? []
            #expect(keys.isEmpty, "key directories left: \(keys)")
        }
    }
}

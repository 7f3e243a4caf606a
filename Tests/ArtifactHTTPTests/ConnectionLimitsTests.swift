// A live server against raw TCP clients: stalls and trickles get 408, early refusals close, framing refusals have reasons.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HummingbirdTesting
import Testing

@Suite struct ConnectionLimitsTests {
    /// Short limits so each case ends within a few seconds.
    static let limits = ConnectionLimits(idleTimeout: .seconds(2), headTimeout: .seconds(1), bodyReadTimeout: .seconds(1),
                                         bodyBytesPerSecondMin: 1000, lingerTimeout: .seconds(1), lingerBytesMax: 1 << 20)

    /// The server's defaults, for cases about refusals rather than timeouts: with one-second limits a machine busy
    /// with the rest of the suite could let a timeout win the race against the refusal under test.
    static let patientLimits = ConnectionLimits()

    /// Runs `test` with the port of a live server over a fresh `TestServer`.
    static func live(uploadToken: String? = nil, uploadBytesMax: Int64 = 64 << 30, limits: ConnectionLimits = limits,
                     _ test: @Sendable (TestServer, Int) async throws -> Void) async throws {
        let server = try TestServer(providers: [TarballProvider(), PyPIProvider()])
        defer { server.remove() }
        try await server.application(uploadToken: uploadToken, uploadBytesMax: uploadBytesMax, limits: limits).test(.live) { client in
            try await test(server, try #require(client.port))
        }
    }

    static func head(_ method: String, _ path: String, _ fields: [String]) -> String {
        "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n" + fields.map { $0 + "\r\n" }.joined() + "\r\n"
    }

    // Goal: half a request head gets 408 with a reason and the connection closes; an idle connection just closes.
    @Test func stalledHeadAndIdleConnection() async throws {
        try await Self.live { _, port in
            let half = try await RawConnection.connect(port: port)
            await half.send("PUT /tar/r/x-1.0.tar.gz HTTP/1.1\r\nHost: localhost\r\nContent-Le")
            let started = ContinuousClock.now
            let answer = await half.read(timeout: .seconds(10))
            #expect(answer.status == 408, "\(answer.text)")
            #expect(answer.text.contains("not received in time"))
            #expect(answer.closed)
            #expect(ContinuousClock.now - started < .seconds(5))

            let idle = try await RawConnection.connect(port: port)
            let nothing = await idle.read(timeout: .seconds(10))
            #expect(nothing.closed && nothing.bytes.isEmpty, "\(nothing.text)")
        }
    }

    // Goal: a body that stalls, and one that trickles a byte at a time, get 408; nothing is stored or left in the spool.
    @Test func stalledAndTricklingBodies() async throws {
        try await Self.live { server, port in
            let stalled = try await RawConnection.connect(port: port)
            await stalled.send(Self.head("PUT", "/tar/r/stall-1.0.tar.gz", ["Content-Length: 100000"]) + "0123456789")
            let stallAnswer = await stalled.read(timeout: .seconds(10))
            #expect(stallAnswer.status == 408, "\(stallAnswer.text)")
            #expect(stallAnswer.closed)

            let trickle = try await RawConnection.connect(port: port)
            await trickle.send(Self.head("PUT", "/tar/r/trickle-1.0.tar.gz", ["Content-Length: 100000"]))
            let started = ContinuousClock.now
            var answer = RawConnection.Received()
            while ContinuousClock.now - started < .seconds(15) {
                guard await trickle.send("x") else { break }
                answer = await trickle.read(timeout: .milliseconds(400))
                if answer.closed || !answer.bytes.isEmpty { break }
            }
            if answer.bytes.isEmpty { answer = await trickle.read(timeout: .seconds(5)) }
            #expect(answer.status == 408, "\(answer.text)")
            #expect(ContinuousClock.now - started < .seconds(6))

            let repositories = try await TestServer.executor.run { try server.repositories.metadata.repositories() }
            #expect(repositories.isEmpty)
            #expect(try await Self.eventuallyEmpty(server))
        }
    }

    // Goal: a body whose connection closes early is never ingested (its reader learns the body is incomplete), and the
    // repository the upload would have created does not appear.
    @Test func bodyCutOffIsNotIngested() async throws {
        let tarball = try Fixtures.tarGz(seed: 31)
        try await Self.live { server, port in
            // The bytes sent are a whole valid tarball: only the missing declared rest makes the upload incomplete.
            for missing in [1, 100_000] {
                let connection = try await RawConnection.connect(port: port)
                await connection.send(Self.head("PUT", "/tar/cut/cut-1.0.tar.gz", ["Content-Length: \(tarball.count + missing)"]))
                await connection.send(tarball)
                try await Task.sleep(for: .milliseconds(100))
                connection.shutdown()
            }
            try await Task.sleep(for: .milliseconds(300))
            let repositories = try await TestServer.executor.run { try server.repositories.metadata.repositories() }
            #expect(repositories.isEmpty, "\(repositories.map(\.name))")
            #expect(try await Self.eventuallyEmpty(server))
        }
    }

    // Goal: a Content-Length over the upload limit gets 413 before a byte of the body is sent, and the connection closes.
    @Test func declaredLengthOverTheLimit() async throws {
        try await Self.live(uploadBytesMax: 1000, limits: Self.patientLimits) { server, port in
            for (method, path, extra) in [("PUT", "/tar/r/big-1.0.tar.gz", [String]()),
                                          ("POST", "/addpkg?provider=tar&reponame=r", ["Content-Type: multipart/form-data; boundary=b"]),
                                          ("POST", "/pypi/r/", ["Content-Type: multipart/form-data; boundary=b"]),
                                          ("POST", "/api/repos", [])] {
                let connection = try await RawConnection.connect(port: port)
                await connection.send(Self.head(method, path, extra + ["Content-Length: 5000000", "Expect: 100-continue"]))
                let answer = await connection.read(timeout: .seconds(20))
                #expect(answer.status == 413, "\(method) \(path): \(answer.text)")
                #expect(!answer.text.contains("100 Continue"))
                #expect(answer.text.lowercased().contains("connection: close"))
                #expect(answer.closed, "\(method) \(path) stays open")
            }
            #expect(try server.spoolContents().isEmpty)
        }
    }

    // Goal: a request refused for its credentials or path is answered without reading its body (no 100 Continue,
    // Connection: close), however large the body is.
    @Test func refusalsDoNotReadTheBody() async throws {
        try await Self.live(uploadToken: "secret", limits: Self.patientLimits) { _, port in
            let cases: [(String, String, Int)] = [("PUT", "/tar/r/x-1.0.tar.gz", 401), ("POST", "/addpkg?provider=tar&reponame=r", 401),
                                                  ("PUT", "/nope/r/x-1.0.tar.gz", 404), ("POST", "/pypi/r/", 401)]
            for (method, path, status) in cases {
                for expect in [true, false] {
                    let connection = try await RawConnection.connect(port: port)
                    let fields = ["Content-Length: 10000000000", "Content-Type: multipart/form-data; boundary=b"] + (expect ? ["Expect: 100-continue"] : [])
                    await connection.send(Self.head(method, path, fields) + (expect ? "" : String(repeating: "z", count: 4096)))
                    let started = ContinuousClock.now
                    let answer = await connection.read(timeout: .seconds(20))
                    #expect(answer.status == status, "\(method) \(path): \(answer.text)")
                    #expect(!answer.text.contains("100 Continue"), "\(method) \(path)")
                    #expect(answer.closed)
                    #expect(ContinuousClock.now - started < .seconds(20), "the body was waited for")
                }
            }
            // Authorized, the same request gets its 100 Continue before the body is sent.
            let connection = try await RawConnection.connect(port: port)
            await connection.send(Self.head("PUT", "/tar/r/x-1.0.tar.gz", ["Content-Length: 10", "Expect: 100-continue",
                                                                           "Authorization: Bearer secret"]))
            let interim = await connection.read(timeout: .seconds(20)) { String(decoding: $0, as: UTF8.self).contains("\r\n\r\n") }
            #expect(interim.text.hasPrefix("HTTP/1.1 100 Continue"), "\(interim.text)")
            await connection.send("0123456789")
            let final = await connection.read(timeout: .seconds(20)) { String(decoding: $0, as: UTF8.self).contains("}") }
            #expect(final.status == 400, "\(final.text)")  // ten bytes are not a tarball
        }
    }

    // Goal: transfer codings other than chunked get 501 (400 when the framing is malformed), with a reason, never 500.
    @Test(arguments: [("gzip", 501), ("foo", 501), ("gzip, chunked", 501), ("chunked, chunked", 400), ("chunked, gzip", 400), (",", 400)])
    func transferEncodings(_ coding: String, _ status: Int) async throws {
        try await Self.live { _, port in
            let connection = try await RawConnection.connect(port: port)
            await connection.send(Self.head("PUT", "/tar/r/x-1.0.tar.gz", ["Transfer-Encoding: \(coding)"]) + "5\r\nhello\r\n0\r\n\r\n")
            let answer = await connection.read(timeout: .seconds(5))
            #expect(answer.status == status, "\(coding): \(answer.text)")
            #expect(answer.text.contains(#"{"error":"#), "\(coding): no reason in \(answer.text)")
            #expect(answer.closed)
        }
    }

    /// Polls until the spool is empty (a discard may trail the answer by a moment).
    static func eventuallyEmpty(_ server: TestServer) async throws -> Bool {
        for _ in 0..<50 {
            if try server.spoolContents().isEmpty { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

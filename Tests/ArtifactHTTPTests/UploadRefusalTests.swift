// Hostile and mistaken uploads in-process: 4xx with reasons, nothing created by a refused upload, digests checked.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@Suite struct UploadRefusalTests {
    static func form(_ parts: [(name: String, filename: String?, bytes: [UInt8])], boundary: String = "b0und4ry") -> [UInt8] {
        Fixtures.multipart(boundary: boundary, parts: parts)
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, contentType: String, body: [UInt8]) async throws -> TestResponse {
        try await client.send(.post, uri, headers: [.contentType: contentType], body: body)
    }

    static func repositories(_ server: TestServer) async throws -> [String] {
        try await TestServer.executor.run { try server.repositories.metadata.repositories().map { "\($0.provider)/\($0.name)" } }
    }

    // MARK: - Multipart framing

    // Goal: a bad boundary parameter (empty, too long, invalid characters) on either form endpoint is a 400 with a
    // reason, and the server goes on answering.
    @Test(arguments: ["multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"", "multipart/form-data",
                      "multipart/form-data; boundary=" + String(repeating: "x", count: 71), "multipart/form-data; boundary=a\u{7F}",
                      "text/plain; boundary=abc"])
    func badBoundaries(_ contentType: String) async throws {
        try await TestServer.run(providers: [TarballProvider(), PyPIProvider()]) { server, client in
            for uri in ["/addpkg?provider=tar&reponame=r", "/pypi/r/"] {
                let response = try await Self.post(client, uri, contentType: contentType, body: Array("--\r\n\r\n".utf8))
                #expect(response.status == .badRequest, "\(uri): \(response.text)")
                #expect(response.errorMessage.contains("multipart"), "\(uri): \(response.errorMessage)")
            }
            #expect(try await client.get("/").status == .ok)
            #expect(try await Self.repositories(server).isEmpty)
        }
    }

    /// Forms that break the parser's rules, with the status and words of the answer.
    static let badFormCases: [(label: String, body: [UInt8], status: HTTPResponse.Status, words: String)] = [
        ("header name byte 0xFF", Array("--b0und4ry\r\nX-N".utf8) + [0xFF] + Array(": v\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a-1.0.tar.gz\"\r\n\r\nx\r\n--b0und4ry--\r\n".utf8),
         .badRequest, "header"),
        ("no closing boundary", Array("--b0und4ry\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a-1.0.tar.gz\"\r\n\r\nxyz".utf8),
         .badRequest, "closing boundary"),
        ("header over 8 KiB", Array("--b0und4ry\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Pad: \(String(repeating: "p", count: 9000))\r\n\r\nx\r\n--b0und4ry--\r\n".utf8),
         .contentTooLarge, "headers are larger"),
        ("nested junk", Array("--b0und4ry\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a-1.0.tar.gz\"\r\n\r\nx\r\n--b0und4ryjunk\r\n".utf8),
         .badRequest, "boundary line"),
        ("two file parts", form([("f", "a-1.0.tar.gz", [1]), ("f", "b-1.0.tar.gz", [2])]), .badRequest, "more than one"),
        ("file part without filename", form([("f", nil, [1])]), .badRequest, "no filename"),
        ("too many parts", form((0..<300).map { ("x\($0)", nil, [1]) }), .contentTooLarge, "parts"),
        ("a field over 1 MiB", form([("description", nil, [UInt8](repeating: 65, count: (1 << 20) + 1))]), .contentTooLarge, "description"),
        ("fields over 4 MiB together", form((0..<5).map { ("d\($0)", nil, [UInt8](repeating: 65, count: 1 << 20)) }), .contentTooLarge, "together"),
        ("preamble without boundary", [UInt8](repeating: 65, count: 20 << 10), .contentTooLarge, "boundary"),
    ]

    // Goal: each way a form breaks the rules is a 4xx naming the problem, and creates nothing.
    @Test(arguments: badFormCases.indices)
    func badForms(_ index: Int) async throws {
        let item = Self.badFormCases[index]
        try await TestServer.run { server, client in
            let response = try await Self.post(client, "/addpkg?provider=tar&reponame=new", contentType: "multipart/form-data; boundary=b0und4ry",
                                               body: item.body)
            #expect(response.status == item.status, "\(item.label): \(response.status) \(response.text)")
            #expect(response.errorMessage.contains(item.words), "\(item.label): \(response.errorMessage)")
            #expect(try await Self.repositories(server).isEmpty, "\(item.label)")
            #expect(try server.spoolContents().isEmpty, "\(item.label)")
        }
    }

    // Goal: every byte of a form counts against the upload limit, including fields that are dropped.
    @Test func formBytesCountAgainstTheUploadLimit() async throws {
        try await TestServer.run(uploadBytesMax: 100_000) { server, client in
            let dropped = Self.form([("comment", nil, [UInt8](repeating: 66, count: 60_000)), ("other", nil, [UInt8](repeating: 67, count: 60_000)),
                                     ("f", "a-1.0.tar.gz", [1, 2, 3])])
            let response = try await Self.post(client, "/addpkg?provider=tar&reponame=r", contentType: "multipart/form-data; boundary=b0und4ry",
                                               body: dropped)
            #expect(response.status == .contentTooLarge, "\(response.text)")
            #expect(response.errorMessage.contains("100000"))
            let epilogue = Self.form([("f", "a-1.0.tar.gz", [1, 2, 3])]) + [UInt8](repeating: 0, count: 100_000)
            let late = try await Self.post(client, "/addpkg?provider=tar&reponame=r", contentType: "multipart/form-data; boundary=b0und4ry",
                                           body: epilogue)
            #expect(late.status == .contentTooLarge)
            #expect(try server.spoolContents().isEmpty)
        }
    }

    // MARK: - twine digests

    // Goal: each of md5_digest, sha256_digest and blake2_256_digest that does not match the content is a 400 naming the
    // field; matching ones (any case) let the upload through to validation.
    @Test func twineDigestsAreChecked() async throws {
        let content = Array("not really a distribution".utf8)
        // From Python's hashlib (md5, blake2b(digest_size=32)): independent of the server's own hashing.
        let md5 = "38288766874134dc7bfd6392ee7b60d9"
        let sha256 = SHA256Digest(of: content).hex
        let blake2 = "0158ca8af7cc3d37994349e9a9a776a223332a17b8fa7807659d58b6e91cf069"
        let wrong = String(repeating: "0", count: 64)
        try await TestServer.run(providers: [TarballProvider(), PyPIProvider()]) { server, client in
            func upload(_ digests: [(String, String)]) async throws -> TestResponse {
                let fields = [(":action", "file_upload"), ("name", "demo"), ("version", "1.0")] + digests
                let body = Self.form(fields.map { ($0.0, nil, Array($0.1.utf8)) } + [("content", "demo-1.0.tar.gz", content)])
                return try await Self.post(client, "/pypi/r/", contentType: "multipart/form-data; boundary=b0und4ry", body: body)
            }
            for field in ["md5_digest", "sha256_digest", "blake2_256_digest"] {
                var digests = [("md5_digest", md5), ("sha256_digest", sha256), ("blake2_256_digest", blake2)]
                digests = digests.map { $0.0 == field ? ($0.0, wrong) : $0 }
                let refused = try await upload(digests)
                #expect(refused.status == .badRequest)
                #expect(refused.errorMessage.hasPrefix(field), "\(field): \(refused.errorMessage)")
            }
            let matching = try await upload([("md5_digest", md5.uppercased()), ("sha256_digest", sha256), ("blake2_256_digest", " \(blake2) ")])
            #expect(matching.status == .badRequest)
            #expect(matching.errorMessage.contains("not a valid package"), "\(matching.errorMessage)")
            #expect(try await Self.repositories(server).isEmpty)
            #expect(try server.spoolContents().isEmpty)
        }
    }

    // MARK: - JSON API bodies

    // Goal: an API body over its limit is a 413 with a reason on every route that reads one, never a 500.
    @Test(arguments: [(HTTPRequest.Method.post, "/api/repos"), (.patch, "/api/tar/r"), (.post, "/api/pypi/r/yank"),
                      (.post, "/api/pypi/r/unyank"), (.put, "/api/apt/r/key")])
    func bigAPIBodies(_ method: HTTPRequest.Method, _ uri: String) async throws {
        try await TestServer.run { _, client in
            let big = [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20)
            let response = try await client.send(method, uri, headers: [.contentType: "application/json"], body: big)
            #expect(response.status == .contentTooLarge, "\(uri): \(response.status) \(response.text)")
            #expect(!response.errorMessage.isEmpty)
            guard !uri.hasSuffix("/key") else { return }  // a key is not JSON, and this server has no apt provider
            let garbage = try await client.send(method, uri, headers: [.contentType: "application/json"], body: Array("{\"x\":".utf8))
            #expect(garbage.status == .badRequest, "\(uri): \(garbage.status) \(garbage.text)")
        }
    }

    // MARK: - Nothing created by a refused upload

    // Goal: whatever refuses an upload into a repository that does not exist (invalid package, bad name, too large,
    // bad form, bad digest), the repository is not there afterwards.
    @Test func refusedUploadsCreateNoRepository() async throws {
        let text = Fixtures.text
        try await TestServer.run(providers: [TarballProvider(), PyPIProvider()], uploadBytesMax: 1 << 20) { server, client in
            var answers: [TestResponse] = []
            answers.append(try await client.put("/tar/new1/x-1.0.tar.gz", text))
            answers.append(try await client.put("/tar/new2/noversion.tar.gz", try Fixtures.tarGz(seed: 41)))
            answers.append(try await client.put("/tar/new3/x-1.0.tar.gz", [UInt8](repeating: 0, count: (1 << 20) + 1)))
            answers.append(try await client.put("/tar/new4/x-1.0.tar.gz", [1], headers: [.contentLength: "999999999"]))
            answers.append(try await Self.post(client, "/addpkg?provider=tar&reponame=new5", contentType: "multipart/form-data; boundary=b0und4ry",
                                               body: Self.form([("f", "x-1.0.tar.gz", text)])))
            answers.append(try await Self.post(client, "/addpkg?provider=tar&reponame=new6", contentType: "multipart/form-data; boundary=",
                                               body: Self.form([("f", "x-1.0.tar.gz", text)])))
            answers.append(try await Self.post(client, "/pypi/new7/", contentType: "multipart/form-data; boundary=b0und4ry",
                                               body: Self.form([(":action", nil, Array("file_upload".utf8)), ("md5_digest", nil, Array("00".utf8)),
                                                                ("content", "demo-1.0.tar.gz", text)])))
            for answer in answers {
                #expect(answer.status.code >= 400 && answer.status.code < 500, "\(answer.status) \(answer.text)")
            }
            #expect(try await Self.repositories(server).isEmpty)
            #expect(try server.spoolContents().isEmpty)

            // The same upload, valid, creates the repository.
            let valid = try await client.put("/tar/new1/x-1.0.tar.gz", try Fixtures.tarGz(seed: 42))
            #expect(valid.status == .created)
            #expect(try await Self.repositories(server) == ["tar/new1"])
        }
    }

    // MARK: - Validation does not hold up reads

    // Goal: reads (which need the read executor) never wait behind validation. Decided without timing: both
    // ingest threads are held inside validations that end only when the test lets them, with more uploads queued
    // than the read executor has threads; the GETs must all be answered while the validations are still held.
    // Were validation on the read executor, the held uploads would occupy its threads and no GET would be answered.
    @Test func readsDoNotWaitForValidation() async throws {
        let provider = SlowProvider(delay: .zero)
        let ingest = BlockingExecutor(threadCount: 2, name: "test.held-ingest", queuedJobCountMax: 16)
        let reads = BlockingExecutor(threadCount: 4, name: "test.reads")
        try await TestServer.run(providers: [provider], ingestExecutor: ingest, executor: reads) { server, client in
            #expect(try await client.put("/tar/fast/seed-1.0.tar.gz", try Fixtures.tarGz(seed: 51)).status == .created)
            provider.hold()
            let uploads = Task {
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<6 {
                        let bytes = try Fixtures.tarGz(seed: UInt64(60 + index))
                        group.addTask { try await client.put("/tar/slow/s\(index)-1.0.tar.gz", bytes).status }
                    }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
            }
            let waitStarted = ContinuousClock.now
            while provider.running.withLock({ $0 }) < 2, ContinuousClock.now - waitStarted < .seconds(60) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(provider.running.withLock { $0 } == 2, "the ingest threads never both validated")
            let readsFinished = Mutex(false)
            let reading = Task { () throws -> [HTTPResponse.Status] in
                var statuses: [HTTPResponse.Status] = []
                for path in ["/tar/fast/", "/tar/fast/SHA256SUMS", "/api/repos", "/tar/fast/seed-1.0.tar.gz"] {
                    statuses.append(try await client.get(path).status)
                }
                readsFinished.withLock { $0 = true }
                return statuses
            }
            // Wait for the reads or 60 s, whichever ends first; the validations stay held either way.
            let readStarted = ContinuousClock.now
            var answered = false
            while !answered, ContinuousClock.now - readStarted < .seconds(60) {
                try await Task.sleep(for: .milliseconds(20))
                answered = readsFinished.withLock { $0 }
            }
            #expect(answered, "GETs were not answered while validations held the ingest threads")
            #expect(provider.running.withLock { $0 } == 2, "the validations ended before the reads did")
            provider.release()
            #expect(try await reading.value.allSatisfy { $0 == .ok })
            let statuses = try await uploads.value
            #expect(statuses.allSatisfy { $0 == .created }, "\(statuses)")
            _ = server
        }
    }

    // Goal: a full ingest queue refuses further uploads with 503 and Retry-After instead of queueing without end.
    @Test func fullIngestQueueIs503() async throws {
        let provider = SlowProvider(delay: .seconds(1))
        let ingest = BlockingExecutor(threadCount: 1, name: "test.tiny-ingest", queuedJobCountMax: 1)
        try await TestServer.run(providers: [provider], ingestExecutor: ingest) { server, client in
            let statuses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for index in 0..<4 {
                    let bytes = try Fixtures.tarGz(seed: UInt64(70 + index))
                    group.addTask { try await client.put("/tar/q/q\(index)-1.0.tar.gz", bytes) }
                }
                return try await group.reduce(into: [TestResponse]()) { $0.append($1) }
            }
            let refused = statuses.filter { $0.status == .serviceUnavailable }
            #expect(!refused.isEmpty, "\(statuses.map(\.status))")
            #expect(refused.allSatisfy { $0.headers[.retryAfter] != nil })
            #expect(statuses.allSatisfy { $0.status == .created || $0.status == .serviceUnavailable })
            #expect(try await ConnectionLimitsTests.eventuallyEmpty(server))
        }
    }
}

/// The tarball provider with a validation that takes `delay`, or is held until released (a stand-in for a slow,
/// hostile archive).
final class SlowProvider: PackageProvider {
    let base = TarballProvider()
    let delay: Duration
    /// Validations in progress.
    let running = Mutex(0)

    /// Closed by `hold()`: validations wait until `release()` (a validation that lasts exactly as long as a test wants).
    private let gate = Mutex(false)

    init(delay: Duration) { self.delay = delay }

    /// Makes validations wait, inside `inspect`, until `release()`.
    func hold() { gate.withLock { $0 = true } }

    /// Lets waiting and later validations go on.
    func release() { gate.withLock { $0 = false } }

    var kind: ProviderKind { base.kind }
    var digestKinds: DigestKinds { base.digestKinds }
    func directoryKinds(for components: [String]) throws(ArtifactError) -> [NodeKind] { try base.directoryKinds(for: components) }
    func acceptsPackages(at components: [String]) -> Bool { base.acceptsPackages(at: components) }
    func isReserved(_ filename: Filename, at components: [String]) -> Bool { base.isReserved(filename, at: components) }
    func buildIndexes(_ input: IndexInput) throws -> [GeneratedFile] { try base.buildIndexes(input) }

    func inspect(fileAt path: String, filename: Filename, location: [String], declared: DeclaredIdentity?) throws(ArtifactError)
        -> PackageDescription {
        running.withLock { $0 += 1 }
        defer { running.withLock { $0 -= 1 } }
        while gate.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
        return try base.inspect(fileAt: path, filename: filename, location: location, declared: declared)
    }
}

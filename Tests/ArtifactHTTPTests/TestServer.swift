// Test helpers: an exporter over in-memory stores driven in-process, real archive fixtures, request shortcuts.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// One exporter over a fresh in-memory catalogue and blob store, with its spool in a fresh temp directory.
struct TestServer: Sendable {
    let repositories: Repositories
    let blobs: InMemoryBlobStore
    /// The temp directory holding the spool; removed by `remove()`.
    let directory: URL
    let logger: Logger

    /// Shared by every test server: the executor's threads live as long as the process.
    static let executor = BlockingExecutor(threadCount: 4)
    /// Validation and ingestion, apart from reads, as `serve` runs them.
    static let ingestExecutor = BlockingExecutor(threadCount: 2, name: "test.ingest", queuedJobCountMax: 64)

    var spoolDirectory: String { directory.appendingPathComponent("spool").path }

    init(providers: [any PackageProvider] = [TarballProvider()]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("artifactfs-http-\(UUID().uuidString)")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        self.logger = logger
        let blobs = InMemoryBlobStore()
        self.blobs = blobs
        let spool = try Spool(directory: directory.appendingPathComponent("spool").path)
        // Short publish delays keep upload responses (which wait for the publish) quick.
        var configuration = Repositories.Configuration()
        configuration.publishQuietDelay = .milliseconds(20)
        configuration.publishMaxDelay = .milliseconds(100)
        repositories = Repositories(metadata: try SQLiteMetadataStore(), blobs: blobs, spool: spool,
                                    providers: providers, configuration: configuration, logger: logger)
    }

    /// The exporter's application over this server's stores.
    func application(uploadToken: String? = nil, uploadBytesMax: Int64 = 64 << 30, limits: ConnectionLimits = ConnectionLimits(),
                     ingestExecutor: BlockingExecutor = TestServer.ingestExecutor,
                     executor: BlockingExecutor = TestServer.executor) -> some ApplicationProtocol {
        HTTPExporter.application(repositories: repositories, executor: executor, ingestExecutor: ingestExecutor,
                                 configuration: HTTPExporter.Configuration(uploadToken: uploadToken, uploadBytesMax: uploadBytesMax,
                                                                           connectionLimits: limits),
                                 logger: logger)
    }

    /// Files left in the spool (every request must discard what it staged).
    func spoolContents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: spoolDirectory)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Builds a fresh server, runs `test` against it through the in-process router, then removes its temp files.
    static func run<Value>(uploadToken: String? = nil, providers: [any PackageProvider] = [TarballProvider()],
                           uploadBytesMax: Int64 = 64 << 30, ingestExecutor: BlockingExecutor = TestServer.ingestExecutor,
                           executor: BlockingExecutor = TestServer.executor,
                           _ test: @Sendable (TestServer, any TestClientProtocol) async throws -> Value) async throws -> Value {
        let server = try TestServer(providers: providers)
        defer { server.remove() }
        let app = server.application(uploadToken: uploadToken, uploadBytesMax: uploadBytesMax, ingestExecutor: ingestExecutor,
                                     executor: executor)
        return try await app.test(.router) { client in
            try await test(server, client)
        }
    }
}

// MARK: - Requests and responses

extension TestClientProtocol {
    /// Sends one request; `body` nil sends none.
    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil) async throws -> TestResponse {
        try await executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(.get, uri, headers: headers)
    }

    func put(_ uri: String, _ bytes: [UInt8], headers: HTTPFields = [:]) async throws -> TestResponse {
        try await send(.put, uri, headers: headers, body: bytes)
    }
}

extension TestResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Decodes the JSON body (dates as ISO 8601, as the exporter writes them).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(bytes))
    }

    /// The `error` member of a JSON error body, or "" when there is none.
    var errorMessage: String {
        ((try? decode([String: String].self)) ?? [:])["error"] ?? ""
    }
}

// MARK: - Fixtures

/// Real archives made with `/usr/bin/tar`, and other upload bodies.
enum Fixtures {
    struct ToolFailure: Error, CustomStringConvertible {
        let description: String
    }


    /// An archive of `files` made by `tar <flags> out -C dir .` (`-czf` gzip, `-cJf` xz, `-cjf` bzip2).
    static func archive(flags: String, files: [String: [UInt8]]) throws -> [UInt8] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("artifactfs-fixture-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        for (name, bytes) in files {
            try Data(bytes).write(to: source.appendingPathComponent(name))
        }
        let output = root.appendingPathComponent("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        process.arguments = [flags, output.path, "-C", source.path, "."]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw ToolFailure(description: "tar \(flags) exited with \(process.terminationStatus)")
        }
        return try [UInt8](Data(contentsOf: output))
    }

    /// A gzip-compressed tarball; different seeds give different bytes.
    static func tarGz(seed: UInt64 = 1) throws -> [UInt8] {
        try archive(flags: "-czf", files: payload(seed: seed))
    }

    /// An xz-compressed tarball.
    static func tarXz(seed: UInt64 = 1) throws -> [UInt8] {
        try archive(flags: "-cJf", files: payload(seed: seed))
    }

    /// The first half of a real .tar.gz.
    static func truncatedTarGz(seed: UInt64 = 1) throws -> [UInt8] {
        let whole = try tarGz(seed: seed)
        return Array(whole.prefix(whole.count / 2))
    }

    static let text = Array("this is a plain text file, not an archive\n".utf8)

    private static func payload(seed: UInt64) -> [String: [UInt8]] {
        ["data.bin": CoreTesting.Fixtures.noise(count: 64 << 10, seed: seed), "README": Array("fixture \(seed)\n".utf8)]
    }

    /// A multipart/form-data body; a part with a filename is a file part.
    static func multipart(boundary: String, parts: [(name: String, filename: String?, bytes: [UInt8])]) -> [UInt8] {
        var body: [UInt8] = []
        for part in parts {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename {
                head += "; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream"
            }
            head += "\r\n\r\n"
            body += Array(head.utf8) + part.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return body
    }
}

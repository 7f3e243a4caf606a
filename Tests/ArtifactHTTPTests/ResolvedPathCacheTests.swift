// The resolution cache: answers until a catalogue write finishes (ingest, publish, delete), then resolves afresh.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct ResolvedPathCacheTests {
    static let sums = ["tar", "r1", "SHA256SUMS"]
    static let second = ["tar", "r1", "second-1.0.tar.gz"]

    /// Resolves `paths` as the file server does (tag read first), stores them, and returns what they resolved to.
    static func fill(_ cache: ResolvedPathCache, _ server: TestServer, _ paths: [[String]]) async throws -> [ResolvedPath] {
        let tree = server.repositories.tree
        return try await TestServer.executor.run {
            try paths.map { path in
                let tag = cache.tag()
                let resolved = try ResolvedPath.resolve(path, in: tree)
                cache.store(resolved, for: path, tag: tag)
                return resolved
            }
        }
    }

    /// Ingests `bytes` as `name` into tar/r1 without waiting for the publish it schedules.
    static func ingest(_ server: TestServer, _ bytes: [UInt8], as name: String) async throws -> IngestOutcome {
        let repositories = server.repositories
        return try await TestServer.executor.run {
            let target = try repositories.dropTarget(.tar, RepositoryName("r1"), directory: [], create: false)
            return try repositories.ingest(CoreTesting.Fixtures.stage(bytes, in: repositories.spool), into: target, filename: name)
        }
    }

    // Goal: found and not-found resolutions are served from the cache across reads, and each write ends them.
    @Test func missesAfterEveryWriteAndHitsOtherwise() async throws {
        try await TestServer.run { server, client in
            #expect(try await client.put(HTTPExporterTests.file, Fixtures.tarGz(seed: 21)).status == .created)
            let cache = ResolvedPathCache(metadata: server.repositories.metadata)
            let before = try await Self.fill(cache, server, [Self.sums, Self.second])
            #expect(before[0].entry?.name == "SHA256SUMS")
            #expect(before[1].entry == nil)
            #expect(try await client.get("/tar/r1/SHA256SUMS").status == .ok)
            #expect(try await client.get("/tar/r1/").status == .ok)
            #expect(cache.lookup(Self.sums) == before[0], "reads must not end cached resolutions")
            #expect(cache.lookup(Self.second) == before[1], "not-found is cached too")

            let outcome = try await Self.ingest(server, try Fixtures.tarGz(seed: 22), as: "second-1.0.tar.gz")
            #expect(cache.lookup(Self.second) == nil, "an ingest must end cached resolutions")
            #expect(cache.lookup(Self.sums) == nil)
            let repositoryID = outcome.package.repositoryID
            #expect(await server.repositories.publisher.waitUntilPublished(repositoryID, ticket: outcome.publishTicket))
            let afterIngest = try await Self.fill(cache, server, [Self.sums, Self.second])
            #expect(afterIngest[1].entry?.id == outcome.package.id)
            #expect(cache.lookup(Self.second) == afterIngest[1])

            let repositories = server.repositories
            try await TestServer.executor.run { try repositories.publishNow(repositoryID: repositoryID) }
            #expect(cache.lookup(Self.sums) == nil, "a publish must end cached resolutions")
            _ = try await Self.fill(cache, server, [Self.sums, Self.second])

            #expect(try await client.send(.delete, "/tar/r1/second-1.0.tar.gz").status == .ok)
            #expect(cache.lookup(Self.second) == nil, "a delete must end cached resolutions")
            let afterDelete = try await Self.fill(cache, server, [Self.second])
            #expect(afterDelete[0].entry == nil)
        }
    }

    // Goal: a resolution that started before a write is not served after the write, even when stored after it.
    @Test func resolutionOverlappingAWriteIsNeverServed() async throws {
        try await TestServer.run { server, client in
            #expect(try await client.put(HTTPExporterTests.file, Fixtures.tarGz(seed: 23)).status == .created)
            let cache = ResolvedPathCache(metadata: server.repositories.metadata)
            let tree = server.repositories.tree
            let tag = cache.tag()
            let stale = try await TestServer.executor.run { try ResolvedPath.resolve(Self.second, in: tree) }
            #expect(stale.entry == nil)
            _ = try await Self.ingest(server, try Fixtures.tarGz(seed: 24), as: "second-1.0.tar.gz")
            cache.store(stale, for: Self.second, tag: tag)
            #expect(cache.lookup(Self.second) == nil)
        }
    }

    // Goal: through HTTP, a page read before a write shows the write right after it (the exporter's own cache).
    @Test func servedTreeFollowsWrites() async throws {
        try await TestServer.run { _, client in
            #expect(try await client.put(HTTPExporterTests.file, Fixtures.tarGz(seed: 25)).status == .created)
            #expect(try await client.get("/tar/r1/second-1.0.tar.gz").status == .notFound)
            #expect(try await !client.get("/tar/r1/SHA256SUMS").text.contains("second-1.0.tar.gz"))
            let second = try Fixtures.tarGz(seed: 26)
            #expect(try await client.put("/tar/r1/second-1.0.tar.gz", second).status == .created)
            #expect(try await client.get("/tar/r1/second-1.0.tar.gz").bytes == second)
            #expect(try await client.get("/tar/r1/SHA256SUMS").text.contains("second-1.0.tar.gz"))
            #expect(try await client.send(.delete, "/tar/r1/second-1.0.tar.gz").status == .ok)
            #expect(try await client.get("/tar/r1/second-1.0.tar.gz").status == .notFound)
            #expect(try await !client.get("/tar/r1/SHA256SUMS").text.contains("second-1.0.tar.gz"))
        }
    }

    // Goal: a generated directory resolves with its index files, and is served as the negotiated one.
    @Test func simpleIndexDirectoryResolvesItsIndexFiles() async throws {
        try await TestServer.run { server, client in
            #expect(try await client.put(HTTPExporterTests.file, Fixtures.tarGz(seed: 27)).status == .created)
            let html = Array("<a href=\"x\">x</a>\n".utf8)
            let repositories = server.repositories
            let repository = try #require(try await TestServer.executor.run { try repositories.tree.resolve(["tar", "r1"]) })
            try await TestServer.executor.run {
                let digest = try server.blobs.put(html)
                _ = try repositories.metadata.publish(
                    repositoryID: repository.id, files: [GeneratedFileSpec(path: ["simple", "x", "index.html"], digest: digest, size: Int64(html.count))],
                    at: Date(), keepGenerations: 2)
            }
            let resolved = try await TestServer.executor.run { try ResolvedPath.resolve(["tar", "r1", "simple", "x"], in: repositories.tree) }
            #expect(resolved.indexFiles.keys.sorted() == ["index.html"])
            let page = try await client.get("/tar/r1/simple/x/")
            #expect(page.status == .ok)
            #expect(page.bytes == html)
            #expect(page.headers[.vary] == "Accept")
            #expect(try await client.get("/tar/r1/simple/x/", headers: [.accept: "image/png"]).status == .notAcceptable)
        }
    }

    // Goal: the table holds at most entryCountMax paths and keeps the newest.
    @Test func boundedInPaths() throws {
        let cache = ResolvedPathCache(metadata: try SQLiteMetadataStore(), entryCountMax: 3, keyBytesMax: 16)
        let tag = cache.tag()
        for name in ["a", "b", "c", "d"] { cache.store(ResolvedPath(entry: nil, indexFiles: [:]), for: [name], tag: tag) }
        #expect(cache.count <= 3)
        #expect(cache.lookup(["d"]) != nil)
        cache.store(ResolvedPath(entry: nil, indexFiles: [:]), for: [String(repeating: "x", count: 17)], tag: tag)
        #expect(cache.lookup([String(repeating: "x", count: 17)]) == nil)
    }
}

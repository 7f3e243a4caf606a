// The small-blob cache: bounded in bytes and entries, second chance for used blobs, and only verified bytes get in.
@testable import ArtifactHTTP
import Core
import CoreTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct SmallBlobCacheTests {
    static func blob(_ byte: UInt8, _ count: Int) -> (SHA256Digest, ByteBuffer) {
        let bytes = [UInt8](repeating: byte, count: count)
        return (SHA256Digest(of: bytes), ByteBuffer(bytes: bytes))
    }

    // Goal: blobs over the entry limit are not kept, the total stays under its limit, and a used blob outlives an unused one.
    @Test func respectsItsBounds() {
        let cache = SmallBlobCache(entryBytesMax: 100, totalBytesMax: 250)
        let (big, bigBytes) = Self.blob(0, 101)
        cache.insert(bigBytes, for: big)
        #expect(cache.bytes(of: big) == nil)
        let (a, aBytes) = Self.blob(1, 100), (b, bBytes) = Self.blob(2, 100), (c, cBytes) = Self.blob(3, 100)
        cache.insert(aBytes, for: a)
        cache.insert(bBytes, for: b)
        #expect(cache.bytes(of: a) == aBytes)
        cache.insert(cBytes, for: c)
        #expect(cache.usage.bytes <= 250)
        #expect(cache.usage.count == 2)
        #expect(cache.bytes(of: a) == aBytes, "a was used since the hand passed: it gets a second chance")
        #expect(cache.bytes(of: b) == nil)
        #expect(cache.bytes(of: c) == cBytes)
        for byte in UInt8(10)..<UInt8(40) {
            let (digest, bytes) = Self.blob(byte, 60)
            cache.insert(bytes, for: digest)
            #expect(cache.usage.bytes <= 250)
        }
    }

    // Goal: bytes that do not hash to the digest are refused when read for the cache.
    @Test func readVerifiedRefusesCorruptBytes() throws {
        let blobs = InMemoryBlobStore()
        let tree = RepositoryTree(metadata: try SQLiteMetadataStore(), blobs: blobs)
        let good = Array("good bytes\n".utf8)
        let digest = try blobs.put(good)
        let entry = TreeEntry(id: 99, parentID: 1, name: "f", kind: .package, repositoryID: 1, size: Int64(good.count),
                              digest: digest, modified: Date())
        #expect(try SmallBlobCache.readVerified(entry, from: tree) == ByteBuffer(bytes: good))
        blobs.corrupt(digest, with: Array("evil bytes\n".utf8))
        #expect(throws: BlobStoreError.self) { try SmallBlobCache.readVerified(entry, from: tree) }
    }

    // Goal: a package whose blob is corrupt before its first read fails the request, and the bad bytes are not kept.
    @Test func corruptBlobFailsAndIsNotCached() async throws {
        let tarball = try Fixtures.tarGz(seed: 31)
        let digest = SHA256Digest(of: tarball)
        try await TestServer.run { server, client in
            #expect(try await client.put(HTTPExporterTests.file, tarball).status == .created)
            var evil = tarball
            evil[evil.count / 2] ^= 0xFF
            server.blobs.corrupt(digest, with: evil)
            let failed = try await client.get(HTTPExporterTests.file)
            #expect(failed.status == .internalServerError)
            #expect(failed.bytes != evil)
            #expect(try await client.get(HTTPExporterTests.file, headers: [.range: "bytes=0-9"]).status == .internalServerError)
            server.blobs.corrupt(digest, with: tarball)
            let repaired = try await client.get(HTTPExporterTests.file)
            #expect(repaired.status == .ok)
            #expect(repaired.bytes == tarball)
        }
    }

    // Goal: files over the cache's entry limit stream from the blob store, whole and by Range.
    @Test func largeFilesStream() async throws {
        let payload = ["big.bin": CoreTesting.Fixtures.noise(count: (1 << 20) + (300 << 10), seed: 32)]
        let tarball = try Fixtures.archive(flags: "-czf", files: payload)
        #expect(tarball.count > 1 << 20)
        try await TestServer.run { _, client in
            #expect(try await client.put("/tar/r1/big-1.0.tar.gz", tarball).status == .created)
            let whole = try await client.get("/tar/r1/big-1.0.tar.gz")
            #expect(whole.status == .ok)
            #expect(whole.bytes == tarball)
            let start = tarball.count - 1000
            let tail = try await client.get("/tar/r1/big-1.0.tar.gz", headers: [.range: "bytes=\(start)-"])
            #expect(tail.status == .partialContent)
            #expect(tail.bytes == Array(tarball[start...]))
        }
    }
}

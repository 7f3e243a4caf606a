// One conformance suite for every BlobStore implementation: local directory, in-memory, and S3 on a real gateway.
import Core
import CoreTesting
import Foundation
import Testing

/// A store under test plus a way to damage one blob behind its back.
struct BlobStoreSubject: CustomTestStringConvertible, Sendable {
    let name: String
    let make: @Sendable (ScratchDirectory) throws -> (any BlobStore, @Sendable (SHA256Digest) throws -> Void)
    var testDescription: String { name }

    static let all: [BlobStoreSubject] = [
        BlobStoreSubject(name: "LocalBlobStore") { scratch in
            let store = try LocalBlobStore(root: scratch.file("blobs"))
            return (store, { digest in
                let path = store.path(for: digest)
                var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                bytes[0] ^= 0xFF
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            })
        },
        BlobStoreSubject(name: "InMemoryBlobStore") { _ in
            let store = InMemoryBlobStore()
            return (store, { digest in
                var bytes = try store.bytes(of: digest)
                bytes[0] ^= 0xFF
                store.corrupt(digest, with: bytes)
            })
        },
        BlobStoreSubject(name: "S3BlobStore") { scratch in
            let lease = GatewayLease()
            let store = try S3Fixture.store(scratch, prefix: "conformance")
            return (SharedGatewayStore(store, lease: lease), { digest in try S3Fixture.damage(store, digest) })
        },
    ]
}

@Suite struct BlobStoreConformanceTests {
    // Goal: put returns the content address, and the bytes come back identical.
    @Test(arguments: BlobStoreSubject.all)
    func putAndRead(subject: BlobStoreSubject) async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let (store, _) = try subject.make(scratch)
            let bytes = Array("some index file\n".utf8)
            let digest = try store.put(bytes)
            #expect(digest == SHA256Digest(of: bytes))
            #expect(try store.contains(digest))
            #expect(try store.bytes(of: digest) == bytes)
            #expect(try store.put(bytes) == digest)
            #expect(try store.allDigests() == [digest])
        }
    }

    // Goal: a staged file is stored under the digest of its bytes; ranged reads return the right slice.
    @Test(arguments: BlobStoreSubject.all)
    func adoptStagedFile(subject: BlobStoreSubject) async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let (store, _) = try subject.make(scratch)
            let spool = try Spool(directory: scratch.file("spool"))
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let staged = try Fixtures.stage(bytes, in: spool)
            let digests = try store.adopt(staged)
            staged.discard()
            #expect(digests.sha256 == SHA256Digest(of: bytes))
            #expect(digests.size == Int64(bytes.count))
            let reader = try store.open(digests.sha256)
            defer { reader.close() }
            #expect(reader.size == Int64(bytes.count))
            #expect(try reader.read(at: 1000, count: 10) == Array(bytes[1000..<1010]))
            #expect(try reader.read(at: Int64(bytes.count) - 5, count: 100) == Array(bytes.suffix(5)))
        }
    }

    // Goal: a blob whose bytes changed on the backend fails a front-to-back read instead of serving them.
    @Test(arguments: BlobStoreSubject.all)
    func detectsCorruptionOnRead(subject: BlobStoreSubject) async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let (store, damage) = try subject.make(scratch)
            let digest = try store.put(Array(repeating: 7, count: 4096))
            try damage(digest)
            #expect(throws: BlobStoreError.self) { try store.bytes(of: digest) }
        }
    }

    // Goal: missing blobs are reported as notFound, and deleting is idempotent.
    @Test(arguments: BlobStoreSubject.all)
    func missingAndDelete(subject: BlobStoreSubject) async throws {
        try await offCooperativePool {
            let scratch = ScratchDirectory()
            let (store, _) = try subject.make(scratch)
            let digest = try store.put([1, 2, 3])
            try store.delete(digest)
            try store.delete(digest)
            #expect(try !store.contains(digest))
            #expect(throws: BlobStoreError.notFound(digest)) { try store.open(digest) }
            #expect(try store.allDigests().isEmpty)
        }
    }

    // Goal: the local store lays blobs out as docs/BLOB_LAYOUT.md says and survives a reopen.
    @Test func localLayout() throws {
        let scratch = ScratchDirectory()
        let store = try LocalBlobStore(root: scratch.file("blobs"))
        let digest = try store.put(Array("x".utf8))
        let hex = digest.hex
        #expect(store.path(for: digest) == scratch.file("blobs") + "/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)")
        #expect(FileManager.default.fileExists(atPath: store.path(for: digest)))
        let reopened = try LocalBlobStore(root: scratch.file("blobs"))
        #expect(try reopened.bytes(of: digest) == Array("x".utf8))
    }
}

@Suite struct StagedFileTests {
    // Goal: out-of-order writes (as FUSE may deliver them) still give the digest of the bytes on disk.
    @Test func outOfOrderWritesAreRehashed() throws {
        let scratch = ScratchDirectory()
        let spool = try Spool(directory: scratch.file("spool"))
        let staged = try spool.create(digestKinds: .apt)
        let second = Array("world".utf8), first = Array("hello ".utf8)
        try second.withUnsafeBytes { try staged.write($0, at: 6) }
        try first.withUnsafeBytes { try staged.write($0, at: 0) }
        let digests = try staged.finish()
        #expect(digests.sha256 == SHA256Digest(of: Array("hello world".utf8)))
        #expect(digests.md5 == "5eb63bbbe01eeed093cb22bb8f5acdc3")
        #expect(digests.sha1 == "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")
        #expect(digests.sha512?.count == 128)
        staged.discard()
        #expect(!FileManager.default.fileExists(atPath: staged.path))
    }

    // Goal: the spool bound turns into outOfSpace, not a half-written file.
    @Test func spoolLimit() throws {
        let scratch = ScratchDirectory()
        let spool = try Spool(directory: scratch.file("spool"), bytesMax: 10)
        let staged = try spool.create()
        #expect(throws: ArtifactError.self) { try Fixtures.stage(Array(repeating: 1, count: 11), in: spool).discard() }
        try Array(repeating: UInt8(1), count: 10).withUnsafeBytes { try staged.append($0) }
        staged.discard()
        #expect(spool.stagedBytes == 0)
    }

    // Goal: files left in the spool by a crashed process are removed at start.
    @Test func spoolIsCleanedAtStart() throws {
        let scratch = ScratchDirectory()
        let spool = try Spool(directory: scratch.file("spool"))
        let leftover = try Fixtures.stage([1, 2, 3], in: spool)
        _ = try Spool(directory: scratch.file("spool"))
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
    }
}

// Early uploads: a large spool file's parts reach the bucket while it is written; any disorder falls back cleanly.
@testable import Core
import CoreTesting
import Foundation
import Testing

@Suite struct S3EarlyUploadTests {
    /// Writes `bytes` to a new spool file in 1 MiB appends, calling `midway` after `midwayBytes` bytes.
    private func write(_ bytes: [UInt8], to spool: Spool, midwayBytes: Int = .max, midway: (StagedFile) throws -> Void = { _ in })
        throws -> StagedFile {
        let staged = try spool.create()
        var offset = 0, calledMidway = false
        while offset < bytes.count {
            let end = min(bytes.count, offset + (1 << 20))
            try bytes[offset..<end].withUnsafeBytes { try staged.append($0) }
            offset = end
            if offset >= midwayBytes && !calledMidway {
                calledMidway = true
                try midway(staged)
            }
        }
        return staged
    }

    /// RFC 3986's unreserved characters: SigV4 wants every other byte of a query value percent-encoded.
    private let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Parts S3 holds for the one multipart upload under `incoming/` (ListParts), or nil when there is none.
    private func incomingParts(_ store: S3BlobStore) throws -> Int? {
        guard let upload = try store.incompleteUploads().first(where: { $0.uploadId != nil }) else { return nil }
        let listing = try S3Fixture.curl(store.location, "GET", key: upload.key,
                                         query: "?uploadId=\(upload.uploadId!.addingPercentEncoding(withAllowedCharacters: unreserved)!)")
        return S3XMLDocument(listing)?.values("ListPartsResult/Part/PartNumber").count
    }

    // Goal: once a file being written passes the threshold, its full parts are in the bucket before the file is
    // finished; adopt then completes the upload, S3 copies it to the blob key, and no temporary object or upload
    // is left.
    @Test func partsAreSentWhileTheFileIsWritten() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let spool = try Spool(directory: scratch.file("spool"), earlyUploads: store)
            let bytes = Fixtures.noise(count: 23 << 20 + 777, seed: 11)
            let staged = try write(bytes, to: spool, midwayBytes: 16 << 20) { _ in
                // 16 MiB written, 5 MiB parts: parts 1-3 are ready and must arrive without any further write.
                let arrived = try Fixtures.eventually(within: 20) { try incomingParts(store) == 3 }
                #expect(arrived)
            }
            let digests = try store.adopt(staged)
            staged.discard()
            #expect(digests.sha256 == SHA256Digest(of: bytes))
            #expect(try store.bytes(of: digests.sha256) == bytes)
            #expect(try store.incompleteUploads().isEmpty)
            #expect(try store.allDigests() == [digests.sha256])
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: a write out of order cancels the early upload (its parts are aborted) and adopt uploads the file as it
    // is on disk: the stored blob is the final bytes, not the sent prefix.
    @Test func outOfOrderWriteFallsBack() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let spool = try Spool(directory: scratch.file("spool"), earlyUploads: store)
            var bytes = Fixtures.noise(count: 14 << 20, seed: 12)
            let staged = try write(bytes, to: spool, midwayBytes: 11 << 20) { staged in
                let arrived = try Fixtures.eventually(within: 20) { try incomingParts(store) == 2 }
                #expect(arrived)
                try [UInt8](repeating: 0xAB, count: 10).withUnsafeBytes { try staged.write($0, at: 100) }
            }
            bytes.replaceSubrange(100..<110, with: [UInt8](repeating: 0xAB, count: 10))
            #expect(try Fixtures.eventually(within: 20) { try store.incompleteUploads().isEmpty })
            let digests = try store.adopt(staged)
            staged.discard()
            #expect(digests.sha256 == SHA256Digest(of: bytes))
            #expect(try store.bytes(of: digests.sha256) == bytes)
            #expect(try store.incompleteUploads().isEmpty)
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: a file discarded without being adopted (a rejected upload) leaves no parts behind; nor does a shrinking
    // truncate of a file still being written.
    @Test(arguments: ["discard", "truncate"])
    func abandonedFileLeavesNothing(how: String) async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch)
            let spool = try Spool(directory: scratch.file("spool"), earlyUploads: store)
            let staged = try write(Fixtures.noise(count: 12 << 20, seed: 13), to: spool)
            #expect(try Fixtures.eventually(within: 20) { try incomingParts(store) == 2 })
            if how == "discard" { staged.discard() } else { try staged.truncate(to: 1 << 20) }
            #expect(try Fixtures.eventually(within: 20) { try store.incompleteUploads().isEmpty })
            #expect(try store.allDigests().isEmpty)
            staged.discard()
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: a file that grows past the early-upload limit (S3's single-copy limit) drops its early upload and is
    // uploaded once finished, with identical bytes; re-adopting the same bytes finds the blob and leaves nothing.
    @Test func fileAboveTheEarlyLimitIsUploadedAfterwards() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            var configuration = S3Fixture.configuration
            configuration.earlyUploadMaxBytes = 11 << 20
            let store = try S3Fixture.store(scratch, configuration: configuration)
            let spool = try Spool(directory: scratch.file("spool"), earlyUploads: store)
            let bytes = Fixtures.noise(count: 13 << 20 + 5, seed: 14)
            let staged = try write(bytes, to: spool, midwayBytes: 11 << 20) { _ in
                let arrived = try Fixtures.eventually(within: 20) { try incomingParts(store) == 2 }
                #expect(arrived)
            }
            #expect(try Fixtures.eventually(within: 20) { try store.incompleteUploads().isEmpty })
            let digests = try store.adopt(staged)
            staged.discard()
            #expect(try store.bytes(of: digests.sha256) == bytes)
            let again = try write(bytes, to: spool)
            #expect(try store.adopt(again) == digests)
            again.discard()
            #expect(try Fixtures.eventually(within: 20) { try store.incompleteUploads().isEmpty })
            #expect(try store.allDigests() == [digests.sha256])
            withExtendedLifetime(lease) {}
        }
    }

    // Goal: a temporary object left under `incoming/` (a crash between the copy and its delete) is reported as an
    // unfinished upload, not as a blob, and removing it deletes the object.
    @Test func leftoverTemporaryObjectIsFound() async throws {
        try await offCooperativePool {
            let lease = GatewayLease()
            let scratch = ScratchDirectory()
            let store = try S3Fixture.store(scratch, prefix: "p")
            try S3Fixture.curl(store.location, "PUT", key: "p/incoming/left-over", body: [1, 2, 3])
            let leftovers = try store.incompleteUploads()
            #expect(leftovers == [IncompleteUpload(key: "p/incoming/left-over", uploadId: nil)])
            #expect(try store.allDigests().isEmpty)
            try store.abort(leftovers[0])
            #expect(try store.incompleteUploads().isEmpty)
            withExtendedLifetime(lease) {}
        }
    }
}

// Random-access reads of one S3 object, served from the read cache's chunks; verifies front-to-back reads.
import Foundation
import Synchronization

/// Reads fill the whole buffer (up to the end of the blob), crossing chunk boundaries as needed: FUSE takes a
/// short read for the end of the file. Each chunk costs at most one ranged GET, shared by all readers.
final class S3BlobReader: BlobReader {
    let size: Int64
    private let store: S3BlobStore
    private let digest: SHA256Digest
    private let verifier: SequentialVerifier
    private let closed = Atomic<Bool>(false)

    init(store: S3BlobStore, digest: SHA256Digest, size: Int64) {
        self.store = store
        self.digest = digest
        self.size = size
        verifier = SequentialVerifier(expected: digest, size: size)
    }

    private var chunkBytes: Int64 { Int64(store.configuration.readChunkBytes) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard !closed.load(ordering: .relaxed) else { throw BlobStoreError.backend("S3 blob \(digest): read after close") }
        var filled = 0
        while filled < buffer.count, offset + Int64(filled) < size {
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])
            filled += try readWithinChunk(into: target, at: offset + Int64(filled))
        }
        do {
            try verifier.observe(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]), at: offset)
        } catch {
            // The cached chunks may be what is damaged: drop them so another read fetches from S3 again.
            store.cache.forget(digest, chunks: 0..<((size + chunkBytes - 1) / chunkBytes))
            throw error
        }
        return filled
    }

    func close() { closed.store(true, ordering: .relaxed) }

    /// Reads from the chunk holding `offset`, up to the chunk's end; fetches the chunk when it is not cached.
    private func readWithinChunk(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        let index = offset / chunkBytes, start = index * chunkBytes
        let length = min(chunkBytes, size - start)
        let fd = try store.cache.open(ChunkID(digest: digest, index: index), bytes: length) { fd in
            try fetch(start, length, into: fd)
        }
        defer { Foundation.close(fd) }
        let wanted = Int(min(Int64(buffer.count), start + length - offset))
        var done = 0
        while done < wanted {
            let n = pread(fd, buffer.baseAddress! + done, wanted - done, off_t(offset - start) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BlobStoreError.backend("S3 read cache: chunk \(index) of \(digest) is shorter than expected") }
            done += n
        }
        return done
    }

    /// One ranged GET of `length` bytes from `start` into `fd`.
    private func fetch(_ start: Int64, _ length: Int64, into fd: Int32) throws {
        let key = store.key(for: digest)
        let request = S3Request(method: "GET", key: key, headers: ["Range: bytes=\(start)-\(start + length - 1)"],
                                sink: .file(fd: fd, limitBytes: length))
        let response = try store.client.send(request)
        if response.status == 404 { throw BlobStoreError.notFound(digest) }
        // 200 means the server sent the whole object; acceptable only when that is exactly the range asked for.
        guard response.status == 206 || (response.status == 200 && start == 0 && length == size) else {
            throw BlobStoreError.backend("S3 \(store.client.describe(request)): \(S3Client.summary(response))")
        }
        guard response.fileBytes == length else {
            throw BlobStoreError.backend("S3 \(store.client.describe(request)): got \(response.fileBytes) of \(length) bytes")
        }
    }
}

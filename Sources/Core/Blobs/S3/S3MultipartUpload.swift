// A multipart upload of one file: parts sent in parallel from the file, aborted on any failure.
import Crypto
import Foundation
import Synchronization

/// Uploads `size` bytes of `fd` to `key` in parts, at most `partsInFlightMax` at a time, each on its own thread
/// and connection. Each part is hashed before it is sent and its SHA-256 is its `x-amz-content-sha256`, so S3
/// verifies every part. Parts are streamed from the file rather than held in memory: an adopt costs a hashing
/// buffer per thread whatever the file and part sizes.
struct S3MultipartUpload: Sendable {
    let client: S3Client
    let key: String
    let fd: Int32
    let size: Int64
    let partSize: Int64
    let partsInFlightMax: Int

    /// S3 allows at most this many parts per upload.
    static let partCountMax: Int64 = 10_000

    init(client: S3Client, key: String, fd: Int32, size: Int64, configuration: S3BlobStore.Configuration) {
        self.client = client
        self.key = key
        self.fd = fd
        self.size = size
        // Raise the part size (in whole MiB) when the configured one would need more parts than S3 allows.
        let mebibyte: Int64 = 1 << 20
        let needed = (size + Self.partCountMax - 1) / Self.partCountMax
        partSize = max(Int64(configuration.partSizeBytes), (needed + mebibyte - 1) / mebibyte * mebibyte)
        partsInFlightMax = configuration.partsInFlightMax
    }

    var partCount: Int { Int(max(1, (size + partSize - 1) / partSize)) }

    /// Initiates, uploads every part, completes, then checks the stored size. On any failure after initiating,
    /// the upload is aborted so no parts are left behind (unless S3 is unreachable for the abort too).
    func run() throws(BlobStoreError) {
        let uploadId = try initiate()
        do throws(BlobStoreError) {
            let etags = try uploadParts(uploadId)
            try complete(uploadId, etags: etags)
        } catch {
            abort(uploadId)
            throw error
        }
        try checkStoredSize()
    }

    private func initiate() throws(BlobStoreError) -> String {
        let request = S3Request(method: "POST", key: key, query: [("uploads", "")])
        let response = try client.send(request, expecting: [200])
        guard let id = S3XMLDocument(response.body)?.value("InitiateMultipartUploadResult/UploadId"), !id.isEmpty else {
            throw .backend("S3 \(client.describe(request)): no UploadId in the answer")
        }
        return id
    }

    private func uploadParts(_ uploadId: String) throws(BlobStoreError) -> [Int: String] {
        let queue = PartQueue(count: partCount)
        let group = DispatchGroup()
        for _ in 1..<min(partsInFlightMax, partCount) {
            group.enter()
            Thread { self.work(queue, uploadId); group.leave() }.start()
        }
        work(queue, uploadId)
        group.wait()
        return try queue.result()
    }

    /// One thread's loop: takes parts until none are left or any part failed.
    private func work(_ queue: PartQueue, _ uploadId: String) {
        while let part = queue.next() {
            do throws(BlobStoreError) { queue.finished(part, etag: try uploadPart(part, uploadId)) } catch { queue.failed(error) }
        }
    }

    private func uploadPart(_ part: Int, _ uploadId: String) throws(BlobStoreError) -> String {
        let offset = Int64(part - 1) * partSize, length = min(partSize, size - offset)
        let request = S3Request(method: "PUT", key: key, query: [("partNumber", "\(part)"), ("uploadId", uploadId)],
                                body: .file(fd: fd, offset: offset, length: length), payloadHash: try hash(offset, length))
        let response = try client.send(request, expecting: [200])
        guard let etag = response.headers["etag"] else { throw .backend("S3 \(client.describe(request)): no ETag in the answer") }
        return etag
    }

    private func complete(_ uploadId: String, etags: [Int: String]) throws(BlobStoreError) {
        let parts = (1...partCount).map { "<Part><PartNumber>\($0)</PartNumber><ETag>\(xmlEscaped(etags[$0]!))</ETag></Part>" }
        let body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(parts.joined())</CompleteMultipartUpload>"
        let request = S3Request(method: "POST", key: key, query: [("uploadId", uploadId)],
                                headers: ["Content-Type: application/xml"], body: .bytes(Array(body.utf8)))
        let response = try client.send(request, expecting: [200])
        // S3 may answer 200 and still report a failure in the body (the status is sent before the work is done).
        if let answer = S3XMLDocument(response.body), answer.root == "Error" {
            throw .backend("S3 \(client.describe(request)): \(S3Client.summary(response))")
        }
    }

    /// Best effort: when S3 is down the abort fails too, and a bucket lifecycle rule or fsck must clean up.
    private func abort(_ uploadId: String) {
        _ = try? client.send(S3Request(method: "DELETE", key: key, query: [("uploadId", uploadId)]), expecting: [200, 204, 404])
    }

    /// Multipart ETags are not MD5s, so the size is what can be checked; the parts' bytes were checked by hash.
    private func checkStoredSize() throws(BlobStoreError) {
        let request = S3Request(method: "HEAD", key: key)
        let response = try client.send(request, expecting: [200])
        let stored = response.headers["content-length"].flatMap { Int64($0) }
        guard stored == size else {
            _ = try? client.send(S3Request(method: "DELETE", key: key), expecting: [200, 204, 404])
            throw .backend("S3 \(client.describe(request)): stored \(stored.map(String.init) ?? "?") bytes, uploaded \(size)")
        }
    }

    /// The hex SHA-256 of a range of the file, read in 1 MiB blocks.
    private func hash(_ offset: Int64, _ length: Int64) throws(BlobStoreError) -> String {
        var hasher = Crypto.SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < length {
            let n = pread(fd, buffer.baseAddress, Int(min(Int64(buffer.count), length - done)), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw .backend("S3 multipart upload of \(key): the spool file is shorter than its \(size) bytes or unreadable")
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            done += Int64(n)
        }
        return SHA256Digest(hasher.finalize()).hex
    }
}

/// Hands out part numbers to the upload threads and gathers their ETags or the first failure.
private final class PartQueue: Sendable {
    private struct State {
        var next = 1
        var etags: [Int: String] = [:]
        var failure: BlobStoreError?
    }

    private let count: Int
    private let state = Mutex(State())

    init(count: Int) { self.count = count }

    /// The next part to upload, or nil when all are taken or one failed (no point sending more).
    func next() -> Int? {
        state.withLock { s in
            guard s.failure == nil, s.next <= count else { return nil }
            defer { s.next += 1 }
            return s.next
        }
    }

    func finished(_ part: Int, etag: String) { state.withLock { $0.etags[part] = etag } }

    func failed(_ error: BlobStoreError) { state.withLock { if $0.failure == nil { $0.failure = error } } }

    func result() throws(BlobStoreError) -> [Int: String] {
        try state.withLock { (s: inout State) throws(BlobStoreError) -> [Int: String] in
            if let failure = s.failure { throw failure }
            return s.etags
        }
    }
}

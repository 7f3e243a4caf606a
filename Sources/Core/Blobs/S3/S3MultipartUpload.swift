// A multipart upload of one finished file: parts sent in parallel from the file, aborted on any failure.
import Foundation

/// Uploads `size` bytes of `fd` to `key` in parts, at most `partsInFlightMax` at a time, each on its own thread
/// and connection. Parts are streamed from the file rather than held in memory: an upload costs a hashing
/// buffer per thread whatever the file and part sizes.
struct S3MultipartUpload: Sendable {
    let client: S3Client
    let key: String
    let fd: Int32
    let size: Int64
    let layout: S3PartLayout
    let partsInFlightMax: Int

    init(client: S3Client, key: String, fd: Int32, size: Int64, configuration: S3BlobStore.Configuration) {
        self.client = client
        self.key = key
        self.fd = fd
        self.size = size
        layout = S3PartLayout(size: size, partSizeBytes: configuration.partSizeBytes)
        partsInFlightMax = configuration.partsInFlightMax
    }

    /// Initiates, uploads every part and completes. On any failure after initiating, the upload is aborted so no
    /// parts are left behind (unless S3 is unreachable for the abort too).
    func run() throws(BlobStoreError) {
        let session = try S3MultipartSession.initiate(client, key: key)
        do throws(BlobStoreError) {
            let layout = layout, fd = fd
            let pump = S3PartPump(workerCount: min(partsInFlightMax, layout.count)) { part throws(BlobStoreError) in
                let range = layout.range(of: part)
                return try session.uploadPart(part, fd: fd, offset: range.lowerBound, length: range.upperBound - range.lowerBound)
            }
            try session.complete(etags: try pump.finish(total: layout.count))
        } catch {
            session.abort()
            throw error
        }
    }
}

/// How a file of `size` bytes is cut into parts: all of `partSize` bytes but the last.
struct S3PartLayout: Sendable {
    let size: Int64
    let partSize: Int64

    /// S3 allows at most this many parts per upload.
    static let partCountMax: Int64 = 10_000

    /// Raises the part size (in whole MiB) when `partSizeBytes` would need more parts than S3 allows.
    init(size: Int64, partSizeBytes: Int) {
        self.size = size
        let mebibyte: Int64 = 1 << 20
        let needed = (size + Self.partCountMax - 1) / Self.partCountMax
        partSize = max(Int64(partSizeBytes), (needed + mebibyte - 1) / mebibyte * mebibyte)
    }

    var count: Int { Int(max(1, (size + partSize - 1) / partSize)) }

    /// The bytes of part `part` (1-based).
    func range(of part: Int) -> Range<Int64> {
        let start = Int64(part - 1) * partSize
        return start..<min(size, start + partSize)
    }
}

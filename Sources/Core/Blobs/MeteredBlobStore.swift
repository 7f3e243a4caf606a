// A BlobStore decorator that counts bytes written and read and failed calls, for /metrics.
import CoreMetrics
import Metrics

/// Wraps the configured store (Bootstrap does it once); everything else sees an ordinary `BlobStore`, whose
/// requirements (the upload sweep and `mayBeShared` included) it forwards, so nobody needs the concrete store.
public struct MeteredBlobStore: BlobStore {
    private let base: any BlobStore
    private let written = Counter(label: ArtifactMetrics.blobBytesWritten)
    private let read = Counter(label: ArtifactMetrics.blobBytesRead)

    public init(_ base: any BlobStore) { self.base = base }

    public func put(_ bytes: [UInt8]) throws -> SHA256Digest {
        let digest = try counted("put") { try base.put(bytes) }
        written.increment(by: Int64(bytes.count))
        return digest
    }

    public func adopt(_ staged: StagedFile) throws -> FileDigests {
        let digests = try counted("adopt") { try base.adopt(staged) }
        written.increment(by: digests.size)
        return digests
    }

    public func adoptAll(_ staged: [StagedFile]) throws -> [FileDigests] {
        let digests = try counted("adopt") { try base.adoptAll(staged) }
        written.increment(by: digests.reduce(0) { $0 + $1.size })
        return digests
    }

    public func open(_ digest: SHA256Digest) throws -> any BlobReader {
        MeteredBlobReader(base: try counted("open", notFoundIsError: false) { try base.open(digest) }, read: read)
    }

    public var mayBeShared: Bool { base.mayBeShared }
    public func incompleteUploads() throws -> [IncompleteUpload] { try counted("list") { try base.incompleteUploads() } }
    public func abort(_ upload: IncompleteUpload) throws { try counted("delete") { try base.abort(upload) } }

    public func contains(_ digest: SHA256Digest) throws -> Bool { try counted("contains") { try base.contains(digest) } }
    public func delete(_ digest: SHA256Digest) throws { try counted("delete") { try base.delete(digest) } }
    public func allDigests() throws -> [SHA256Digest] { try counted("list") { try base.allDigests() } }

    /// Runs a call, counting a failure under its operation (a missing blob asked for by name is an answer, not
    /// a store failure, when `notFoundIsError` is false).
    private func counted<T>(_ operation: String, notFoundIsError: Bool = true, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            if notFoundIsError || !Self.isNotFound(error) {
                Counter(label: ArtifactMetrics.blobErrors, dimensions: [("operation", operation)]).increment()
            }
            throw error
        }
    }
}

extension MeteredBlobStore {
    static func isNotFound(_ error: any Error) -> Bool {
        if case .notFound = error as? BlobStoreError { return true }
        return false
    }
}

/// Counts the bytes a reader returns (HTTP downloads, FUSE reads, index reads).
struct MeteredBlobReader: BlobReader {
    let base: any BlobReader
    let read: Counter

    var size: Int64 { base.size }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        let count = try base.read(into: buffer, at: offset)
        read.increment(by: Int64(count))
        return count
    }

    func close() { base.close() }
}

// Content-addressed blob storage: packages and generated index files alike, keyed by SHA-256.

/// Failures of a blob store.
public enum BlobStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(SHA256Digest)
    /// The stored bytes do not hash to their key.
    case corrupt(SHA256Digest, actual: SHA256Digest)
    /// The backend failed (disk, network); the message says how.
    case backend(String)

    public var description: String {
        switch self {
        case .notFound(let d): return "blob \(d) not found"
        case .corrupt(let d, let actual): return "blob \(d) is corrupt (content hashes to \(actual))"
        case .backend(let message): return message
        }
    }
}

/// Stores immutable blobs by digest. Every call blocks: call from a dedicated thread, never the cooperative pool.
/// Implementations verify digests on write (a blob is never recorded under a digest its bytes do not have)
/// and on complete sequential reads.
public protocol BlobStore: Sendable {
    /// Stores `bytes` and returns their digest. Storing an existing blob again is a no-op.
    func put(_ bytes: [UInt8]) throws -> SHA256Digest
    /// Stores a finished staged file under its digest; the store may move the spool file instead of copying it.
    func adopt(_ staged: StagedFile) throws -> FileDigests
    /// Adopts many staged files (bulk import); all are durable when it returns. Stores may make that
    /// cheaper than one `adopt` each (the local store syncs the filesystem once instead of twice per file).
    func adoptAll(_ staged: [StagedFile]) throws -> [FileDigests]
    /// Opens a blob for reading; throws `BlobStoreError.notFound` when absent.
    func open(_ digest: SHA256Digest) throws -> any BlobReader
    /// Whether a blob is stored.
    func contains(_ digest: SHA256Digest) throws -> Bool
    /// Removes a blob; removing an absent blob is not an error.
    func delete(_ digest: SHA256Digest) throws
    /// Every stored digest (for fsck and tests).
    func allDigests() throws -> [SHA256Digest]
    /// Whether other servers may write to the same store (an S3 bucket several exporters serve). Then a blob this
    /// catalogue does not name may be another server's upload in progress, and nothing deletes it unasked.
    var mayBeShared: Bool { get }
    /// Writes a stop or a failure left unfinished, which hold space but no blob (S3: multipart uploads and
    /// temporary objects). Stores that write in place have none.
    func incompleteUploads() throws -> [IncompleteUpload]
    /// Removes one of them; one that is gone is not an error.
    func abort(_ upload: IncompleteUpload) throws
}

/// An unfinished write in a blob store: in S3, a multipart upload started and neither completed nor aborted, or
/// (`uploadId` nil) a temporary object under `<prefix>/incoming/` that was never copied to its blob key and deleted.
public struct IncompleteUpload: Sendable, Equatable {
    public let key: String
    public let uploadId: String?

    public init(key: String, uploadId: String?) {
        self.key = key
        self.uploadId = uploadId
    }
}

extension BlobStore {
    /// A directory under the data directory's lock belongs to one process.
    public var mayBeShared: Bool { false }
    public func incompleteUploads() throws -> [IncompleteUpload] { [] }
    public func abort(_ upload: IncompleteUpload) throws {}

    public func adoptAll(_ staged: [StagedFile]) throws -> [FileDigests] {
        try staged.map { try adopt($0) }
    }
}

/// Random-access reads of one blob. A reader that is read sequentially to its end verifies the digest
/// and throws `BlobStoreError.corrupt` from the read that reaches the end.
public protocol BlobReader: Sendable {
    var size: Int64 { get }
    /// Reads up to `buffer.count` bytes at `offset`; returns 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
    /// Releases the underlying resource. Reads after close fail.
    func close()
}

extension BlobReader {
    /// Reads `count` bytes at `offset` (fewer at the end of the blob).
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = try bytes.withUnsafeMutableBytes { raw in
                try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: offset + Int64(filled))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    /// Reads the whole blob (for small generated files and tests).
    public func readAll() throws -> [UInt8] { try read(at: 0, count: Int(size)) }
}

extension BlobStore {
    /// Reads a whole blob into memory and closes it.
    public func bytes(of digest: SHA256Digest) throws -> [UInt8] {
        let reader = try open(digest)
        defer { reader.close() }
        return try reader.readAll()
    }
}

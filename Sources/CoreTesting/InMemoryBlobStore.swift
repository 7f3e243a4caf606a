// A BlobStore in memory, for unit tests of everything above the blob store.
import Core
import Foundation
import Synchronization

/// Keeps blobs in a dictionary. Verifies digests like the real stores; `failWrites` injects backend failures.
public final class InMemoryBlobStore: BlobStore {
    private let blobs = Mutex<[SHA256Digest: [UInt8]]>([:])
    private let failing = Atomic<Bool>(false)
    /// Plays a store other servers may write to (as S3 is).
    public let mayBeShared: Bool

    public init(mayBeShared: Bool = false) { self.mayBeShared = mayBeShared }

    /// While true, every write fails with `BlobStoreError.backend` (to test that nothing half-publishes).
    public var failWrites: Bool {
        get { failing.load(ordering: .relaxed) }
        set { failing.store(newValue, ordering: .relaxed) }
    }

    /// Replaces a stored blob's bytes without changing its key (to test read verification).
    public func corrupt(_ digest: SHA256Digest, with bytes: [UInt8]) {
        blobs.withLock { $0[digest] = bytes }
    }

    public func put(_ bytes: [UInt8]) throws -> SHA256Digest {
        try checkWritable()
        let digest = SHA256Digest(of: bytes)
        blobs.withLock { $0[digest] = bytes }
        return digest
    }

    public func adopt(_ staged: StagedFile) throws -> FileDigests {
        try checkWritable()
        let digests = try staged.finish()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: staged.path)))
        let actual = SHA256Digest(of: bytes)
        guard actual == digests.sha256 else { throw BlobStoreError.corrupt(digests.sha256, actual: actual) }
        blobs.withLock { $0[actual] = bytes }
        return digests
    }

    public func open(_ digest: SHA256Digest) throws -> any BlobReader {
        guard let bytes = blobs.withLock({ $0[digest] }) else { throw BlobStoreError.notFound(digest) }
        return MemoryBlobReader(bytes: bytes, digest: digest)
    }

    public func contains(_ digest: SHA256Digest) throws -> Bool { blobs.withLock { $0[digest] != nil } }

    public func delete(_ digest: SHA256Digest) throws {
        try checkWritable()
        _ = blobs.withLock { $0.removeValue(forKey: digest) }
    }

    public func allDigests() throws -> [SHA256Digest] { blobs.withLock { Array($0.keys) }.sorted() }

    private func checkWritable() throws {
        if failWrites { throw BlobStoreError.backend("injected failure") }
    }
}

/// Reads a blob held in memory; a front-to-back read verifies the digest at the end.
final class MemoryBlobReader: BlobReader {
    let size: Int64
    private let bytes: [UInt8]
    private let digest: SHA256Digest
    private let next = Mutex<Int64>(0)

    init(bytes: [UInt8], digest: SHA256Digest) {
        self.bytes = bytes
        self.digest = digest
        size = Int64(bytes.count)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard offset < size else { return 0 }
        let count = min(buffer.count, Int(size - offset))
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[Int(offset)..<(Int(offset) + count)]))
        }
        let reachedEnd = next.withLock { n -> Bool in
            guard n == offset else { return false }
            n += Int64(count)
            return n == size
        }
        if reachedEnd {
            let actual = SHA256Digest(of: bytes)
            if actual != digest { throw BlobStoreError.corrupt(digest, actual: actual) }
        }
        return count
    }

    func close() {}
}

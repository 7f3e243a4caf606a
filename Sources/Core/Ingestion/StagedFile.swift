// Bytes of one file being written (by FUSE or an HTTP upload), in a private spool file, hashed as they arrive.
import CLinux
import Foundation
import Synchronization

/// A spool file. Sequential writes are hashed as they arrive (on a background queue, so the writer is not
/// held up); any out-of-order write or shrinking truncate makes `finish()` rehash the file from disk, so the
/// digest always matches the bytes on disk.
/// Thread-safe: FUSE may deliver writes for one handle on different threads.
public final class StagedFile: Sendable {
    private struct State: ~Copyable {
        var fd: Int32
        var hasher: BackgroundHasher
        var hashedBytes: Int64 = 0
        var size: Int64 = 0
        var inOrder = true
        var finished: FileDigests?
        /// Bytes already handed to the kernel for writeback (see `startWriteback`).
        var writebackStarted: Int64 = 0
        /// The blob store following the in-order prefix (nil once anything is written out of order).
        var early: (any EarlyUpload)?

        mutating func dropEarlyUpload() {
            early?.cancel()
            early = nil
        }
    }

    /// Unflushed bytes after which writeback starts: the final fsync then only waits for the tail, and the
    /// page cache never holds more than this much of an upload dirty.
    static let writebackStepBytes: Int64 = 8 << 20

    /// Absolute path of the spool file.
    public let path: String
    let digestKinds: DigestKinds
    private let state: Mutex<State>
    private let spool: Spool

    init(path: String, fd: Int32, digestKinds: DigestKinds, spool: Spool, early: (any EarlyUpload)? = nil) {
        self.path = path
        self.digestKinds = digestKinds
        self.spool = spool
        state = Mutex(State(fd: fd, hasher: BackgroundHasher(kinds: digestKinds), early: early))
    }

    /// A staged file dropped without `discard` still cancels the upload following it (its parts and threads).
    deinit {
        state.withLock { s in
            s.dropEarlyUpload()
            if s.fd >= 0 { close(s.fd) }
        }
    }

    /// Current size in bytes.
    public var size: Int64 { state.withLock { $0.size } }

    /// Appends bytes at the end. Throws `ArtifactError.outOfSpace` when the spool limit or disk is full.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(ArtifactError) {
        let offset = size
        try write(bytes, at: offset)
    }

    /// Writes bytes at `offset` (FUSE writes may arrive in any order).
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(ArtifactError) {
        try state.withLock { (s: inout State) throws(ArtifactError) in
            guard s.finished == nil else { throw .badRequest("write after the file was ingested") }
            let grow = max(0, offset + Int64(bytes.count) - s.size)
            try spool.reserve(grow, file: path)
            var done = 0
            while done < bytes.count {
                let n = pwrite(s.fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    let failure = POSIXFailure(op: "write", path: path)
                    spool.release(grow)
                    throw failure.isOutOfSpace ? .outOfSpace("spool: \(failure)") : .storageUnavailable("spool: \(failure)")
                }
                done += n
            }
            if offset == s.hashedBytes && s.inOrder {
                s.hasher.update(bytes)
                s.hashedBytes += Int64(bytes.count)
                s.early?.prefixGrew(to: s.hashedBytes)
            } else {
                s.inOrder = false
                s.dropEarlyUpload()
            }
            s.size = max(s.size, offset + Int64(bytes.count))
            if s.size - s.writebackStarted >= Self.writebackStepBytes && spool.startsWriteback {
                _ = cfs_start_writeback(s.fd, s.writebackStarted, s.size - s.writebackStarted)
                s.writebackStarted = s.size
            }
        }
    }

    /// Sets the size (truncate or extend with zeros).
    public func truncate(to length: Int64) throws(ArtifactError) {
        try state.withLock { (s: inout State) throws(ArtifactError) in
            guard ftruncate(s.fd, off_t(length)) == 0 else {
                throw .storageUnavailable("spool: \(POSIXFailure(op: "truncate", path: path))")
            }
            if length > s.size { try spool.reserve(length - s.size, file: path) } else { spool.release(s.size - length) }
            if length < s.hashedBytes { s.inOrder = false }
            // Parts already sent assumed the old size (the last one may have gone out as the final, short part).
            if length != s.size { s.dropEarlyUpload() }
            s.size = length
            s.finished = nil
        }
    }

    /// Reads back staged bytes (a FUSE read of a file still being written).
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(ArtifactError) -> Int {
        try state.withLock { (s: inout State) throws(ArtifactError) in
            let n = pread(s.fd, buffer.baseAddress, buffer.count, off_t(offset))
            guard n >= 0 else { throw .storageUnavailable("spool: \(POSIXFailure(op: "read", path: path))") }
            return n
        }
    }

    /// The digests of the bytes on disk, rehashing them if writes were not strictly sequential.
    public func finish() throws(ArtifactError) -> FileDigests {
        try state.withLock { (s: inout State) throws(ArtifactError) in
            if let done = s.finished { return done }
            let digests: FileDigests
            if s.inOrder && s.hashedBytes == s.size {
                s.early?.sizeIsFinal(s.size)
                digests = s.hasher.finalize()
            } else {
                do { digests = try MultiHasher.digest(ofFileAt: path, kinds: digestKinds) } catch {
                    throw .storageUnavailable("spool: \(error)")
                }
            }
            s.finished = digests
            return digests
        }
    }

    /// The blob store's early upload of this file, when it followed every byte: the file was written strictly in
    /// order and is finished. Taken once; a later `discard` no longer cancels it.
    public func takeEarlyUpload() -> (any EarlyUpload)? {
        state.withLock { s in
            guard s.finished != nil, s.inOrder, s.hashedBytes == s.size, let early = s.early else { return nil }
            s.early = nil
            return early
        }
    }

    /// Flushes the spool file to disk (before a blob store takes it over by rename).
    public func sync() throws {
        try state.withLock { (s: inout State) throws in
            guard fsync(s.fd) == 0 else { throw POSIXFailure(op: "fsync", path: path) }
        }
    }

    /// Deletes the spool file. Safe to call more than once and after a blob store moved the file away.
    public func discard() {
        state.withLock { s in
            s.dropEarlyUpload()
            if s.fd >= 0 { close(s.fd); s.fd = -1 }
            spool.release(s.size)
            s.size = 0
        }
        unlink(path)
    }
}

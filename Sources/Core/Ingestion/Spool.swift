// The directory under the data dir where incoming bytes wait until they are validated and stored.
import Foundation
import Synchronization

/// Creates `StagedFile`s under one directory and bounds the bytes they hold together.
public final class Spool: Sendable {
    /// The spool directory.
    public let directory: String
    /// Upper bound on staged bytes across all files; nil means "until the disk is full".
    public let bytesMax: Int64?
    /// The blob store that follows large files as they are written (S3), if any.
    let earlyUploads: (any EarlyUploading)?
    private let bytesInUse = Atomic<Int64>(0)

    /// Creates the directory if needed and deletes files left by a previous process (they were never ingested).
    public init(directory: String, bytesMax: Int64? = nil, earlyUploads: (any EarlyUploading)? = nil) throws {
        self.directory = directory
        self.bytesMax = bytesMax
        self.earlyUploads = earlyUploads
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for leftover in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            unlink(directory + "/" + leftover)
        }
    }

    /// Opens a new empty spool file. `followed: false` when its bytes come from the blob store itself (a copy for a
    /// rename or a replacement): uploading them early would send back what is already stored.
    public func create(digestKinds: DigestKinds = [], followed: Bool = true) throws(ArtifactError) -> StagedFile {
        let path = directory + "/" + UUID().uuidString.lowercased()
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let failure = POSIXFailure(op: "create", path: path)
            throw failure.isOutOfSpace ? .outOfSpace("spool: \(failure)") : .storageUnavailable("spool: \(failure)")
        }
        return StagedFile(path: path, fd: fd, digestKinds: digestKinds, spool: self,
                          early: followed ? earlyUploads?.followStagedFile(at: path) : nil)
    }

    /// Whether spool files are pushed to disk as they grow. A local blob store takes spool files over by rename
    /// and syncs them, so early writeback shortens that sync; a store that uploads (S3) only reads them back,
    /// and they are deleted before the kernel would write them at all.
    var startsWriteback: Bool { earlyUploads == nil }

    /// Bytes currently staged.
    public var stagedBytes: Int64 { bytesInUse.load(ordering: .relaxed) }

    func reserve(_ bytes: Int64, file: String) throws(ArtifactError) {
        guard bytes > 0 else { return }
        let total = bytesInUse.add(bytes, ordering: .relaxed).newValue
        if let max = bytesMax, total > max {
            bytesInUse.subtract(bytes, ordering: .relaxed)
            throw .outOfSpace("spool limit of \(max) bytes reached")
        }
    }

    func release(_ bytes: Int64) {
        guard bytes > 0 else { return }
        bytesInUse.subtract(bytes, ordering: .relaxed)
    }
}

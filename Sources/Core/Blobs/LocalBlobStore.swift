// Blobs as files under a directory: `sha256/<aa>/<bb>/<hex>`, written temp → fsync → rename.
import CLinux
import Foundation
import Synchronization

/// The default blob store (layout in docs/BLOB_LAYOUT.md). Crash-safe: a blob file exists under its
/// final name only after its bytes were hashed and flushed to disk.
public final class LocalBlobStore: BlobStore {
    /// The root directory (holds `sha256/` and `tmp/`).
    public let root: String

    /// Creates the layout's directories; temp files left by a crash are removed.
    public init(root: String) throws {
        self.root = root
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/sha256", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: true)
        for leftover in (try? fm.contentsOfDirectory(atPath: root + "/tmp")) ?? [] {
            unlink(root + "/tmp/" + leftover)
        }
    }

    /// The file that holds (or will hold) `digest`. The key function of docs/BLOB_LAYOUT.md.
    public func path(for digest: SHA256Digest) -> String {
        let hex = digest.hex
        return "\(root)/sha256/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
    }

    public func put(_ bytes: [UInt8]) throws -> SHA256Digest {
        let digest = SHA256Digest(of: bytes)
        if try contains(digest) { return digest }
        let temp = try temporaryFile()
        defer { Foundation.close(temp.fd); unlink(temp.path) }
        try bytes.withUnsafeBytes { try writeAll(temp.fd, $0, path: temp.path) }
        try install(temp.fd, from: temp.path, as: digest)
        return digest
    }

    public func adopt(_ staged: StagedFile) throws -> FileDigests {
        let digests = try staged.finish()
        let destination = path(for: digests.sha256)
        if access(destination, F_OK) == 0 { return digests }
        try staged.sync()
        try makeParent(of: destination)
        if rename(staged.path, destination) != 0 {
            guard errno == EXDEV else { throw POSIXFailure(op: "rename", path: destination) }
            try copyVerifying(staged.path, to: digests.sha256)
            return digests
        }
        try syncDirectory(of: destination)
        return digests
    }

    /// Renames every file into place, then one `syncfs` makes all their bytes and directory entries durable
    /// (spool and blobs share a filesystem, or the rename would have failed).
    public func adoptAll(_ staged: [StagedFile]) throws -> [FileDigests] {
        var results: [FileDigests] = []
        results.reserveCapacity(staged.count)
        for file in staged {
            let digests = try file.finish()
            let destination = path(for: digests.sha256)
            if access(destination, F_OK) != 0 {
                try makeParent(of: destination)
                if rename(file.path, destination) != 0 {
                    guard errno == EXDEV else { throw POSIXFailure(op: "rename", path: destination) }
                    try copyVerifying(file.path, to: digests.sha256)
                }
            }
            results.append(digests)
        }
        let fd = Foundation.open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(op: "open", path: root) }
        defer { Foundation.close(fd) }
        guard cfs_syncfs(fd) == 0 else { throw POSIXFailure(op: "syncfs", path: root) }
        return results
    }

    public func open(_ digest: SHA256Digest) throws -> any BlobReader {
        let file = path(for: digest)
        let fd = Foundation.open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw BlobStoreError.notFound(digest) }
            throw POSIXFailure(op: "open", path: file)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else { Foundation.close(fd); throw POSIXFailure(op: "stat", path: file) }
        return LocalBlobReader(fd: fd, path: file, size: Int64(info.st_size), digest: digest)
    }

    public func contains(_ digest: SHA256Digest) throws -> Bool {
        access(path(for: digest), F_OK) == 0
    }

    public func delete(_ digest: SHA256Digest) throws {
        let file = path(for: digest)
        if unlink(file) != 0 && errno != ENOENT { throw POSIXFailure(op: "unlink", path: file) }
    }

    public func allDigests() throws -> [SHA256Digest] {
        guard let walker = FileManager.default.enumerator(atPath: root + "/sha256") else { return [] }
        var found: [SHA256Digest] = []
        while let relative = walker.nextObject() as? String {
            if let digest = SHA256Digest(hex: (relative as NSString).lastPathComponent) { found.append(digest) }
        }
        return found.sorted()
    }

    // MARK: - Writing

    private func temporaryFile() throws -> (fd: Int32, path: String) {
        let temp = "\(root)/tmp/\(UUID().uuidString.lowercased())"
        let fd = Foundation.open(temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXFailure(op: "create", path: temp) }
        return (fd, temp)
    }

    /// Copies `source` into the store, hashing as it copies; refuses to install bytes that do not match.
    private func copyVerifying(_ source: String, to digest: SHA256Digest) throws {
        let input = Foundation.open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw POSIXFailure(op: "open", path: source) }
        defer { Foundation.close(input) }
        let temp = try temporaryFile()
        defer { Foundation.close(temp.fd); unlink(temp.path) }
        var hasher = MultiHasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Foundation.read(input, buffer.baseAddress, buffer.count)
            if n < 0 { if errno == EINTR { continue }; throw POSIXFailure(op: "read", path: source) }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(chunk)
            try writeAll(temp.fd, chunk, path: temp.path)
        }
        let actual = hasher.finalize().sha256
        guard actual == digest else { throw BlobStoreError.corrupt(digest, actual: actual) }
        try install(temp.fd, from: temp.path, as: digest)
    }

    private func install(_ fd: Int32, from temp: String, as digest: SHA256Digest) throws {
        guard fsync(fd) == 0 else { throw POSIXFailure(op: "fsync", path: temp) }
        let destination = path(for: digest)
        try makeParent(of: destination)
        guard rename(temp, destination) == 0 else { throw POSIXFailure(op: "rename", path: destination) }
        try syncDirectory(of: destination)
    }

    private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 { if errno == EINTR { continue }; throw POSIXFailure(op: "write", path: path) }
            done += n
        }
    }

    private func makeParent(of file: String) throws {
        let parent = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }

    /// Makes the rename durable: the directory entry is flushed, not just the file's bytes.
    private func syncDirectory(of file: String) throws {
        let parent = (file as NSString).deletingLastPathComponent
        let fd = Foundation.open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(op: "open", path: parent) }
        defer { Foundation.close(fd) }
        guard fsync(fd) == 0 else { throw POSIXFailure(op: "fsync", path: parent) }
    }
}

/// Reads one local blob with pread; verifies the digest when read front to back.
final class LocalBlobReader: BlobReader {
    let size: Int64
    private let fd: Int32
    private let path: String
    private let verifier: SequentialVerifier
    private let closed = Atomic<Bool>(false)

    init(fd: Int32, path: String, size: Int64, digest: SHA256Digest) {
        self.fd = fd
        self.path = path
        self.size = size
        verifier = SequentialVerifier(expected: digest, size: size)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n < 0 { if errno == EINTR { continue }; throw POSIXFailure(op: "read", path: path) }
            try verifier.observe(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), at: offset)
            return n
        }
    }

    func close() {
        if !closed.exchange(true, ordering: .relaxed) { Foundation.close(fd) }
    }

    deinit { close() }
}

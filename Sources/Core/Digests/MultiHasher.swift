// Streaming hasher: feeds each chunk once to SHA-256 and to whichever extra digests were asked for.
import Crypto
import Foundation

/// Computes `FileDigests` over bytes fed in order. Not thread-safe: one owner at a time.
public struct MultiHasher {
    private var sha256 = Crypto.SHA256()
    private var md5: Insecure.MD5?
    private var sha1: Insecure.SHA1?
    private var sha512: Crypto.SHA512?
    private var blake2b256: BLAKE2b?
    public private(set) var byteCount: Int64 = 0

    public init(kinds: DigestKinds = []) {
        md5 = kinds.contains(.md5) ? Insecure.MD5() : nil
        sha1 = kinds.contains(.sha1) ? Insecure.SHA1() : nil
        sha512 = kinds.contains(.sha512) ? Crypto.SHA512() : nil
        blake2b256 = kinds.contains(.blake2b256) ? BLAKE2b(digestByteCount: 32) : nil
    }

    /// Feeds the next chunk.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        sha256.update(bufferPointer: bytes)
        md5?.update(bufferPointer: bytes)
        sha1?.update(bufferPointer: bytes)
        sha512?.update(bufferPointer: bytes)
        blake2b256?.update(bytes)
        byteCount += Int64(bytes.count)
    }

    /// Feeds the next chunk.
    public mutating func update(_ bytes: some ContiguousBytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digests of everything fed so far.
    public func finalize() -> FileDigests {
        FileDigests(
            size: byteCount,
            sha256: SHA256Digest(sha256.finalize()),
            md5: md5.map { $0.finalize().hexString },
            sha1: sha1.map { $0.finalize().hexString },
            sha512: sha512.map { $0.finalize().hexString },
            blake2b256: blake2b256.map { $0.finalize().hexString }
        )
    }

    /// Hashes a whole file, reading it in 1 MiB chunks. Throws the POSIX error of a failed read.
    public static func digest(ofFileAt path: String, kinds: DigestKinds = []) throws -> FileDigests {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXFailure(op: "open", path: path) }
        defer { close(fd) }
        var hasher = MultiHasher(kinds: kinds)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 { if errno == EINTR { continue }; throw POSIXFailure(op: "read", path: path) }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return hasher.finalize()
    }
}

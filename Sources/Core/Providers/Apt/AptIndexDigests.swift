// Size and the four digests Release files list for every index file.
import Dispatch
import Synchronization

/// What a `Release` checksum line needs about one file.
struct AptIndexDigests {
    let size: Int
    let md5: String
    let sha1: String
    let sha256: SHA256Digest
    let sha512: String

    init(of bytes: [UInt8]) {
        var hasher = MultiHasher(kinds: .apt)
        hasher.update(bytes)
        let digests = hasher.finalize()
        size = bytes.count
        md5 = digests.md5 ?? ""
        sha1 = digests.sha1 ?? ""
        sha256 = digests.sha256
        sha512 = digests.sha512 ?? ""
    }

    /// Digests of several files on all cores: hashing is most of the CPU time of a large apt publish.
    static func concurrently(_ files: [[UInt8]]) -> [AptIndexDigests] {
        let results = Mutex([AptIndexDigests?](repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let digests = AptIndexDigests(of: files[index])
            results.withLock { $0[index] = digests }
        }
        return results.withLock { $0.map { $0! } }
    }
}

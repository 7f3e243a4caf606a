// A bounded directory of blob chunks fetched from S3, shared by all readers, evicted by the clock algorithm.
import Foundation

/// One aligned chunk of one blob; its file is `<hex>.<index>` in the cache directory.
struct ChunkID: Hashable, Sendable {
    let digest: SHA256Digest
    let index: Int64
    var fileName: String { "\(digest.hex).\(index)" }
}

/// Chunk files whose total size (counting chunks still downloading) never exceeds `bytesMax`.
/// Each chunk is downloaded once even when several readers want it at the same time; a chunk file appears
/// under its name only when complete (written to `tmp.*`, then renamed).
/// @unchecked Sendable: every field of `state` is read and written only while holding `condition`.
final class S3ReadCache: @unchecked Sendable {
    let directory: String
    let bytesMax: Int64
    private let condition = NSCondition()
    private var state = ClockIndex()
    /// Chunks being downloaded; readers wanting one of them wait instead of downloading it again.
    private var loading: Set<ChunkID> = []
    /// Bytes of the chunks being downloaded, counted against the bound before they arrive.
    private var reservedBytes: Int64 = 0

    /// Creates the directory and removes chunk and temp files an earlier process left (the bound is counted
    /// in memory; re-fetching them costs less than trusting files no one verified since).
    init(directory: String, bytesMax: Int64) throws {
        self.directory = directory
        self.bytesMax = bytesMax
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where Self.isOurs(name) {
            unlink(directory + "/" + name)
        }
    }

    /// Bytes in complete chunk files plus chunks being downloaded (for tests and metrics).
    var usedBytes: Int64 {
        condition.lock()
        defer { condition.unlock() }
        return state.storedBytes + reservedBytes
    }

    /// Opens the chunk's file for reading, first calling `fetch` to fill a new file with its `bytes` bytes when it
    /// is not cached. The caller closes the descriptor; eviction meanwhile only unlinks the name.
    func open(_ chunk: ChunkID, bytes: Int64, fetch: (Int32) throws -> Void) throws -> Int32 {
        while true {
            switch claim(chunk, bytes: bytes) {
            case .cached:
                let fd = Foundation.open(path(chunk), O_RDONLY | O_CLOEXEC)
                if fd >= 0 { return fd }
                // Evicted between the lookup and the open: look again.
                guard errno == ENOENT else { throw POSIXFailure(op: "open", path: path(chunk)) }
            case .download:
                return try download(chunk, bytes: bytes, fetch: fetch)
            }
        }
    }

    /// Drops every cached chunk of `digest` (after its bytes failed verification, so a retry fetches them again).
    func forget(_ digest: SHA256Digest, chunks: Range<Int64>) {
        condition.lock()
        defer { condition.unlock() }
        for index in chunks where state.remove(ChunkID(digest: digest, index: index)) {
            unlink(path(ChunkID(digest: digest, index: index)))
        }
    }

    private enum Claim { case cached, download }

    /// Under the lock: finds the chunk, waits for another reader's download of it, or reserves room to download it.
    private func claim(_ chunk: ChunkID, bytes: Int64) -> Claim {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if state.touch(chunk) { return .cached }
            if loading.contains(chunk) { condition.wait(); continue }
            if state.storedBytes + reservedBytes + bytes <= bytesMax {
                loading.insert(chunk)
                reservedBytes += bytes
                return .download
            }
            if let victim = state.evict() { unlink(path(victim)); continue }
            // Everything left is being downloaded: wait for a download to finish and become evictable.
            condition.wait()
        }
    }

    private func download(_ chunk: ChunkID, bytes: Int64, fetch: (Int32) throws -> Void) throws -> Int32 {
        let temp = "\(directory)/tmp.\(UUID().uuidString.lowercased())"
        let fd = Foundation.open(temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        var installed = false
        defer { settle(chunk, bytes: bytes, installed: installed) }
        guard fd >= 0 else { throw POSIXFailure(op: "create", path: temp) }
        do {
            try fetch(fd)
            guard rename(temp, path(chunk)) == 0 else { throw POSIXFailure(op: "rename", path: path(chunk)) }
        } catch {
            Foundation.close(fd)
            unlink(temp)
            throw error
        }
        installed = true
        return fd
    }

    /// Ends a download: the reservation becomes a cached chunk (or is released), and waiting readers look again.
    private func settle(_ chunk: ChunkID, bytes: Int64, installed: Bool) {
        condition.lock()
        defer { condition.unlock() }
        loading.remove(chunk)
        reservedBytes -= bytes
        if installed { state.insert(chunk, bytes: bytes) }
        condition.broadcast()
    }

    private func path(_ chunk: ChunkID) -> String { directory + "/" + chunk.fileName }

    /// Only names this cache writes are ever removed, whatever else the directory holds.
    private static func isOurs(_ name: String) -> Bool {
        if name.hasPrefix("tmp.") { return true }
        let parts = name.split(separator: ".")
        return parts.count == 2 && SHA256Digest(hex: String(parts[0])) != nil && Int64(parts[1]) != nil
    }
}

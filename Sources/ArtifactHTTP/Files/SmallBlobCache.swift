// Small blobs in memory by digest, checked against it once: content-addressed, so an entry can never be stale.
import Core
import NIOCore
import Synchronization

/// digest → the blob's bytes as a `ByteBuffer` that every response shares. Only bytes that hash to their
/// digest get in. Blobs up to `entryBytesMax`, `totalBytesMax` in all; eviction is CLOCK (second chance), so
/// pages read again and again stay while one-off downloads pass through.
final class SmallBlobCache: Sendable {
    private struct Slot {
        let digest: SHA256Digest
        let bytes: ByteBuffer
        var referenced = false
    }

    private struct State {
        var slots: [Slot?] = []
        var index: [SHA256Digest: Int] = [:]
        var free: [Int] = []
        var hand = 0
        var bytes = 0
    }

    private let state = Mutex(State())
    /// Larger blobs are streamed from the blob store instead.
    let entryBytesMax: Int
    let totalBytesMax: Int

    init(entryBytesMax: Int = 1 << 20, totalBytesMax: Int = 64 << 20) {
        self.entryBytesMax = entryBytesMax
        self.totalBytesMax = totalBytesMax
    }

    /// The cached bytes of `digest`, if any.
    func bytes(of digest: SHA256Digest) -> ByteBuffer? {
        state.withLock { state in
            guard let slot = state.index[digest] else { return nil }
            state.slots[slot]!.referenced = true
            return state.slots[slot]!.bytes
        }
    }

    /// Keeps `bytes`, which the caller has verified against `digest` (`readVerified`); too large a blob is
    /// not kept, and older entries make room.
    func insert(_ bytes: ByteBuffer, for digest: SHA256Digest) {
        let size = bytes.readableBytes
        guard size <= min(entryBytesMax, totalBytesMax) else { return }
        state.withLock { state in
            guard state.index[digest] == nil else { return }
            while state.bytes + size > totalBytesMax { Self.evictOne(&state) }
            let slot = Slot(digest: digest, bytes: bytes)
            if let free = state.free.popLast() {
                state.slots[free] = slot
                state.index[digest] = free
            } else {
                state.index[digest] = state.slots.count
                state.slots.append(slot)
            }
            state.bytes += size
        }
    }

    /// Entries and bytes held (for tests).
    var usage: (count: Int, bytes: Int) { state.withLock { ($0.index.count, $0.bytes) } }

    /// Advances the hand to the first entry not used since the hand last passed it, and drops it.
    /// Terminates: each pass clears the marks it passes, so the second pass finds one (callers ensure bytes > 0).
    private static func evictOne(_ state: inout State) {
        while true {
            let position = state.hand % state.slots.count
            state.hand = position + 1
            guard let slot = state.slots[position] else { continue }
            if slot.referenced {
                state.slots[position]!.referenced = false
                continue
            }
            state.slots[position] = nil
            state.index[slot.digest] = nil
            state.free.append(position)
            state.bytes -= slot.bytes.readableBytes
            return
        }
    }

    /// Reads a whole blob and checks it against the entry's digest; blocking (run it on the executor).
    /// Throws `BlobStoreError.corrupt` when the bytes hash to anything else, so bad bytes never get cached.
    static func readVerified(_ entry: TreeEntry, from tree: RepositoryTree) throws -> ByteBuffer {
        guard let digest = entry.digest else { throw ArtifactError.notFound(entry.name) }
        let reader = try tree.open(entry)
        defer { reader.close() }
        var buffer = ByteBufferAllocator().buffer(capacity: Int(reader.size))
        while buffer.readableBytes < Int(reader.size) {
            let offset = Int64(buffer.readableBytes)
            let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 1) { try reader.read(into: $0, at: offset) }
            if count == 0 { break }
        }
        let actual = SHA256Digest(of: buffer.readableBytesView)
        guard actual == digest else { throw BlobStoreError.corrupt(digest, actual: actual) }
        return buffer
    }
}

// The clock (second-chance) eviction order of the read cache: O(1) per lookup, insert, removal and eviction step.

/// Cached chunks and their sizes. A lookup sets the chunk's reference bit; eviction sweeps a hand around the
/// ring, clearing set bits and evicting the first chunk whose bit is clear. That approximates LRU without
/// reordering anything on a hit, which matters because every read is a hit.
struct ClockIndex {
    private struct Entry {
        var bytes: Int64
        var referenced: Bool
        var slot: Int
    }

    private var entries: [ChunkID: Entry] = [:]
    private var ring: [ChunkID] = []
    private var hand = 0
    private(set) var storedBytes: Int64 = 0

    var count: Int { entries.count }

    /// Whether the chunk is cached; marks it recently used.
    mutating func touch(_ chunk: ChunkID) -> Bool {
        guard entries[chunk] != nil else { return false }
        entries[chunk]!.referenced = true
        return true
    }

    /// Adds a chunk. New chunks start unreferenced: a chunk read once (a scan) goes before one read twice.
    mutating func insert(_ chunk: ChunkID, bytes: Int64) {
        guard entries[chunk] == nil else { return }
        entries[chunk] = Entry(bytes: bytes, referenced: false, slot: ring.count)
        ring.append(chunk)
        storedBytes += bytes
    }

    /// Removes a chunk; false when it was not cached.
    @discardableResult
    mutating func remove(_ chunk: ChunkID) -> Bool {
        guard let entry = entries.removeValue(forKey: chunk) else { return false }
        // Move the last chunk into the freed slot so the ring stays dense.
        let last = ring.removeLast()
        if entry.slot < ring.count {
            ring[entry.slot] = last
            entries[last]!.slot = entry.slot
        }
        storedBytes -= entry.bytes
        return true
    }

    /// Picks and removes the chunk to evict; nil when nothing is cached.
    mutating func evict() -> ChunkID? {
        guard !ring.isEmpty else { return nil }
        while true {
            if hand >= ring.count { hand = 0 }
            let chunk = ring[hand]
            if entries[chunk]!.referenced {
                entries[chunk]!.referenced = false
                hand += 1
            } else {
                remove(chunk)
                return chunk
            }
        }
    }
}

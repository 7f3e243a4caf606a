// Compressed Packages chunks from the last publish of each repository, so one new package recompresses one chunk.
import Synchronization

/// One chunk of a Packages file as a gzip member and an xz block (both concatenate into valid files).
struct PackagesChunk: Sendable {
    let plain: [UInt8]
    let gzip: [UInt8]
    let xz: XZBlock
}

/// Chunks keyed by the package rows they were made from (rows are immutable, so the key fixes the bytes).
/// Only chunks the latest publish of a repository used are kept: memory stays near the size of its indexes.
final class CompressedChunkCache: Sendable {
    private let state = Mutex<[NodeID: [String: PackagesChunk]]>([:])
    private let compressionCount = Mutex(0)

    /// How many chunks were compressed so far (tests check that unchanged chunks are reused).
    var compressions: Int { compressionCount.withLock { $0 } }

    func countCompression() { compressionCount.withLock { $0 += 1 } }

    func chunk(repository: NodeID, key: String) -> PackagesChunk? {
        state.withLock { $0[repository]?[key] }
    }

    /// Replaces a repository's chunks with those a publish just used.
    func replace(repository: NodeID, with chunks: [String: PackagesChunk]) {
        state.withLock { $0[repository] = chunks }
    }

    func forget(repository: NodeID) {
        state.withLock { $0[repository] = nil }
    }
}

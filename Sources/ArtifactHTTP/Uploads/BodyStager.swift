// Streams a request body into a spool file, in batches written on the blocking executor.
import Core
import Hummingbird
import NIOCore

/// Collects incoming buffers and appends them to a `StagedFile` about once per `batchBytes`. One batch is
/// written (and hashed) on the executor while the next arrives from the network, so at most two batches
/// are held in memory.
struct BodyStager {
    let executor: BlockingExecutor
    /// Bytes gathered before one hop to a blocking thread; bounds the memory an upload holds.
    var batchBytes = 1 << 20
    /// Largest upload accepted.
    var uploadBytesMax: Int64 = 64 << 30

    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0
    private var total: Int64 = 0
    private var inFlight: Task<Void, any Error>?

    init(executor: BlockingExecutor, uploadBytesMax: Int64 = 64 << 30) {
        self.executor = executor
        self.uploadBytesMax = uploadBytesMax
    }

    /// Queues a buffer and writes the batch when it is large enough.
    mutating func add(_ buffer: ByteBuffer, to staged: StagedFile) async throws {
        total += Int64(buffer.readableBytes)
        guard total <= uploadBytesMax else { throw HTTPFailure(.contentTooLarge, "upload larger than \(uploadBytesMax) bytes") }
        pending.append(buffer)
        pendingBytes += buffer.readableBytes
        if pendingBytes >= batchBytes { try await flush(to: staged) }
    }

    /// Starts writing whatever is queued, after the previous batch finished (appends stay in order).
    mutating func flush(to staged: StagedFile) async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
        try await inFlight?.value
        let executor = self.executor
        inFlight = Task {
            try await executor.run {
                for buffer in batch {
                    try buffer.withUnsafeReadableBytes { try staged.append($0) }
                }
            }
        }
    }

    /// Writes what is queued and waits until every byte is in the staged file.
    mutating func finish(to staged: StagedFile) async throws {
        try await flush(to: staged)
        try await inFlight?.value
        inFlight = nil
    }

    /// Stages a whole body into a new spool file; the caller owns (and must ingest or discard) the result.
    static func stage(_ body: RequestBody, spool: Spool, digestKinds: DigestKinds, executor: BlockingExecutor,
                      uploadBytesMax: Int64) async throws -> StagedFile {
        // Creating the spool file is a blocking open(2): done on the executor like every other file call.
        let staged = try await executor.run { try spool.create(digestKinds: digestKinds) }
        var stager = BodyStager(executor: executor, uploadBytesMax: uploadBytesMax)
        do {
            for try await buffer in body { try await stager.add(buffer, to: staged) }
            try await stager.finish(to: staged)
            return staged
        } catch {
            try? await stager.finish(to: staged)
            staged.discard()
            throw error
        }
    }
}

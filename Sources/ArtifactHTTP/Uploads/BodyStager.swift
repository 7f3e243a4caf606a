// Streams a request body into a spool file, in batches written on the blocking executor.
import Core
import Hummingbird
import NIOCore

/// Collects incoming buffers and appends them to a `StagedFile` about once per `batchBytes`.
struct BodyStager {
    let executor: BlockingExecutor
    /// Bytes gathered before one hop to a blocking thread; bounds the memory an upload holds.
    var batchBytes = 1 << 20
    /// Largest upload accepted.
    var uploadBytesMax: Int64 = 64 << 30

    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0
    private var total: Int64 = 0

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

    /// Writes whatever is queued.
    mutating func flush(to staged: StagedFile) async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
        try await executor.run {
            for buffer in batch {
                try buffer.withUnsafeReadableBytes { try staged.append($0) }
            }
        }
    }

    /// Stages a whole body into a new spool file; the caller owns (and must ingest or discard) the result.
    static func stage(_ body: RequestBody, spool: Spool, digestKinds: DigestKinds, executor: BlockingExecutor,
                      uploadBytesMax: Int64) async throws -> StagedFile {
        let staged = try spool.create(digestKinds: digestKinds)
        do {
            var stager = BodyStager(executor: executor, uploadBytesMax: uploadBytesMax)
            for try await buffer in body { try await stager.add(buffer, to: staged) }
            try await stager.flush(to: staged)
            return staged
        } catch {
            staged.discard()
            throw error
        }
    }
}

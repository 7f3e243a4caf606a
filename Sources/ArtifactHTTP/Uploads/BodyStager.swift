// Streams a request body into a spool file, in batches written on the blocking executor.
import Core
import Hummingbird
import NIOCore

/// Collects incoming buffers and appends them to a `StagedFile` about once per `batchBytes`. One batch is
/// written (and hashed) on the executor while the next arrives from the network, so at most two batches
/// are held in memory. Buffers smaller than `smallBufferBytes` are copied together instead of being held: a body
/// that arrives in tiny reads would otherwise hold a whole network buffer (and its bookkeeping) per byte or two.
struct BodyStager {
    /// Where an upload's spool file comes from, and the body's limit.
    struct Setup: Sendable {
        let executor: BlockingExecutor
        let spool: Spool
        let digestKinds: DigestKinds
        /// Largest body accepted, in bytes.
        let uploadBytesMax: Int64

        /// A new spool file; a blocking open(2), so done on the executor like every other file call.
        func create() async throws -> StagedFile {
            let spool = self.spool, kinds = digestKinds
            return try await executor.run { try spool.create(digestKinds: kinds) }
        }
    }

    let executor: BlockingExecutor
    /// Bytes gathered before one hop to a blocking thread; bounds the memory an upload holds.
    var batchBytes = 1 << 20
    /// Buffers below this size are copied into `small` rather than held.
    var smallBufferBytes = 16 << 10

    private var pending: [ByteBuffer] = []
    private var pendingBytes = 0
    private var small = ByteBuffer()
    private var inFlight: Task<Void, any Error>?

    init(executor: BlockingExecutor) {
        self.executor = executor
    }

    /// Queues a buffer and writes the batch when it is large enough.
    mutating func add(_ buffer: ByteBuffer, to staged: StagedFile) async throws {
        if buffer.readableBytes < smallBufferBytes {
            small.writeImmutableBuffer(buffer)
            if small.readableBytes >= smallBufferBytes { moveSmall() }
        } else {
            moveSmall()
            pending.append(buffer)
        }
        pendingBytes += buffer.readableBytes
        if pendingBytes >= batchBytes { try await flush(to: staged) }
    }

    /// Puts the copied small buffers in line (before any later large one, keeping the order).
    private mutating func moveSmall() {
        guard small.readableBytes > 0 else { return }
        pending.append(small)
        small = ByteBuffer()
    }

    /// Starts writing whatever is queued, after the previous batch finished (appends stay in order).
    mutating func flush(to staged: StagedFile) async throws {
        moveSmall()
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

    /// Stages a whole body into a new spool file; the caller owns (and must ingest or discard) the result. The
    /// declared length is checked before a byte is read, and the bytes read against the same limit (413).
    static func stage(_ request: Request, context: ArtifactRequestContext, setup: Setup) async throws -> StagedFile {
        try RequestLength.refuseDeclared(request, over: setup.uploadBytesMax, what: "an upload")
        let staged = try await setup.create()
        var stager = BodyStager(executor: setup.executor)
        var received: Int64 = 0
        do {
            for try await buffer in context.body(of: request) {
                received += Int64(buffer.readableBytes)
                guard received <= setup.uploadBytesMax else {
                    throw HTTPFailure(.contentTooLarge, "upload larger than \(setup.uploadBytesMax) bytes")
                }
                try await stager.add(buffer, to: staged)
            }
            try await stager.finish(to: staged)
            return staged
        } catch {
            try? await stager.finish(to: staged)
            staged.discard()
            throw error
        }
    }
}

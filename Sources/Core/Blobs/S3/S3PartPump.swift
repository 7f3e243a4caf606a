// Worker threads that send the parts of one multipart upload as they become ready, and gather their ETags.
import Foundation

/// Hands part numbers to up to `workerCount` threads, each sending with `send`. Parts become ready in order
/// (`makeReady`), all at once for a finished file or one by one while a file is still being written. The first
/// failure stops the handing out; `finish` reports it. Threads are dedicated, since sending blocks on the network.
/// All state is guarded by `condition`.
final class S3PartPump: @unchecked Sendable {
    typealias Send = @Sendable (_ part: Int) throws(BlobStoreError) -> String

    private let condition = NSCondition()
    private let send: Send
    private var ready = 0
    private var total: Int?
    private var next = 1
    private var running = 0
    private var etags: [Int: String] = [:]
    private var failure: BlobStoreError?
    private var stopped = false

    /// Starts `workerCount` threads that wait for parts.
    init(workerCount: Int, send: @escaping Send) {
        self.send = send
        running = max(1, workerCount)
        for _ in 0..<running { Thread { self.work() }.start() }
    }

    /// Parts `1...count` may be sent.
    func makeReady(upTo count: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard count > ready else { return }
        ready = count
        condition.broadcast()
    }

    /// The upload has `total` parts, all ready: waits for every one and returns their ETags, or the first failure.
    func finish(total: Int) throws(BlobStoreError) -> [Int: String] {
        condition.lock()
        defer { condition.unlock() }
        self.total = total
        ready = max(ready, total)
        condition.broadcast()
        while running > 0 { condition.wait() }
        if let failure { throw failure }
        guard !stopped, etags.count == total else { throw .backend("S3 multipart upload stopped before all \(total) parts were sent") }
        return etags
    }

    /// No more parts are handed out; returns once every thread has finished the part it was sending.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
    }

    private func work() {
        condition.lock()
        while let part = nextPart() {
            condition.unlock()
            let result = Result { () throws(BlobStoreError) in try send(part) }
            condition.lock()
            switch result {
            case .success(let etag): etags[part] = etag
            case .failure(let error): if failure == nil { failure = error }
            }
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits (lock held) for a ready part; nil once all are taken, the pump is stopped or a part failed.
    private func nextPart() -> Int? {
        while true {
            if stopped || failure != nil { return nil }
            if let total, next > total { return nil }
            if next <= ready {
                defer { next += 1 }
                return next
            }
            condition.wait()
        }
    }
}

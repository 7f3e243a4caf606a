// A small pool of dedicated threads for blocking calls (SQLite, file I/O, libarchive), off the cooperative pool.
import Foundation
import Synchronization

/// Runs blocking closures on its own threads and resumes the awaiting task with the result.
/// Work is FIFO; `threadCount` bounds how many blocking calls run at once, and `queuedJobCountMax` (when set)
/// how many may wait for a thread: `run` refuses more with `Saturated` instead of queueing without end.
public final class BlockingExecutor: Sendable {
    /// `run` found `queuedJobCountMax` jobs already waiting.
    public struct Saturated: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "\(name): every thread is busy and the queue is full" }
    }

    private struct State: ~Copyable {
        /// Jobs in order; a slot is emptied when its job is taken, so nothing a finished job captured (an upload's
        /// 1 MiB batch) stays alive until the queue is next compacted.
        var queue: [(@Sendable () -> Void)?] = []
        var head = 0
    }

    private let state = Mutex(State())
    private let available: DispatchSemaphore
    private let name: String
    private let queuedJobCountMax: Int?

    /// Starts `threadCount` threads that live as long as the process. `queuedJobCountMax` nil queues without bound.
    public init(threadCount: Int = 8, name: String = "artifactfs.blocking", queuedJobCountMax: Int? = nil) {
        available = DispatchSemaphore(value: 0)
        self.name = name
        self.queuedJobCountMax = queuedJobCountMax
        for index in 0..<max(1, threadCount) {
            let thread = Thread { [self] in self.workLoop() }
            thread.name = "\(name).\(index)"
            thread.start()
        }
    }

    /// Runs `body` on a pool thread; rethrows what it throws. Throws `Saturated` (without running `body`) when the
    /// queue is bounded and full.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let queued = enqueue { continuation.resume(with: Result { try body() }) }
            if !queued { continuation.resume(throwing: Saturated(name: name)) }
        }
    }

    /// Queues `job` without waiting for it (even when the queue is bounded and full).
    public func submit(_ job: @escaping @Sendable () -> Void) {
        state.withLock { $0.queue.append(job) }
        available.signal()
    }

    /// Queues `job` unless `queuedJobCountMax` jobs are already waiting; returns whether it was queued.
    private func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        let queued = state.withLock { state -> Bool in
            if let queuedJobCountMax, state.queue.count - state.head >= queuedJobCountMax { return false }
            state.queue.append(job)
            return true
        }
        if queued { available.signal() }
        return queued
    }

    private func workLoop() {
        while true {
            available.wait()
            let job = state.withLock { state -> (@Sendable () -> Void)? in
                let job = state.queue[state.head].take()
                state.head += 1
                if state.head > 1024, state.head * 2 > state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                return job
            }
            job?()
        }
    }
}

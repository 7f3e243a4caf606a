// A small pool of dedicated threads for blocking calls (SQLite, file I/O, libarchive), off the cooperative pool.
import Foundation
import Synchronization

/// Runs blocking closures on its own threads and resumes the awaiting task with the result.
/// Work is FIFO; `threadCount` bounds how many blocking calls run at once.
public final class BlockingExecutor: Sendable {
    private struct State: ~Copyable {
        var queue: [@Sendable () -> Void] = []
        var head = 0
    }

    private let state = Mutex(State())
    private let available: DispatchSemaphore

    /// Starts `threadCount` threads that live as long as the process.
    public init(threadCount: Int = 8, name: String = "artifactfs.blocking") {
        available = DispatchSemaphore(value: 0)
        for index in 0..<max(1, threadCount) {
            let thread = Thread { [self] in self.workLoop() }
            thread.name = "\(name).\(index)"
            thread.start()
        }
    }

    /// Runs `body` on a pool thread; rethrows what it throws.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Queues `job` without waiting for it.
    public func submit(_ job: @escaping @Sendable () -> Void) {
        state.withLock { $0.queue.append(job) }
        available.signal()
    }

    private func workLoop() {
        while true {
            available.wait()
            let job = state.withLock { state -> (@Sendable () -> Void) in
                let job = state.queue[state.head]
                state.head += 1
                if state.head > 1024, state.head * 2 > state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                return job
            }
            job()
        }
    }
}

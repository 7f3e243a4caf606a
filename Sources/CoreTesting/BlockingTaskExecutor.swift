// A task executor with a thread per job, for test bodies that block (gpg, syscalls on a mount, key generation).
import Foundation

/// Runs test bodies that block (gpg, gpgv, key generation) on threads of their own, so they do not starve the
/// cooperative pool that other suites' timing tests need. The task stays the same, so the current test is known.
/// A thread per job: dispatch queues would share the pool's few threads (one per core) on Linux.
public final class BlockingTaskExecutor: TaskExecutor {
    public static let shared = BlockingTaskExecutor()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        Thread { job.runSynchronously(on: executor) }.start()
    }
}

/// Runs `body` on `BlockingTaskExecutor`.
public func offCooperativePool<T>(_ body: () throws -> T) async throws -> T {
    try await withTaskExecutorPreference(BlockingTaskExecutor.shared) { try body() }
}

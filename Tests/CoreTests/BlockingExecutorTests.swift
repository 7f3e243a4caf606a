// The blocking executor: a bounded queue refuses work when full, and a finished job releases what it captured.
import Core
import Foundation
import Testing

/// A blocking executor whose queue is bounded refuses work once the queue is full, and runs the rest.
@Suite struct BoundedExecutorTests {
    // Goal: with one thread busy and one job queued, a third is refused with `Saturated`; after that, work runs again.
    @Test func refusesWhenTheQueueIsFull() async throws {
        let executor = BlockingExecutor(threadCount: 1, name: "test.bounded", queuedJobCountMax: 1)
        let gate = DispatchSemaphore(value: 0)
        let first = Task { try await executor.run { gate.wait() } }
        try await Task.sleep(for: .milliseconds(100))
        let second = Task { try await executor.run { 2 } }
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: BlockingExecutor.Saturated.self) { try await executor.run { 3 } }
        gate.signal()
        try await first.value
        #expect(try await second.value == 2)
        #expect(try await executor.run { 4 } == 4)
    }

    // Goal: a finished job releases what it captured at once (an upload's 1 MiB batch used to stay in the queue
    // until 1024 more jobs had run).
    @Test func finishedJobsReleaseWhatTheyCaptured() async throws {
        final class Payload: Sendable {}
        let executor = BlockingExecutor(threadCount: 1, name: "test.release")
        weak var released: Payload?
        do {
            let payload = Payload()
            released = payload
            try await executor.run { _ = payload }
        }
        for _ in 0..<50 where released != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(released == nil)
    }
}

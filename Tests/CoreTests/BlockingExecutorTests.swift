// The blocking executor's bounded queue: refusal when full, normal work after.
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
}

// The publisher's schedule: debounced bursts, a bound on the delay, serialized runs, publishNow.
import Core
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct PublisherTests {
    final class Calls: Sendable {
        let times = Mutex<[(NodeID, ContinuousClock.Instant)]>([])
        func record(_ id: NodeID) { times.withLock { $0.append((id, ContinuousClock.now)) } }
        var count: Int { times.withLock { $0.count } }
    }

    // Goal: one schedule publishes after the quiet delay, well within the 1 s promise.
    @Test func singleChangeIsPublishedQuickly() async throws {
        let calls = Calls()
        let publisher = Publisher(quietDelay: .milliseconds(150), maxDelay: .milliseconds(600), logger: Logger(label: "t")) { calls.record($0) }
        defer { publisher.stop() }
        let start = ContinuousClock.now
        let ticket = publisher.schedule(7)
        // A generous wait: the timing checked below is the publisher thread's own record, while this wait
        // polls on the cooperative pool, which other suites' blocking tests can hold for seconds on 2 cores.
        #expect(await publisher.waitUntilPublished(7, ticket: ticket, timeout: .seconds(60)))
        let elapsed = try #require(calls.times.withLock { $0.first?.1 }) - start
        #expect(elapsed >= .milliseconds(140))
        #expect(elapsed < .seconds(1))
    }

    // Goal: uploads marked "publish later" (a bulk import) wait for the long delay, each one pushing it back, and
    // are still published when nobody asks (an importer that died); an ordinary upload meanwhile publishes soon.
    @Test func deferredPublishWaitsAndStillHappens() async throws {
        let calls = Calls()
        let publisher = Publisher(quietDelay: .milliseconds(20), maxDelay: .milliseconds(100), logger: Logger(label: "t")) { calls.record($0) }
        defer { publisher.stop() }
        publisher.scheduleLater(7, delay: .seconds(2))
        let second = ContinuousClock.now
        let last = publisher.scheduleLater(7, delay: .seconds(2))
        // Timed on the publisher thread's own record against when the second request was made, so a test
        // machine that starves this task cannot make the check pass or fail.
        #expect(await publisher.waitUntilPublished(7, ticket: last, timeout: .seconds(60)))
        let published = try #require(calls.times.withLock { $0.first?.1 })
        #expect(published - second >= .seconds(2), "the second request pushed the publish back")
        #expect(calls.count == 1)

        publisher.scheduleLater(8, delay: .seconds(60))
        let soon = publisher.schedule(8)
        #expect(await publisher.waitUntilPublished(8, ticket: soon, timeout: .seconds(30)))
    }

    // Goal: a stop that comes while the loop is publishing returns only after that publish, and a publish that
    // failed there (back in the queue for its retry) is run by the stop instead of being dropped.
    @Test func stopWaitsForThePublishInProgress() throws {
        let calls = Calls()
        let started = DispatchSemaphore(value: 0)
        let attempts = Atomic(0)
        let publisher = Publisher(quietDelay: .milliseconds(1), maxDelay: .milliseconds(1), logger: Logger(label: "t")) { id in
            let attempt = attempts.add(1, ordering: .relaxed).newValue
            if attempt == 1 {
                started.signal()
                Thread.sleep(forTimeInterval: 0.3)
                throw CocoaError(.fileWriteUnknown)   // the loop's attempt fails after a while
            }
            calls.record(id)
        }
        publisher.schedule(7)
        started.wait()
        #expect(publisher.stopAfterPendingPublishes(), "the stop retried the failed publish and it succeeded")
        #expect(attempts.load(ordering: .relaxed) == 2 && calls.count == 1)
    }

    // Goal: a clean stop runs the publishes still waiting for their delay (and reports success), so stopping right
    // after an ingest never leaves the indexes behind the catalogue; a failing one is reported.
    @Test func stopRunsOwedPublishes() throws {
        let calls = Calls()
        let publisher = Publisher(quietDelay: .seconds(60), maxDelay: .seconds(120), logger: Logger(label: "t")) { calls.record($0) }
        publisher.schedule(7)
        publisher.schedule(8)
        #expect(publisher.stopAfterPendingPublishes())
        #expect(Set(calls.times.withLock { $0.map(\.0) }) == [7, 8])
        let failing = Publisher(quietDelay: .seconds(60), maxDelay: .seconds(120), logger: Logger(label: "t")) { _ in
            throw CocoaError(.fileWriteUnknown)
        }
        failing.schedule(9)
        #expect(!failing.stopAfterPendingPublishes())
    }

    // Goal: a steady stream of changes is published at least every maxDelay, not postponed forever.
    // The changes come from a plain thread: with two cores, Task.sleep can oversleep by seconds while other
    // suites occupy the cooperative pool, which would turn the burst into a few isolated changes.
    @Test func burstIsBoundedByMaxDelay() async throws {
        let calls = Calls()
        let publisher = Publisher(quietDelay: .milliseconds(100), maxDelay: .milliseconds(300), logger: Logger(label: "t")) { calls.record($0) }
        defer { publisher.stop() }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                let start = ContinuousClock.now
                while ContinuousClock.now - start < .seconds(2) {
                    publisher.schedule(1)
                    Thread.sleep(forTimeInterval: 0.02)
                }
                done.resume()
            }
        }
        // 2 s of changes every 20 ms: without the bound there would be no publish until they stop; with it,
        // about one every 300 ms (fewer when the machine is busy, never one per change).
        #expect(calls.count >= 2)
        #expect(calls.count <= 10)
    }

    // Goal: publishNow runs at once on the caller's thread and covers every earlier change.
    @Test func publishNowCoversEarlierTickets() async throws {
        let calls = Calls()
        let publisher = Publisher(quietDelay: .seconds(30), maxDelay: .seconds(60), logger: Logger(label: "t")) { calls.record($0) }
        defer { publisher.stop() }
        let ticket = publisher.schedule(3)
        try publisher.publishNow(3)
        #expect(calls.count == 1)
        #expect(await publisher.waitUntilPublished(3, ticket: ticket, timeout: .milliseconds(10)))
    }
}

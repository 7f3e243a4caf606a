// Debounced, serialized publishing: bursts of ingests become one generation per repository.
import Foundation
import Logging
import Synchronization

/// Builds and publishes a repository's generated files on a dedicated thread, at most one publish per
/// repository at a time. `schedule` waits `quietDelay` for more changes, never longer than `maxDelay` in total.
public final class Publisher: Sendable {
    /// Publishing steps, injected so this type stays independent of the stores it drives.
    public typealias PublishFunction = @Sendable (NodeID) throws -> Void

    private struct Pending {
        var firstRequest: ContinuousClock.Instant
        var due: ContinuousClock.Instant
        var ticket: UInt64
        /// Asked for by `scheduleLater`: a later `schedule` makes it an ordinary, soon publish.
        var deferred = false
    }

    private struct State {
        var pending: [NodeID: Pending] = [:]
        var nextTicket: UInt64 = 1
        /// The highest ticket each repository's last successful publish covered.
        var published: [NodeID: UInt64] = [:]
        var running: Set<NodeID> = []
        var stopped = false
    }

    public let quietDelay: Duration
    public let maxDelay: Duration
    private let publishFunction: PublishFunction
    private let logger: Logger
    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)
    /// Signalled when the loop thread has returned (and re-signalled by each waiter, so every waiter passes).
    private let loopEnded = DispatchSemaphore(value: 0)

    public init(quietDelay: Duration = .milliseconds(150), maxDelay: Duration = .milliseconds(600),
                logger: Logger, publish: @escaping PublishFunction) {
        self.quietDelay = quietDelay
        self.maxDelay = maxDelay
        self.publishFunction = publish
        self.logger = logger
        let thread = Thread { [self] in self.loop() }
        thread.name = "artifactfs.publisher"
        thread.start()
    }

    /// Asks for a publish soon; returns a ticket that `waitUntilPublished` understands.
    @discardableResult
    public func schedule(_ repository: NodeID) -> UInt64 {
        let now = ContinuousClock.now
        let ticket = state.withLock { s -> UInt64 in
            let ticket = s.nextTicket
            s.nextTicket += 1
            if var p = s.pending[repository], !p.deferred {
                p.due = min(now + quietDelay, p.firstRequest + maxDelay)
                p.ticket = ticket
                s.pending[repository] = p
            } else {
                s.pending[repository] = Pending(firstRequest: now, due: now + quietDelay, ticket: ticket)
            }
            return ticket
        }
        wakeup.signal()
        return ticket
    }

    /// Asks for a publish `delay` after the last such request (a bulk import that publishes once at its end with
    /// `publishNow`): if the importer dies on the way, its packages are still published within `delay`. A publish
    /// already due sooner stays due.
    @discardableResult
    public func scheduleLater(_ repository: NodeID, delay: Duration) -> UInt64 {
        let now = ContinuousClock.now
        let ticket = state.withLock { s -> UInt64 in
            let ticket = s.nextTicket
            s.nextTicket += 1
            if var p = s.pending[repository] {
                if p.deferred { p.due = now + delay }
                p.ticket = ticket
                s.pending[repository] = p
            } else {
                s.pending[repository] = Pending(firstRequest: now, due: now + delay, ticket: ticket, deferred: true)
            }
            return ticket
        }
        wakeup.signal()
        return ticket
    }

    /// Publishes now on the calling thread (fsync, tests, bulk import); blocks while another publish of the
    /// same repository runs.
    public func publishNow(_ repository: NodeID) throws {
        let ticket = state.withLock { s -> UInt64 in
            let t = s.nextTicket
            s.nextTicket += 1
            s.pending[repository] = nil
            return t
        }
        try run(repository, covering: ticket)
    }

    /// Suspends until a publish covering `ticket` finished (true) or `timeout` passed (false).
    /// Polls: waiting is rare (HTTP uploads) and a 5 ms step is small next to a publish.
    public func waitUntilPublished(_ repository: NodeID, ticket: UInt64, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ $0.published[repository, default: 0] >= ticket }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Ends the publishing thread after the publish in progress, if any; pending publishes are dropped.
    public func stop() {
        state.withLock { $0.stopped = true }
        wakeup.signal()
    }

    /// Stops the loop and waits until it has returned (a publish it was running finishes first, and a failed one is
    /// back in `pending`), then runs on the calling thread the publishes still owed, so a clean stop never leaves
    /// indexes behind the catalogue. Returns false when one of them failed or is still owed.
    @discardableResult
    public func stopAfterPendingPublishes() -> Bool {
        state.withLock { $0.stopped = true }
        wakeup.signal()
        loopEnded.wait()
        loopEnded.signal()
        let owed = state.withLock { s -> [(NodeID, UInt64)] in
            defer { s.pending = [:] }
            return s.pending.map { ($0.key, $0.value.ticket) }
        }
        var succeeded = true
        for (repository, ticket) in owed {
            do { try run(repository, covering: ticket) } catch {
                logger.error("publish at stop failed", metadata: ["repo.id": "\(repository)", "error": "\(error)"])
                succeeded = false
            }
        }
        return succeeded && state.withLock { $0.pending.isEmpty }
    }

    private func loop() {
        defer { loopEnded.signal() }
        while !state.withLock({ $0.stopped }) {
            let (due, wait) = state.withLock { s -> ([(NodeID, UInt64)], Duration?) in
                let now = ContinuousClock.now
                let ready = s.pending.filter { $0.value.due <= now && !s.running.contains($0.key) }
                for (repo, _) in ready { s.pending[repo] = nil }
                let next = s.pending.values.map(\.due).min().map { $0 - now }
                return (ready.map { ($0.key, $0.value.ticket) }, next)
            }
            for (repository, ticket) in due {
                do { try run(repository, covering: ticket) } catch {
                    logger.error("publish failed; retrying", metadata: ["repo.id": "\(repository)", "error": "\(error)"])
                    retryLater(repository, ticket: ticket)
                }
            }
            if due.isEmpty {
                if let wait { _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(max(wait, .milliseconds(1)).nanoseconds))) }
                else { wakeup.wait() }
            }
        }
    }

    private func retryLater(_ repository: NodeID, ticket: UInt64) {
        let now = ContinuousClock.now
        state.withLock { s in
            let ticket = max(ticket, s.pending[repository]?.ticket ?? 0)
            s.pending[repository] = Pending(firstRequest: now, due: now + .seconds(2), ticket: ticket)
        }
    }

    private func run(_ repository: NodeID, covering ticket: UInt64) throws {
        while !state.withLock({ $0.running.insert(repository).inserted }) { Thread.sleep(forTimeInterval: 0.005) }
        defer { state.withLock { _ = $0.running.remove(repository) } }
        try publishFunction(repository)
        state.withLock { s in s.published[repository] = max(s.published[repository, default: 0], ticket) }
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

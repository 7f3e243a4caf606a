// The timing rules of one connection (ConnectionLimits) as a pure state machine: events in, actions out.
import NIOCore

/// Tracks where a connection is in its request/response cycle and decides when it has waited too long. It owns no
/// clock and no channel: the channel handler passes the time with each event and carries out the returned action.
struct ConnectionStateMachine {
    /// What the channel handler must do after an event.
    enum Action: Equatable {
        case none
        /// Close now, without an answer.
        case close
        /// Half-close the output and keep reading (and discarding) until the linger deadline.
        case halfClose
        /// The request is not arriving in time: fail the request body for whoever reads it, answer 408 when no
        /// answer has begun yet, and close.
        case timeOut(answer: Bool)
    }

    /// Where the connection is in its request/response cycle.
    enum Phase: Equatable {
        /// Between requests. `firstByte` is when bytes of the next request began to arrive.
        case awaitingHead(since: NIODeadline, firstByte: NIODeadline?)
        /// The head arrived and the body is being read.
        case readingBody(BodyWindow)
        /// The request was read; the server is answering (its own time, so no deadline).
        case responding
        /// An answer went out before the request was read: draining until `until` or `lingerBytesMax`.
        case lingering(until: NIODeadline, bytes: Int)
        case closed
    }

    /// The current measuring window of a body being read.
    struct BodyWindow: Equatable {
        /// When the window began.
        var start: NIODeadline
        /// Bytes that arrived in the window.
        var bytes = 0
        /// Time the server waited on the client within the window, not counting a wait still going on.
        var waited = TimeAmount.zero
        /// When the read that is still outstanding was asked for.
        var waitingSince: NIODeadline?
        /// The client asked for `100 Continue` and waits for it: until it goes out (or the client sends anyway), the
        /// time is the server's, not the client's, so no deadline runs.
        var awaitingContinue = false
    }

    /// The limits decided by.
    let limits: ConnectionLimits
    /// The current phase (tests compare it).
    private(set) var phase: Phase
    /// An answer's head went out for the request being handled.
    private(set) var answerStarted = false
    /// The connection closes once the answer is written.
    private(set) var closeAfterAnswer = false
    /// The HTTP decoder failed: nothing more can be read, so there is nothing to linger for.
    private var inputBroken = false
    /// Bytes that arrived while answering belong to the next (pipelined) request.
    private var nextRequestStarted: NIODeadline?

    /// A connection that opened at `now`, waiting for its first request.
    init(limits: ConnectionLimits, openedAt now: NIODeadline) {
        self.limits = limits
        phase = .awaitingHead(since: now, firstByte: nil)
    }

    /// When `timerFired` next has something to decide, if anything.
    var nextDeadline: NIODeadline? {
        switch phase {
        case .awaitingHead(let since, let firstByte):
            return firstByte.map { $0 + Self.amount(limits.headTimeout) } ?? since + Self.amount(limits.idleTimeout)
        case .readingBody(let window) where window.awaitingContinue:
            return nil
        case .readingBody(let window):
            let windowEnd = window.start + Self.amount(limits.bodyReadTimeout)
            guard let waitingSince = window.waitingSince else { return windowEnd }
            return min(windowEnd, waitingSince + Self.amount(limits.bodyReadTimeout))
        case .lingering(let until, _):
            return until
        case .responding, .closed:
            return nil
        }
    }

    /// Whether a request's body is being read (a close now leaves it incomplete).
    var isReadingBody: Bool {
        if case .readingBody = phase { return true }
        return false
    }

    /// The connection asked the socket for more bytes (the reader has room for them).
    mutating func readRequested(at now: NIODeadline) {
        guard case .readingBody(var window) = phase, window.waitingSince == nil, !window.awaitingContinue else { return }
        window.waitingSince = now
        phase = .readingBody(window)
    }

    /// `count` bytes arrived from the socket.
    mutating func bytesArrived(_ count: Int, at now: NIODeadline) -> Action {
        switch phase {
        case .awaitingHead(let since, nil):
            phase = .awaitingHead(since: since, firstByte: now)
        case .readingBody(let window) where window.awaitingContinue:
            // The client did not wait for the 100 (it may, RFC 9110 §10.1.1): measured from here as any body.
            phase = .readingBody(BodyWindow(start: now, bytes: count))
        case .readingBody(var window):
            if let waitingSince = window.waitingSince { window.waited = window.waited + (now - max(waitingSince, window.start)) }
            window.waitingSince = nil
            window.bytes += count
            phase = .readingBody(window)
        case .responding:
            if nextRequestStarted == nil { nextRequestStarted = now }
        case .lingering(let until, let bytes):
            phase = .lingering(until: until, bytes: bytes + count)
            if bytes + count > limits.lingerBytesMax {
                phase = .closed
                return .close
            }
        case .awaitingHead, .closed:
            break
        }
        return .none
    }

    /// A request head arrived; `awaitingContinue` when it asked for `100 Continue` (`Expect: 100-continue`).
    mutating func headReceived(at now: NIODeadline, awaitingContinue: Bool = false) {
        answerStarted = false
        closeAfterAnswer = false
        nextRequestStarted = nil
        phase = .readingBody(BodyWindow(start: now, awaitingContinue: awaitingContinue))
    }

    /// `100 Continue` went out: from now on the client is expected to send the body.
    mutating func continueSent(at now: NIODeadline) {
        guard case .readingBody(let window) = phase, window.awaitingContinue else { return }
        phase = .readingBody(BodyWindow(start: now))
    }

    /// The request's end arrived.
    mutating func endReceived() -> Action {
        switch phase {
        case .readingBody:
            phase = .responding
        case .lingering:
            // Nothing is left to drain, and the answer promised a close.
            phase = .closed
            return .close
        default:
            break
        }
        return .none
    }

    /// The HTTP decoder refused the bytes. Before a head there is nobody to answer but this handler; during a body
    /// the reader sees the error and answers, and the connection must close after that answer.
    mutating func decoderFailed() -> Bool {
        guard case .awaitingHead = phase else {
            closeAfterAnswer = true
            inputBroken = true
            return false
        }
        phase = .closed
        return true
    }

    /// An answer's head is going out; returns whether it must say `Connection: close` (the request is not read yet).
    mutating func answerHeadWritten() -> Bool {
        answerStarted = true
        if isReadingBody { closeAfterAnswer = true }
        return closeAfterAnswer
    }

    /// An answer's end went out.
    mutating func answerEndWritten(at now: NIODeadline) -> Action {
        guard closeAfterAnswer else {
            phase = .awaitingHead(since: now, firstByte: nextRequestStarted)
            nextRequestStarted = nil
            return .none
        }
        guard isReadingBody, !inputBroken else {
            phase = .closed
            return .close
        }
        phase = .lingering(until: now + Self.amount(limits.lingerTimeout), bytes: 0)
        return .halfClose
    }

    /// The connection closed; returns whether a body was being read (its reader must learn it is incomplete).
    mutating func closed() -> Bool {
        defer { phase = .closed }
        return isReadingBody
    }

    /// The timer fired: decides whether the deadline of the current phase has passed.
    mutating func timerFired(at now: NIODeadline) -> Action {
        switch phase {
        case .awaitingHead(let since, let firstByte):
            if let firstByte {
                guard now >= firstByte + Self.amount(limits.headTimeout) else { return .none }
                phase = .closed
                return .timeOut(answer: true)
            }
            guard now >= since + Self.amount(limits.idleTimeout) else { return .none }
            phase = .closed
            return .close
        case .readingBody(let window):
            return checkBody(window, at: now)
        case .lingering(let until, _):
            guard now >= until else { return .none }
            phase = .closed
            return .close
        case .responding, .closed:
            return .none
        }
    }

    private mutating func checkBody(_ window: BodyWindow, at now: NIODeadline) -> Action {
        guard !window.awaitingContinue else { return .none }
        let timeout = Self.amount(limits.bodyReadTimeout)
        if let waitingSince = window.waitingSince, now - waitingSince >= timeout { return timeOut() }
        guard now >= window.start + timeout else { return .none }
        let waited = window.waited + (window.waitingSince.map { now - max($0, window.start) } ?? .zero)
        let bytesMin = Double(limits.bodyBytesPerSecondMin) * Double(timeout.nanoseconds) / 1e9
        if waited.nanoseconds * 2 >= timeout.nanoseconds, Double(window.bytes) < bytesMin { return timeOut() }
        phase = .readingBody(BodyWindow(start: now, waitingSince: window.waitingSince))
        return .none
    }

    private mutating func timeOut() -> Action {
        phase = .closed
        return .timeOut(answer: !answerStarted)
    }

    /// A `Duration` as NIO's `TimeAmount` (nanoseconds; durations beyond ~292 years are clamped).
    static func amount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow else { return .nanoseconds(seconds < 0 ? .min : .max) }
        let (total, overflow) = nanoseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000)
        return .nanoseconds(overflow ? .max : total)
    }
}

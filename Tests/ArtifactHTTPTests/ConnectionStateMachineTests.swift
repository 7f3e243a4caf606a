// The connection timing rules as a pure state machine: idle, head and body deadlines, trickles, back-pressure, lingering.
@testable import ArtifactHTTP
import NIOCore
import Testing

@Suite struct ConnectionStateMachineTests {
    static let limits = ConnectionLimits(idleTimeout: .seconds(60), headTimeout: .seconds(10), bodyReadTimeout: .seconds(10),
                                         bodyBytesPerSecondMin: 100, lingerTimeout: .seconds(2), lingerBytesMax: 1000)

    /// A time `seconds` after an arbitrary start.
    static func at(_ seconds: Double) -> NIODeadline { .uptimeNanoseconds(1_000_000_000_000 + UInt64(seconds * 1e9)) }

    static func machine() -> ConnectionStateMachine { ConnectionStateMachine(limits: limits, openedAt: at(0)) }

    // Goal: an idle connection closes silently after the idle timeout, and not before.
    @Test func idleConnectionCloses() {
        var machine = Self.machine()
        #expect(machine.nextDeadline == Self.at(60))
        #expect(machine.timerFired(at: Self.at(59.9)) == .none)
        #expect(machine.timerFired(at: Self.at(60)) == .close)
    }

    // Goal: once bytes of a head arrive, the head must be complete within the head timeout, else 408.
    @Test func halfAHeadTimesOut() {
        var machine = Self.machine()
        #expect(machine.bytesArrived(20, at: Self.at(5)) == .none)
        #expect(machine.nextDeadline == Self.at(15))
        // More bytes of the same head do not extend the deadline (a head sent a byte at a time still ends).
        #expect(machine.bytesArrived(1, at: Self.at(14)) == .none)
        #expect(machine.timerFired(at: Self.at(15)) == .timeOut(answer: true))
    }

    // Goal: a body that stops arriving times out one read timeout after the server began waiting.
    @Test func stalledBodyTimesOut() {
        var machine = Self.machine()
        machine.headReceived(at: Self.at(1))
        machine.readRequested(at: Self.at(1))
        #expect(machine.bytesArrived(5000, at: Self.at(2)) == .none)
        machine.readRequested(at: Self.at(3))
        #expect(machine.nextDeadline == Self.at(11))
        #expect(machine.timerFired(at: Self.at(11)) == .none)  // the window ends: 5000 bytes is above the rate
        #expect(machine.nextDeadline == Self.at(13))
        #expect(machine.timerFired(at: Self.at(13)) == .timeOut(answer: true))
    }

    // Goal: a client waiting for the 100 Continue it asked for is not timed out while the server decides (that is the
    // server's time, however long); once the 100 goes out, or the client sends its body anyway, the body rules apply.
    @Test func waitingForContinueIsTheServersTime() {
        var machine = Self.machine()
        machine.headReceived(at: Self.at(1), awaitingContinue: true)
        machine.readRequested(at: Self.at(1))
        #expect(machine.nextDeadline == nil)
        #expect(machine.timerFired(at: Self.at(100)) == .none)
        machine.continueSent(at: Self.at(100))
        machine.readRequested(at: Self.at(100))
        #expect(machine.nextDeadline == Self.at(110))
        #expect(machine.timerFired(at: Self.at(110)) == .timeOut(answer: true))

        var eager = Self.machine()
        eager.headReceived(at: Self.at(1), awaitingContinue: true)
        #expect(eager.bytesArrived(10, at: Self.at(2)) == .none)
        eager.readRequested(at: Self.at(2))
        #expect(eager.nextDeadline == Self.at(12))
        #expect(eager.timerFired(at: Self.at(12)) == .timeOut(answer: true))
    }

    // Goal: a trickle (a byte every few seconds, each within the read timeout) still times out at the end of a window.
    @Test func trickleTimesOut() {
        var machine = Self.machine()
        machine.headReceived(at: Self.at(0))
        var now = 0.0
        var outcome = ConnectionStateMachine.Action.none
        var detected: NIODeadline?
        while outcome == .none, now < 60 {
            machine.readRequested(at: Self.at(now))
            if let deadline = machine.nextDeadline, deadline <= Self.at(now + 9) {
                outcome = machine.timerFired(at: deadline)
                detected = deadline
                if outcome != .none { break }
            }
            now += 9
            outcome = machine.bytesArrived(1, at: Self.at(now))
        }
        #expect(outcome == .timeOut(answer: true))
        #expect(detected.map { $0 <= Self.at(20) } == true)
    }

    // Goal: time the client spends waiting for the server (no read outstanding: back-pressure) never counts.
    @Test func backPressureIsNotTheClientsFault() {
        var machine = Self.machine()
        machine.headReceived(at: Self.at(0))
        for second in stride(from: 0.0, to: 100, by: 10) {
            // The server reads 10 bytes in a burst, then takes 10 s to write them out before asking for more.
            machine.readRequested(at: Self.at(second))
            #expect(machine.bytesArrived(10, at: Self.at(second + 0.01)) == .none)
            #expect(machine.timerFired(at: Self.at(second + 10)) == .none, "at \(second + 10) s")
        }
    }

    // Goal: an answer sent before the request was read says close, half-closes, and lingers only for its limits.
    @Test func earlyAnswerLingersThenCloses() {
        var machine = Self.machine()
        machine.headReceived(at: Self.at(0))
        #expect(machine.answerHeadWritten() == true)
        #expect(machine.answerEndWritten(at: Self.at(1)) == .halfClose)
        #expect(machine.bytesArrived(600, at: Self.at(1.5)) == .none)
        #expect(machine.bytesArrived(600, at: Self.at(1.6)) == .close)

        var timed = Self.machine()
        timed.headReceived(at: Self.at(0))
        _ = timed.answerHeadWritten()
        #expect(timed.answerEndWritten(at: Self.at(1)) == .halfClose)
        #expect(timed.timerFired(at: Self.at(2.9)) == .none)
        #expect(timed.timerFired(at: Self.at(3)) == .close)

        var ended = Self.machine()
        ended.headReceived(at: Self.at(0))
        _ = ended.answerHeadWritten()
        _ = ended.answerEndWritten(at: Self.at(1))
        #expect(ended.endReceived() == .close)
    }

    // Goal: a request read completely keeps the connection open for the next one, whose idle time starts anew.
    @Test func keepAliveAfterACompleteRequest() {
        var machine = Self.machine()
        machine.headReceived(at: Self.at(0))
        #expect(machine.endReceived() == .none)
        #expect(machine.nextDeadline == nil)  // answering is the server's time
        #expect(machine.answerHeadWritten() == false)
        #expect(machine.answerEndWritten(at: Self.at(30)) == .none)
        #expect(machine.nextDeadline == Self.at(90))
    }

    // Goal: a timeout after an answer began does not write a second answer; a decoder failure mid-body closes
    // after the reader's answer without lingering; a close mid-body is reported so the body is failed.
    @Test func timeoutsAndFailuresMidBody() {
        var answered = Self.machine()
        answered.headReceived(at: Self.at(0))
        _ = answered.answerHeadWritten()
        answered.readRequested(at: Self.at(0))
        #expect(answered.timerFired(at: Self.at(10)) == .timeOut(answer: false))

        var broken = Self.machine()
        broken.headReceived(at: Self.at(0))
        #expect(broken.decoderFailed() == false)
        #expect(broken.answerHeadWritten() == true)
        #expect(broken.answerEndWritten(at: Self.at(1)) == .close)

        var beforeHead = Self.machine()
        #expect(beforeHead.decoderFailed() == true)

        var closed = Self.machine()
        closed.headReceived(at: Self.at(0))
        #expect(closed.closed() == true)
        var idle = Self.machine()
        #expect(idle.closed() == false)
    }

    // Goal: durations of any size convert to NIO time without overflow.
    @Test func durationConversion() {
        #expect(ConnectionStateMachine.amount(.milliseconds(1500)) == .milliseconds(1500))
        #expect(ConnectionStateMachine.amount(.seconds(Int64.max)) == .nanoseconds(.max))
    }
}

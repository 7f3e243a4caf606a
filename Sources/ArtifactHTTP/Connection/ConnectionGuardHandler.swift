// Carries out ConnectionStateMachine on a channel: timers, 408 answers, refusals of unsupported framing, early closes.
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Why a request body stopped before its end; thrown to whoever reads the body, so an incomplete upload is never
/// taken for a complete one (Hummingbird ends a body quietly when its connection closes).
enum RequestBodyInterruption: Error, Equatable, CustomStringConvertible {
    /// The client did not send the request in time (`ConnectionLimits`).
    case timedOut
    /// The connection closed before the body ended.
    case connectionClosed

    /// The reason given to the client.
    var description: String {
        switch self {
        case .timedOut: return "the request did not arrive in time"
        case .connectionClosed: return "the connection closed before the request body ended"
        }
    }
}

/// Sits right after the HTTP/1 codec, sees every request and answer part, and learns about raw bytes and reads
/// from `ConnectionByteWatcher` at the front of the pipeline. Not Sendable: it lives on its channel's event loop.
///
/// Besides the timing rules it refuses a `Transfer-Encoding` other than `chunked` (501, 400 when malformed) and a
/// request the HTTP decoder cannot parse (400) with a reason, and it adds `Connection: close` to an answer sent
/// before its request was read, so the server stops reading a body that is going to be refused anyway.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let logger: Logger
    private var machine: ConnectionStateMachine
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?
    private var context: ChannelHandlerContext?
    /// This handler answered (or gave up on) the connection: nothing more goes in or out.
    private var finished = false
    /// The output is half-closed while lingering: later answers (to pipelined requests) are dropped.
    private var outputClosed = false

    /// A handler for one connection; `logger` gets a debug line per timeout.
    init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
        machine = ConnectionStateMachine(limits: limits, openedAt: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        machine = ConnectionStateMachine(limits: limits, openedAt: .now())
        reschedule(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    // MARK: - From the byte watcher

    /// Raw bytes arrived from the socket (called by `ConnectionByteWatcher` on the event loop).
    func bytesArrived(_ count: Int) {
        guard let context, !finished else { return }
        perform(machine.bytesArrived(count, at: .now()), context)
        reschedule(context)
    }

    /// The pipeline asked the socket for bytes.
    func readRequested() {
        guard let context, !finished else { return }
        machine.readRequested(at: .now())
        reschedule(context)
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let refusal = RequestFraming.refusal(of: head) {
                answer(refusal.status, refusal.message, context)
                return
            }
            machine.headReceived(at: .now(), awaitingContinue: head.headerFields[.expect]?.lowercased() == "100-continue")
        case .body:
            break
        case .end:
            let action = machine.endReceived()
            context.fireChannelRead(data)
            perform(action, context)
            reschedule(context)
            return
        }
        context.fireChannelRead(data)
        reschedule(context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !finished, let parserError = error as? HTTPParserError, machine.decoderFailed() {
            answer(.badRequest, RequestFraming.describe(parserError), context)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if machine.closed() { context.fireErrorCaught(RequestBodyInterruption.connectionClosed) }
        finished = true
        cancelTimer()
        context.fireChannelInactive()
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !finished, !outputClosed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let response) where response.status == .continue:
            machine.continueSent(at: .now())
            context.write(data, promise: promise)
            reschedule(context)
        case .head(var response) where response.status.kind != .informational:
            if machine.answerHeadWritten() { response.headerFields[.connection] = "close" }
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end:
            let action = machine.answerEndWritten(at: .now())
            guard action != .none else {
                context.write(data, promise: promise)
                reschedule(context)
                return
            }
            // The answer's last part: close (or half-close) once it is written, never before.
            let written = context.eventLoop.makePromise(of: Void.self)
            if let promise { written.futureResult.cascade(to: promise) }
            context.write(data, promise: written)
            let channel = context.channel
            if action == .halfClose {
                outputClosed = true
                written.futureResult.whenComplete { _ in
                    channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
                }
                reschedule(context)
            } else {
                finished = true
                cancelTimer()
                written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        default:
            context.write(data, promise: promise)
        }
    }

    // MARK: - Actions

    /// Carries out an action of an event other than an answer's end (which `write` handles).
    private func perform(_ action: ConnectionStateMachine.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .none, .halfClose:
            return
        case .close:
            finished = true
            cancelTimer()
            context.channel.close(promise: nil)
        case .timeOut(let answer):
            logger.debug("request timed out", metadata: ["http.answer.started": "\(!answer)"])
            // First fail the body for its reader, so an upload in progress is discarded rather than ingested.
            context.fireErrorCaught(RequestBodyInterruption.timedOut)
            if answer {
                self.answer(.requestTimeout, "the request was not received in time (\(RequestFraming.describe(limits)))", context)
            } else {
                finished = true
                cancelTimer()
                context.channel.close(promise: nil)
            }
        }
    }

    /// Writes a complete JSON error answer with `Connection: close` and closes once it is on the wire.
    private func answer(_ status: HTTPResponse.Status, _ message: String, _ context: ChannelHandlerContext) {
        finished = true
        cancelTimer()
        let body = HTTPFailure.jsonBody(message)
        let head = HTTPResponse(status: status, headerFields: [
            .contentType: "application/json", .contentLength: String(body.readableBytes), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }

    private func cancelTimer() {
        timer?.task.cancel()
        timer = nil
    }

    /// Makes sure a timer fires by the machine's next deadline, scheduling as seldom as possible: scheduling and
    /// cancelling a NIO task on every request cost about a tenth of a small GET's CPU. A timer never aims further
    /// than the shorter of the head and body timeouts ahead, so every deadline a request moves through on the
    /// usual path (next head, body, answer, idle again) lies at or after the timer already set and keeps it; a timer
    /// that fires early, or with nothing to decide (while answering), decides nothing and aims again. Only a
    /// deadline nearer than that (lingering after an early answer) replaces it.
    private func reschedule(_ context: ChannelHandlerContext) {
        guard !finished else {
            cancelTimer()
            return
        }
        guard let deadline = machine.nextDeadline else { return }
        let now = NIODeadline.now()
        let target = min(deadline, now + ConnectionStateMachine.amount(min(limits.headTimeout, limits.bodyReadTimeout)))
        if let timer, timer.deadline <= target { return }
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: target) { [self] in
            timer = nil
            perform(machine.timerFired(at: .now()), context)
            reschedule(context)
        }
        timer = (target, task)
    }
}

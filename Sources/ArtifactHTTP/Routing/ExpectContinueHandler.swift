// Answers `Expect: 100-continue` when a handler starts reading the body, so refusals go out without a 100 first.
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// `curl -T` (and other clients) send `Expect: 100-continue` with a PUT or POST body and wait up to a second for
/// the interim answer before sending the body anyway. Hummingbird does not send it. This handler sits after the
/// HTTP codec and remembers that a 100 is owed; it sends it when a handler announces, with the `BodyWanted`
/// outbound event (`ArtifactRequestContext.body(of:)`), that it is about to read the body. A request refused
/// before that (401, 403, 404, 413, 400) gets its final answer without a 100, and the client never sends the body.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Triggered (`Channel.triggerUserOutboundEvent`) by a handler that starts reading the body of the current request.
    struct BodyWanted: Sendable {}

    /// A 100 is owed to the current request: it asked, and neither its body's end nor a final answer has passed.
    private var continueOwed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            continueOwed = request.headerFields[.expect]?.lowercased() == "100-continue"
        case .end:
            continueOwed = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let response) = unwrapOutboundIn(data), response.status.kind != .informational {
            continueOwed = false
        }
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is BodyWanted else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if continueOwed {
            continueOwed = false
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        promise?.succeed(())
    }
}

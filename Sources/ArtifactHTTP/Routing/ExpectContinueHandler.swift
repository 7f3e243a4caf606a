// Answers `Expect: 100-continue` as soon as the request head arrives, so clients that wait for it never stall.
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// `curl -T` (and other clients) send `Expect: 100-continue` with a PUT or POST body and wait up to a second for
/// the interim answer before sending the body anyway. Hummingbird does not send it, so every such upload lost a
/// second. This handler sits after the HTTP codec and sends `100 Continue` when the head asks for it; NIO's
/// pipeline handler lets 1xx answers through without ending the request. The body is wanted whatever the final
/// answer: a refused upload is answered after its body (or once the server stops reading it).
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
           request.headerFields[.expect]?.lowercased() == "100-continue" {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}

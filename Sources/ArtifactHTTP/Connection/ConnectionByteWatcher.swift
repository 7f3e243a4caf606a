// The first handler of a connection's pipeline: tells ConnectionGuardHandler when raw bytes arrive and reads are asked for.
import NIOCore

/// Sits before the HTTP decoder, where bytes of a half-sent request head are visible (the decoder emits nothing
/// until a head is complete) and where a read asked for by the pipeline reaches the socket. It changes nothing.
final class ConnectionByteWatcher: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Any
    typealias OutboundOut = Any

    private let guardHandler: ConnectionGuardHandler

    /// A watcher telling `guardHandler` (on the same channel) about bytes and reads.
    init(reportingTo guardHandler: ConnectionGuardHandler) {
        self.guardHandler = guardHandler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guardHandler.bytesArrived(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        guardHandler.readRequested()
        context.read()
    }
}

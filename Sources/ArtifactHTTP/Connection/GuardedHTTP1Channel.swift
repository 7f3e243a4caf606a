// Hummingbird's HTTP/1 child channel with this server's connection handlers: timeouts, framing checks, 100-continue.
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Builds each connection's pipeline as `HTTP1Channel` does, with `ConnectionByteWatcher` in front of the HTTP
/// decoder and `ConnectionGuardHandler` and `ExpectContinueHandler` right after the codec. Hummingbird's own idle
/// timeout stays off: `ConnectionGuardHandler` decides when a connection has waited too long.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    /// What answers each request (Hummingbird's application responder).
    let responder: HTTPChannelHandler.Responder
    /// The timing limits of every connection.
    let limits: ConnectionLimits

    /// The server builder to hand to `Application(server:)`.
    static func builder(limits: ConnectionLimits) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, limits: limits) }
    }

    /// Builds the pipeline of a new connection; fails only if NIO cannot add a handler.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let guardHandler = ConnectionGuardHandler(limits: limits, logger: logger)
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionByteWatcher(reportingTo: guardHandler), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let handlers = NIOLoopBound(guardHandler, eventLoop: channel.eventLoop)
        let configuration = HTTP1Channel.Configuration(additionalChannelHandlers: [handlers.value, ExpectContinueHandler()])
        return HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger)
    }

    /// Serves the connection's requests until it closes (Hummingbird's HTTP/1 loop).
    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder).handle(value: value, logger: logger)
    }
}

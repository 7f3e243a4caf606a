// The context every request gets: Hummingbird's core storage plus the connection, through which a body is asked for.
import Core
import Hummingbird
import NIOCore

/// Handlers read a request body only through `body(of:)` or `collectBody(of:upTo:what:)`: asking for the body is
/// what sends an owed `100 Continue` (`ExpectContinueHandler`), so a request refused before that never gets one.
struct ArtifactRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// The request's body, after telling the connection that it is wanted.
    func body(of request: Request) -> RequestBody {
        channel.triggerUserOutboundEvent(ExpectContinueHandler.BodyWanted(), promise: nil)
        return request.body
    }

    /// The whole body of a small request (JSON, a key). A declared or actual length over `bytesMax` is refused with
    /// 413 naming `what`, the declared one before a byte is read.
    func collectBody(of request: Request, upTo bytesMax: Int, what: String) async throws -> ByteBuffer {
        try RequestLength.refuseDeclared(request, over: Int64(bytesMax), what: what)
        var collected = ByteBuffer()
        for try await buffer in body(of: request) {
            guard collected.readableBytes + buffer.readableBytes <= bytesMax else {
                throw HTTPFailure(.contentTooLarge, "\(what) is larger than \(bytesMax) bytes")
            }
            collected.writeImmutableBuffer(buffer)
        }
        return collected
    }
}

/// The length a client declares for its body.
enum RequestLength {
    /// Refuses (413) a request whose `Content-Length` is over `bytesMax`, before any of its body is read. A chunked
    /// body has no declared length; its readers count what arrives.
    static func refuseDeclared(_ request: Request, over bytesMax: Int64, what: String) throws(HTTPFailure) {
        guard let field = request.headers[.contentLength], let declared = Int64(field), declared > bytesMax else { return }
        throw HTTPFailure(.contentTooLarge, "\(what) of \(declared) bytes is larger than the limit of \(bytesMax) bytes")
    }
}

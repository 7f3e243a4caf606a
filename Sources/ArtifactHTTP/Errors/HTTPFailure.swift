// The one mapping from domain errors to HTTP statuses; handlers throw, this decides the code.
import Core
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// An error with its HTTP status and a message for the client (JSON `{"error": …}` or plain text).
struct HTTPFailure: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// Maps any error: `ArtifactError`s by meaning, a client's mistakes met while reading a request (malformed
    /// framing or form, a body too large or too slow) to 4xx with the reason, anything else to a 500 with a
    /// generic message.
    init(_ error: any Error) {
        switch error {
        case let failure as HTTPFailure:
            self = failure
        case let artifact as ArtifactError:
            self.init(Self.status(of: artifact), artifact.description)
            if case .unauthorized = artifact { headers[.wwwAuthenticate] = #"Basic realm="artifactfs""# }
        case let identifier as IdentifierError:
            self.init(.badRequest, identifier.description)
        default:
            self = Self.requestFailure(error) ?? HTTPFailure(.internalServerError, "internal error")
        }
    }

    /// Failures of reading the request itself: always the client's doing, never a 5xx.
    private static func requestFailure(_ error: any Error) -> HTTPFailure? {
        switch error {
        case let form as MultipartFormError:
            return HTTPFailure(form.isSizeLimit ? .contentTooLarge : .badRequest, form.description)
        case let interruption as RequestBodyInterruption:
            return HTTPFailure(interruption == .timedOut ? .requestTimeout : .badRequest, interruption.description)
        case let parser as HTTPParserError:
            return HTTPFailure(.badRequest, RequestFraming.describe(parser))
        case is NIOTooManyBytesError:
            return HTTPFailure(.contentTooLarge, "the request body is too large")
        case is DecodingError:
            return HTTPFailure(.badRequest, "the request body is not the JSON expected")
        case is BlockingExecutor.Saturated:
            return HTTPFailure(.serviceUnavailable, "too many uploads are being validated; retry later", headers: [.retryAfter: "5"])
        default:
            return nil
        }
    }

    static func status(of error: ArtifactError) -> HTTPResponse.Status {
        switch error {
        case .invalidPackage, .invalidName, .badRequest: return .badRequest
        case .conflict, .alreadyExists, .notEmpty: return .conflict
        case .notFound: return .notFound
        case .readOnly, .notADropDirectory: return .forbidden
        case .crossDirectory: return .badRequest
        case .unsupportedProvider: return .notImplemented
        case .outOfSpace: return HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .storageUnavailable: return .serviceUnavailable
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        }
    }

    /// The response: JSON for API and upload clients, which all read JSON errors.
    func response() -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: Self.jsonBody(message)))
    }

    /// `{"error": message}`, the body of every refusal (also those `ConnectionGuardHandler` writes itself).
    static func jsonBody(_ message: String) -> ByteBuffer {
        let body = (try? JSONEncoder().encode(["error": message])) ?? Data(#"{"error":"internal error"}"#.utf8)
        return ByteBuffer(bytes: body)
    }
}

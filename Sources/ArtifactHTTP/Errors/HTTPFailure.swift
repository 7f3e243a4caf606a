// The one mapping from domain errors to HTTP statuses; handlers throw, this decides the code.
import Core
import Foundation
import HTTPTypes
import Hummingbird

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

    /// Maps any error: `ArtifactError`s by meaning, anything else is a 500 with a generic message.
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
            self.init(.internalServerError, "internal error")
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
        let body = (try? JSONEncoder().encode(["error": message])) ?? Data(#"{"error":"internal error"}"#.utf8)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

// The exporter's single entry point: parse the path once, dispatch on method and prefix, map every error.
import Core
import HTTPTypes
import Hummingbird
import Logging

/// Routes every request; never lets an error escape as a bare 500 without a body.
struct ArtifactResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let files: TreeFileServer
    let uploads: UploadHandlers
    let api: RepositoryAPI

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            return try await route(request, context: context)
        } catch {
            let failure = HTTPFailure(error)
            if failure.status.code >= 500 {
                context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            }
            return failure.response()
        }
    }

    private func route(_ request: Request, context: Context) async throws -> Response {
        let path = try RequestPath(raw: request.uri.path)
        let components = path.components
        if !path.usedAlias, components.first == "api" {
            return try await api.handle(Array(components.dropFirst()), request: request)
        }
        if !path.usedAlias, components == ["addpkg"], request.method == .post {
            return try await uploads.addpkg(request)
        }
        if request.method == .post, UploadHandlers.isTwineUpload(components) {
            return try await uploads.twineUpload(components, request: request)
        }
        switch request.method {
        case .get, .head:
            return try await files.serve(path, request: request)
        case .put:
            return try await uploads.put(path, request: request)
        case .delete:
            return try await uploads.delete(path, request: request)
        default:
            throw HTTPFailure(.methodNotAllowed, "method not allowed", headers: [.allow: "GET, HEAD, PUT, DELETE, POST"])
        }
    }
}

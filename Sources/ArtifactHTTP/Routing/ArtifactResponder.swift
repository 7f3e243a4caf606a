// The exporter's single entry point: parse the path once, dispatch on method and prefix, map every error.
import Core
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// Routes every request; never lets an error escape as a bare 500 without a body.
struct ArtifactResponder: HTTPResponder {
    typealias Context = ArtifactRequestContext

    let files: TreeFileServer
    let uploads: UploadHandlers
    let api: RepositoryAPI
    let health: HealthEndpoints
    /// Nil when the process did not bootstrap a Prometheus registry (in-process tests): /metrics is then a 404.
    let metrics: MetricsEndpoint?

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let path = try? RequestPath(raw: request.uri.path)
        let response: Response
        do {
            response = try await route(request, path: try path ?? RequestPath(raw: request.uri.path), context: context)
        } catch {
            let failure = HTTPFailure(error)
            if failure.status.code >= 500 {
                context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            }
            response = failure.response()
        }
        let route = path.map { RouteClass.of(method: request.method.rawValue, components: $0.components) } ?? .other
        Self.count(route: route, status: response.status.code, since: started)
        return response
    }

    /// Requests by route class and status; the duration is the time to the response head (a download's body
    /// streams after it).
    private static func count(route: RouteClass, status: Int, since started: ContinuousClock.Instant) {
        Counter(label: ArtifactMetrics.httpRequests, dimensions: [("route", route.rawValue), ("status", String(status))]).increment()
        Metrics.Timer(label: ArtifactMetrics.httpRequestSeconds, dimensions: [("route", route.rawValue)]).recordInterval(since: started)
    }

    private func route(_ request: Request, path: RequestPath, context: Context) async throws -> Response {
        let components = path.components
        if !path.usedAlias, components.count == 1, request.method == .get || request.method == .head,
           let response = try await operations(components[0]) {
            return response
        }
        // Route names are compared by bytes, as every name (`ByteString` says why).
        if !path.usedAlias, components.first?.bytesEqual("api") == true {
            return try await api.handle(Array(components.dropFirst()), request: request, context: context)
        }
        if !path.usedAlias, components.count == 1, components[0].bytesEqual("addpkg"), request.method == .post {
            return try await uploads.addpkg(request, context: context)
        }
        if request.method == .post, UploadHandlers.isTwineUpload(components) {
            return try await uploads.twineUpload(components, request: request, context: context)
        }
        switch request.method {
        case .get, .head:
            return try await files.serve(path, request: request)
        case .put:
            return try await uploads.put(path, request: request, context: context)
        case .delete:
            return try await uploads.delete(path, request: request)
        default:
            throw HTTPFailure(.methodNotAllowed, "method not allowed", headers: [.allow: "GET, HEAD, PUT, DELETE, POST"])
        }
    }

    /// `/healthz`, `/readyz` and `/metrics`; nil for any other name (a repository tree never has these at its root).
    private func operations(_ name: String) async throws -> Response? {
        if name.bytesEqual("healthz") { return health.health() }
        if name.bytesEqual("readyz") { return await health.readiness() }
        if name.bytesEqual("metrics") { return try await metrics?.render() }
        return nil
    }
}

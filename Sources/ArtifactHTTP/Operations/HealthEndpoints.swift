// GET /healthz (the process answers) and GET /readyz (its dependencies answer), both with JSON bodies.
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Liveness and readiness for load balancers, systemd and orchestrators.
struct HealthEndpoints: Sendable {
    let probe: ReadinessProbe
    let started = Date()

    /// 200 while the event loop serves requests; says nothing about storage (that is /readyz).
    func health() -> Response {
        json(.ok, ["status": "ok", "uptimeSeconds": Int(Date().timeIntervalSince(started))])
    }

    /// 200 when every check passed, 503 otherwise; each check's result and time in the body.
    func readiness() async -> Response {
        let results = await probe.evaluate()
        let ready = results.allSatisfy(\.ok)
        var checks: [String: Any] = [:]
        for result in results {
            var entry: [String: Any] = ["status": result.ok ? "ok" : "failing", "milliseconds": result.milliseconds]
            if let detail = result.detail { entry["detail"] = detail }
            checks[result.name] = entry
        }
        return json(ready ? .ok : .serviceUnavailable, ["status": ready ? "ready" : "not ready", "checks": checks])
    }

    private func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

// /readyz with failing, hanging and passing checks; /metrics absent without a registry.
@testable import ArtifactHTTP
import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

struct ReadinessTests {
    // Goal: one failing dependency makes /readyz 503 and names it; the others still report ok.
    @Test func failingCheckMakesItNotReady() async throws {
        let server = try TestServer()
        defer { server.remove() }
        let failing = ReadinessCheck(name: "mount") { throw CheckError(description: "transport endpoint is not connected") }
        let app = HTTPExporter.application(repositories: server.repositories, executor: TestServer.executor,
                                           configuration: .init(readinessChecks: [failing]), logger: server.logger)
        try await app.test(.router) { client in
            let ready = try await client.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(ready.bytes)) as? [String: Any])
            #expect(body["status"] as? String == "not ready")
            let checks = try #require(body["checks"] as? [String: [String: Any]])
            #expect(checks["mount"]?["status"] as? String == "failing")
            #expect(checks["mount"]?["detail"] as? String == "transport endpoint is not connected")
            #expect(checks["catalogue"]?["status"] as? String == "ok" && checks["blobStore"]?["status"] as? String == "ok")
            #expect(try await client.get("/healthz").status == .ok)
            #expect(try await client.get("/metrics").status == .notFound, "no registry was given")
        }
    }

    // Goal: a check that hangs is reported failing at the deadline, and a second probe while it still hangs does
    // not start another thread for it.
    @Test func hangingCheckTimesOutOnce() async throws {
        let release = DispatchSemaphore(value: 0)
        let starts = Mutex(0)
        let hanging = ReadinessCheck(name: "s3") {
            starts.withLock { $0 += 1 }
            release.wait()
        }
        let probe = ReadinessProbe(checks: [hanging], deadline: .milliseconds(200))
        let first = await probe.evaluate()
        #expect(first.first?.ok == false && first.first?.detail?.contains("no answer within") == true)
        let second = await probe.evaluate()
        #expect(second.first?.detail == "the previous check has not returned yet")
        #expect(starts.withLock { $0 } == 1)
        release.signal()
        try await Task.sleep(for: .milliseconds(100))
        let third = await probe.evaluate()
        #expect(third.first?.ok == false, "it hangs again, but a new attempt was made")
        #expect(starts.withLock { $0 } == 2)
        release.signal()
    }

    struct CheckError: Error, CustomStringConvertible { let description: String }
}
